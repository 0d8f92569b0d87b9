"""Every person's inbox: a notification is a row before it is a message.

`notify()` writes one `Notification` per person in the transaction of what it announces, in both languages, and
the e-mail that mirrors it through the outbox: one row for everyone who takes that kind at once, nothing yet for
those who take it in the daily digest, which `digest_send()` (beat) writes later from the rows no e-mail covers.
A fault between the two loses nothing: the item is there, the outbox sends or the sweep queues again.

An application's step already writes its own e-mail to the organisation's members (`applications/notifications`);
that mail is passed as `outbox=` and its recipients leave out those who chose the digest for the step's kind.
"""

from collections.abc import Iterable
from datetime import datetime

from django.conf import settings
from django.db import connection, transaction
from django.db.models import Count, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.accounts.models import (
    Delivery,
    Notification,
    NotificationKind,
    NotificationPreference,
    OutboxKind,
    OutboxMessage,
    User,
)
from portal.accounts.outbox import outbox_write
from portal.bilingual import bilingual_email, render_in_languages
from portal.errors import ErrorCode, PortalError

Texts = dict[str, tuple[str, str]]  # {"zh-hans": (title, body), "en": (title, body)}


def digest_takers(users: Iterable[User], kind: str) -> set[int]:
    """Ids of those who take `kind` in the daily digest (no row: at once)."""
    ids = [user.pk for user in users]
    return set(
        NotificationPreference.objects.filter(user_id__in=ids, kind=kind, delivery=Delivery.DIGEST).values_list(
            "user_id", flat=True
        )
    )


def notify(
    *,
    users: Iterable[User],
    kind: str,
    key: str,
    texts: Texts,
    link: str = "",
    event=None,
    letter=None,
    outbox: OutboxMessage | None = None,
    mail: bool = True,
) -> list[Notification]:
    """An inbox item for each active person not yet told of `key`, and its e-mail. `outbox`: the mail that
    already announces it (an application's step), to which the items are tied instead of a new one; `mail=False`:
    the inbox only."""
    if not connection.in_atomic_block:
        raise RuntimeError("notify belongs inside the transaction of what it announces")
    if link and not link.startswith("/"):
        raise ValueError("an inbox link is a path inside the portal")
    people = {user.pk: user for user in users if user.is_active}
    told = set(Notification.objects.filter(key=key, user_id__in=list(people)).values_list("user_id", flat=True))
    people = {pk: user for pk, user in people.items() if pk not in told}
    if not people:
        return []
    digest = digest_takers(people.values(), kind)
    now = timezone.now()
    (title_zh, body_zh), (title_en, body_en) = texts["zh-hans"], texts["en"]
    items = Notification.objects.bulk_create(
        Notification(
            user=user,
            kind=kind,
            key=key,
            title_zh=title_zh[:300],
            title_en=title_en[:300],
            body_zh=body_zh,
            body_en=body_en,
            link=link,
            event=event,
            outbox=outbox if pk not in digest else None,
            # Covered already: by the step's own mail; or by none at all (`mail=False`), so no digest takes it.
            mailed_at=now if (outbox is not None and pk not in digest) or not mail else None,
        )
        for pk, user in people.items()
    )
    at_once = [item for item in items if item.user_id not in digest]
    if outbox is None and mail and at_once:
        recipients = sorted({item.user.email for item in at_once if item.user.email})
        if recipients:
            subject, body = bilingual_email(_with_link(texts, link))
            message = outbox_write(
                kind=OutboxKind.NOTIFICATION,
                # One mail per batch: a later batch of the same key (a new member) gets its own.
                dedupe_key=f"notify:{min(item.pk for item in at_once)}:{key}"[:100],
                recipients=recipients,
                subject=subject,
                body=body,
                letter=letter,
            )
            Notification.objects.filter(pk__in=[item.pk for item in at_once]).update(outbox=message, mailed_at=now)
    return items


def _with_link(texts: Texts, link: str) -> Texts:
    if not link:
        return texts
    return {language: (title, f"{body}\n\n{settings.SITE_URL}{link}") for language, (title, body) in texts.items()}


def render_texts(subject_template: str, body_template: str, context: dict) -> Texts:
    return render_in_languages(subject_template, body_template, context)


def recipients_when_sent(message: OutboxMessage) -> list[str]:
    """An inbox item's mail goes to those it was written for who are still active (registered with the outbox)."""
    people = User.objects.filter(notifications__outbox=message, is_active=True).exclude(email="")
    return sorted(set(people.values_list("email", flat=True)))


def without_digest_takers(emails: list[str], users: QuerySet, kind: str) -> list[str]:
    """An application step's recipients but those who take its kind in the digest."""
    digest = set(
        users.filter(notification_preferences__kind=kind, notification_preferences__delivery=Delivery.DIGEST)
        .exclude(email="")
        .values_list("email", flat=True)
    )
    return [email for email in emails if email not in digest]


# --- the daily digest ------------------------------------------------------------------------------------------


def digest_send(*, now: datetime | None = None) -> int:
    """One digest e-mail per person of everything no e-mail covers yet; the items are marked covered in the same
    transaction, so a second run sends nothing more. Returns the number of digests written."""
    now = now or timezone.now()
    waiting = (
        Notification.objects.filter(mailed_at__isnull=True, created_at__lte=now, user__is_active=True)
        .exclude(user__email="")
        .values("user_id")
        .annotate(n=Count("pk"))
    )
    written = 0
    for row in waiting:
        with transaction.atomic():
            items = list(
                Notification.objects.select_for_update(skip_locked=True)
                .filter(user_id=row["user_id"], mailed_at__isnull=True, created_at__lte=now)
                .order_by("created_at", "pk")
            )
            if not items:
                continue
            user = User.objects.get(pk=row["user_id"])
            subject, body = bilingual_email(
                render_in_languages(
                    "emails/digest_subject.txt",
                    "emails/digest.txt",
                    {"user": user, "items": items, "site_url": settings.SITE_URL, "day": timezone.localdate(now)},
                )
            )
            message = outbox_write(
                kind=OutboxKind.DIGEST,
                dedupe_key=f"digest:{user.pk}:{items[-1].pk}",
                recipients=[user.email],
                subject=subject,
                body=body,
            )
            Notification.objects.filter(pk__in=[item.pk for item in items]).update(outbox=message, mailed_at=now)
            written += 1
    return written


# --- reading -----------------------------------------------------------------------------------------------------


def inbox_of(user: User) -> QuerySet[Notification]:
    return Notification.objects.filter(user=user)


def unread_count(user: User) -> int:
    return Notification.objects.filter(user=user, read_at__isnull=True).count()


def get_notification_for_user(user: User, pk: int) -> Notification:
    """One's own item, or 404: nobody opens another's inbox, administrators included."""
    return get_object_or_404(inbox_of(user), pk=pk)


def notification_mark_read(*, notification: Notification, by: User) -> Notification:
    if notification.user_id != by.pk:
        raise PermissionError("an inbox item is read by its owner")
    if notification.read_at is None:
        notification.read_at = timezone.now()
        Notification.objects.filter(pk=notification.pk, read_at__isnull=True).update(read_at=notification.read_at)
    return notification


def notifications_mark_all_read(*, by: User) -> int:
    return Notification.objects.filter(user=by, read_at__isnull=True).update(read_at=timezone.now())


def preferences_of(user: User) -> dict[str, str]:
    chosen = dict(NotificationPreference.objects.filter(user=user).values_list("kind", "delivery"))
    return {kind: chosen.get(kind, Delivery.IMMEDIATE) for kind in NotificationKind.values}


def preferences_set(*, user: User, choices: dict[str, str]) -> None:
    """Set how each kind's e-mail comes; unknown kinds or deliveries are refused before anything is written."""
    bad = [
        kind
        for kind, delivery in choices.items()
        if kind not in NotificationKind.values or delivery not in Delivery.values
    ]
    if bad:
        raise PortalError(ErrorCode.INVALID, errors={kind: [_("Not one of the choices.")] for kind in bad})
    with transaction.atomic():
        for kind, delivery in choices.items():
            NotificationPreference.objects.update_or_create(user=user, kind=kind, defaults={"delivery": delivery})
