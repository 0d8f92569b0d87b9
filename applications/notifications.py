"""E-mail about an application's steps, in Chinese and English, sent by Celery after commit."""

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation

from applications.models import AuditEvent, SentNotification


def queue_for_event(application, event: AuditEvent) -> None:
    from applications.tasks import send_event_email

    send_event_email.delay(event.pk)


def recipients_for(event: AuditEvent) -> list[str]:
    members = event.application.organisation.members.filter(is_active=True).exclude(email="")
    return sorted(members.values_list("email", flat=True))


def render_event_email(event: AuditEvent) -> tuple[str, str]:
    """(subject, body): the Chinese text first, then the English one."""
    parts, subjects = [], []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            context = {"event": event, "application": event.application, "site_url": settings.SITE_URL}
            subjects.append(render_to_string("emails/subject.txt", context).strip())
            parts.append(render_to_string("emails/event.txt", context).strip())
    # A title typed with a line break must not break the mail header.
    subject = " ".join(" / ".join(subjects).split())
    return subject, "\n\n----------------------------------------\n\n".join(parts)


def _attach_letter(message: EmailMessage, event: AuditEvent) -> None:
    from awards.models import Letter

    letter = Letter.objects.filter(pk=event.data.get("letter")).first()
    if letter is not None and letter.pdf:
        with letter.pdf.open("rb") as pdf:
            message.attach(f"{letter.reference}.pdf", pdf.read(), "application/pdf")


def send_event_email(event_id: int) -> bool:
    """Send once: a second run (a retry, a re-delivered message) finds the row and does nothing."""
    event = AuditEvent.objects.select_related("application__organisation", "application__call__program").get(
        pk=event_id
    )
    if SentNotification.objects.filter(event=event).exists():
        return False
    to = recipients_for(event)
    if to:
        subject, body = render_event_email(event)
        message = EmailMessage(subject=subject, body=body, to=to)
        if event.action == "letter_issued":
            _attach_letter(message, event)
        message.send()
    with transaction.atomic():
        SentNotification.objects.get_or_create(event=event, defaults={"recipients": to})
    return True
