"""The invitation e-mail, in Chinese then English, sent by Celery after the invitation is committed.

Its own module (not portal/tasks.py); the worker must import it, see the report on registration.
"""

from celery import shared_task
from django.conf import settings
from django.core.cache import cache
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import translation

from portal.models import Invitation
from portal.organisations import hash_token, invitation_is_open, invitation_link

SEPARATOR = "\n\n----------------------------------------\n\n"
# A re-delivered task (acks_late) finds this mark and sends nothing more; kept past the link's life.
SENT_MARK_SECONDS = 8 * 24 * 3600


def render_invitation_email(invitation: Invitation, token: str) -> tuple[str, str]:
    """(subject, body): the Chinese text first, then the English one."""
    parts, subjects = [], []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            context = {
                "invitation": invitation,
                "organisation": invitation.organisation,
                "invited_by": invitation.invited_by,
                "link": invitation_link(token),
                "site_url": settings.SITE_URL,
            }
            subjects.append(render_to_string("emails/invitation_subject.txt", context).strip())
            parts.append(render_to_string("emails/invitation.txt", context).strip())
    # One line whatever a name holds: a line break in a header makes Django refuse to send the mail.
    return " ".join(" / ".join(subjects).split()), SEPARATOR.join(parts)


def deliver_invitation_email(invitation_id: int, token: str) -> bool:
    """Send the link once, and only while the invitation is still open."""
    invitation = Invitation.objects.select_related("organisation", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.token_hash != hash_token(token) or not invitation_is_open(invitation):
        return False
    mark = f"invitation-email-sent:{invitation.pk}"
    if cache.get(mark):
        return False
    subject, body = render_invitation_email(invitation, token)
    EmailMessage(subject=subject, body=body, to=[invitation.email]).send()
    cache.set(mark, 1, SENT_MARK_SECONDS)
    return True


@shared_task(
    name="portal.team_tasks.send_invitation_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_invitation_email(invitation_id: int, token: str) -> bool:
    return deliver_invitation_email(invitation_id, token)
