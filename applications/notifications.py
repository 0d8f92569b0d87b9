"""E-mail about an application's steps, in Chinese and English, written to the outbox with the step."""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from applications.models import AuditEvent
from portal.accounts.models import OutboxKind, OutboxMessage
from portal.accounts.outbox import outbox_send, outbox_write
from portal.bilingual import render_bilingual_email


def recipients_for(event: AuditEvent) -> list[str]:
    members = event.application.organisation.members.filter(is_active=True).exclude(email="")
    return sorted(members.values_list("email", flat=True))


def recipients_when_sent(message: OutboxMessage) -> list[str]:
    """A step's mail goes to the organisation's members when it leaves: one removed meanwhile must not
    get the letter, one who joined should (registered with the outbox in applications/apps.py)."""
    return message.recipients if message.event_id is None else recipients_for(message.event)


# The letter a step's e-mail attaches, by the event's action, registered by the app that issues letters
# (awards/apps.py: `letter_issued`), which sits above this one.
_LETTERS: dict[str, Callable[[AuditEvent], object | None]] = {}


def attach_letter(action: str, letter_of: Callable[[AuditEvent], object | None]) -> None:
    _LETTERS[action] = letter_of


def render_event_email(event: AuditEvent) -> tuple[str, str]:
    context = {"event": event, "application": event.application, "site_url": settings.SITE_URL}
    return render_bilingual_email("emails/subject.txt", "emails/event.txt", context)


def outbox_for_event(event: AuditEvent) -> OutboxMessage:
    """The event's e-mail, written to the outbox in the event's own transaction (portal/accounts/outbox.py); the
    letter's PDF is attached and the recipients are read again when it is sent."""
    subject, body = render_event_email(event)
    letter_of = _LETTERS.get(event.action)
    letter = letter_of(event) if letter_of is not None else None
    return outbox_write(
        kind=OutboxKind.EVENT,
        dedupe_key=f"event:{event.pk}",
        recipients=recipients_for(event),
        subject=subject,
        body=body,
        event=event,
        letter=letter,
    )


def send_event_email(event_id: int) -> bool:
    """Send once: a second run (a retry, a re-delivered message) finds the row sent and does nothing.
    An event from before the outbox gets its row now."""
    message = OutboxMessage.objects.filter(event_id=event_id).first()
    if message is None:
        event = AuditEvent.objects.select_related("application__organisation", "application__call__program").get(
            pk=event_id
        )
        with transaction.atomic():
            message = outbox_for_event(event)
    return outbox_send(message_id=message.pk)
