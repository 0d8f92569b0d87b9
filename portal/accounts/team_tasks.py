"""The invitation e-mail, in Chinese then English, written to the outbox with the invitation.

Its own module (not portal/tasks.py); the worker must import it, see the report on registration.
"""

from celery import shared_task
from django.conf import settings
from django.db import transaction

from portal.accounts.models import Invitation, OutboxKind, OutboxMessage
from portal.accounts.organisations import hash_token, invitation_is_open, invitation_link
from portal.accounts.outbox import outbox_send, outbox_write
from portal.bilingual import render_bilingual_email


def render_invitation_email(invitation: Invitation, token: str) -> tuple[str, str]:
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "invited_by": invitation.invited_by,
        "link": invitation_link(token),
        "site_url": settings.SITE_URL,
    }
    return render_bilingual_email("emails/invitation_subject.txt", "emails/invitation.txt", context)


def invitation_email_write(*, invitation: Invitation, token: str) -> OutboxMessage:
    """The invitation's mail as an outbox row of the caller's transaction (portal/outbox.py)."""
    subject, body = render_invitation_email(invitation, token)
    return outbox_write(
        kind=OutboxKind.INVITATION,
        dedupe_key=f"invitation:{invitation.pk}",
        recipients=[invitation.email],
        subject=subject,
        body=body,
        invitation=invitation,
    )


def deliver_invitation_email(invitation_id: int, token: str) -> bool:
    """Send the link once, and only while the invitation is still open. The mail is normally written with
    the invitation; this serves tasks queued before the outbox existed."""
    invitation = Invitation.objects.select_related("organisation", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.token_hash != hash_token(token) or not invitation_is_open(invitation):
        return False
    with transaction.atomic():
        message = invitation_email_write(invitation=invitation, token=token)
    return outbox_send(message_id=message.pk)


# Kept registered for messages queued by the previous release; new invitations go through the outbox.
@shared_task(
    name="portal.team_tasks.send_invitation_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_invitation_email(invitation_id: int, token: str) -> bool:
    return deliver_invitation_email(invitation_id, token)
