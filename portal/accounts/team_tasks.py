"""The invitation e-mail task of the release before the outbox, kept registered for the messages it queued.

Its own module (not portal/accounts/tasks.py, which imports it so the worker's autodiscovery registers it).
"""

from celery import shared_task

from portal.accounts.organisations import deliver_invitation_email


# Kept registered for messages queued by the previous release; new invitations go through the outbox.
@shared_task(
    name="portal.team_tasks.send_invitation_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_invitation_email(invitation_id: int, token: str) -> bool:
    return deliver_invitation_email(invitation_id, token)
