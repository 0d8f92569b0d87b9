"""Reminders of drafts left unsubmitted, sent by Celery beat (tasks.send_draft_reminders, hourly) as inbox items
and their e-mail (portal/accounts/inbox.py).

A draft whose call closes within 3 days is reminded once to its organisation's members. Once per draft and
closing time: the inbox item's key names them (`reminder:draft:<id>:<closes_at>:closing`), a person has one item
per key, so a second run sends nothing more; a call whose closing moves is reminded again. The draft's row is
locked and its state read again while the reminder is written: a draft submitted (or withdrawn) meanwhile is not
reminded. A call already closed is not reminded either: the draft can no longer be submitted to it."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from applications.models import Application, State
from portal.accounts import inbox
from portal.accounts.models import Notification, NotificationKind

CLOSING_SOON = timedelta(days=3)


def draft_key(application: Application) -> str:
    return f"reminder:draft:{application.pk}:{application.call.closes_at.strftime('%Y%m%dT%H%M')}:closing"


def _send(application_id: int, now: datetime) -> bool:
    with transaction.atomic():
        application = (
            Application.objects.select_for_update(of=("self",))
            .select_related("call", "organisation")
            .filter(pk=application_id, state=State.DRAFT, call__closes_at__gt=now)
            .first()
        )
        if application is None:
            return False
        texts = inbox.render_texts(
            "emails/reminder_subject.txt",
            "emails/reminder.txt",
            {
                "what": "draft",
                "application": application,
                "call": application.call,
                "closes_at": timezone.localtime(application.call.closes_at),
                "site_url": settings.SITE_URL,
            },
        )
        items = inbox.notify(
            users=application.organisation.members.filter(is_active=True),
            kind=NotificationKind.REMINDER,
            key=draft_key(application),
            texts=texts,
            link=f"/applications/{application.pk}/edit/",
        )
    return bool(items)


def draft_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the teams of drafts whose call closes within 3 days; the number of drafts reminded. Safe to run as
    often as beat likes."""
    now = now or timezone.now()
    drafts = list(
        Application.objects.filter(
            state=State.DRAFT, call__closes_at__gt=now, call__closes_at__lte=now + CLOSING_SOON
        ).select_related("call")
    )
    told = set(Notification.objects.filter(key__in=[draft_key(a) for a in drafts]).values_list("key", flat=True))
    return sum(_send(draft.pk, now) for draft in drafts if draft_key(draft) not in told)
