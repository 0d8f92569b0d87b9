"""E-mail and inbox items about an application's steps, in Chinese and English, written with the step: one
outbox row to the organisation's members, and an inbox item for each of them (portal/accounts/inbox.py)."""

from collections.abc import Callable

from django.conf import settings
from django.db import transaction

from applications.models import AuditEvent
from portal.accounts import inbox
from portal.accounts.models import NotificationKind, OutboxKind, OutboxMessage
from portal.accounts.outbox import outbox_send, outbox_write
from portal.bilingual import bilingual_email

# Which inbox kind (and so which e-mail preference) a step's news is; the apps above register their steps'
# (applications/apps.py, awards/apps.py). A step not listed is "other news".
_KINDS: dict[str, str] = {}


def add_event_kinds(kinds: dict[str, str]) -> None:
    _KINDS.update(kinds)


def kind_of(event: AuditEvent) -> str:
    return _KINDS.get(event.action, NotificationKind.OTHER)


def members_of(event: AuditEvent):
    return event.application.organisation.members.filter(is_active=True)


def recipients_for(event: AuditEvent) -> list[str]:
    return sorted(members_of(event).exclude(email="").values_list("email", flat=True))


def recipients_when_sent(message: OutboxMessage) -> list[str]:
    """A step's mail goes to the organisation's members when it leaves: one removed meanwhile must not
    get the letter, one who joined should; one who takes this kind in the daily digest reads it there
    (registered with the outbox in applications/apps.py)."""
    if message.event_id is None:
        return message.recipients
    event = message.event
    return inbox.without_digest_takers(recipients_for(event), members_of(event), kind_of(event))


# The letter a step's e-mail attaches, by the event's action, registered by the app that issues letters
# (awards/apps.py: `letter_issued`), which sits above this one.
_LETTERS: dict[str, Callable[[AuditEvent], object | None]] = {}


def attach_letter(action: str, letter_of: Callable[[AuditEvent], object | None]) -> None:
    _LETTERS[action] = letter_of


def render_event_texts(event: AuditEvent) -> inbox.Texts:
    context = {"event": event, "application": event.application, "site_url": settings.SITE_URL}
    return inbox.render_texts("emails/subject.txt", "emails/event.txt", context)


def render_event_email(event: AuditEvent) -> tuple[str, str]:
    return bilingual_email(render_event_texts(event))


def outbox_for_event(event: AuditEvent) -> OutboxMessage:
    """The event's e-mail, written to the outbox in the event's own transaction (portal/accounts/outbox.py), and
    each member's inbox item tied to it; the letter's PDF is attached and the recipients are read again when it
    is sent."""
    texts = render_event_texts(event)
    subject, body = bilingual_email(texts)
    letter_of = _LETTERS.get(event.action)
    letter = letter_of(event) if letter_of is not None else None
    kind = kind_of(event)
    members = list(members_of(event))
    message = outbox_write(
        kind=OutboxKind.EVENT,
        dedupe_key=f"event:{event.pk}",
        recipients=inbox.without_digest_takers(recipients_for(event), members_of(event), kind),
        subject=subject,
        body=body,
        event=event,
        letter=letter,
    )
    inbox.notify(
        users=members,
        kind=kind,
        key=f"event:{event.pk}",
        texts=texts,
        link=f"/applications/{event.application_id}/",
        event=event,
        outbox=message,
    )
    return message


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
