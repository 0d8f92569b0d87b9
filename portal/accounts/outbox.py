"""Every e-mail the portal sends goes through this outbox.

A row is written in the transaction of what the mail announces (a step's `AuditEvent`, an invitation), so
the mail exists exactly when the fact does; on commit its id is queued to `portal.tasks.send_outbox_message`,
and beat's `sweep_outbox` queues again whatever is still unsent after GRACE (a flushed Redis, a killed
worker, a task that gave up).

Delivery is at least once, made to look like exactly once:
- `outbox_send` locks the row (SKIP LOCKED: a second delivery of the task leaves it to the first), skips it
  once `sent_at` is set, sends, and marks it sent in the same transaction;
- the one window left is between the mail server's "250 OK" and our COMMIT (one UPDATE). A dropped database
  connection there is recorded on a fresh connection instead of sending again; only a process killed (or a
  database down for longer than RECORD_RETRIES) inside those milliseconds sends the mail a second time, and
  then with the same Message-ID (`OutboxMessage.message_id`), by which mail servers and clients drop the duplicate.
  Marking sent before sending would close that window by losing the mail instead, which is the defect the
  outbox exists to fix.

The text is rendered when the row is written: the row is the mail as sent (what an administrator reads in
the admin), retries need nothing else, and a one-time link's clear token (invitation, reset, verification)
exists nowhere else to render it from later. That token is removed from the row once the mail has left.
Attachments (a letter's PDF) are read when sending, from the stored `Letter`.
"""

import contextlib
import time
from collections.abc import Callable
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.db import InterfaceError, OperationalError, connection, transaction
from django.db.models import F
from django.utils import timezone

from portal.accounts.models import SECRET_KINDS, OutboxMessage
from portal.queueing import enqueue, enqueue_on_commit

SEND = "portal.tasks.send_outbox_message"

# Leave the normal path time to finish before calling a mail lost.
GRACE = timedelta(minutes=10)
# A row refused this many times (a mailbox that does not exist) is left to an administrator, not retried
# every sweep for ever; the admin lists it with its last error.
MAX_ATTEMPTS = 30
SWEEP_BATCH = 1000
RECORD_RETRIES = 5
DATABASE_ERRORS = (OperationalError, InterfaceError)


def outbox_write(
    *,
    kind: str,
    dedupe_key: str,
    recipients: list[str],
    subject: str,
    body: str,
    event=None,
    letter=None,
    invitation=None,
) -> OutboxMessage:
    """The mail, as a row of the caller's transaction, queued when that transaction commits. Writing
    the same dedupe key again returns the first row."""
    if not connection.in_atomic_block:
        raise RuntimeError("outbox_write belongs inside the transaction of what the mail announces")
    message, created = OutboxMessage.objects.get_or_create(
        dedupe_key=dedupe_key,
        defaults={
            "kind": kind,
            # Random, made once: unique across databases (a demo reset), the same on every attempt.
            "message_id": make_msgid(domain=settings.DEFAULT_FROM_EMAIL.rpartition("@")[2] or "localhost"),
            "recipients": list(recipients),
            "subject": subject,
            "body": body,
            "event": event,
            "letter": letter,
            "invitation": invitation,
        },
    )
    if created:
        # robust: the row is committed; a broker that is down delays the mail, the sweep sends it.
        enqueue_on_commit(SEND, message.pk, robust=True)
    return message


def queue_outbox_message(message_id: int) -> None:
    enqueue(SEND, message_id, robust=True)


# What a kind of mail reads again when it leaves, registered by the app that writes that kind in its
# AppConfig.ready() (applications/apps.py: a step's mail goes to the organisation's members as they are then;
# portal/accounts/apps.py: an invitation's mail only while the invitation is open). The outbox sits below
# them and knows neither.
_RECIPIENTS: dict[str, Callable[[OutboxMessage], list[str]]] = {}
_WANTED: dict[str, Callable[[OutboxMessage], bool]] = {}


def when_sent(
    kind: str,
    *,
    recipients: Callable[[OutboxMessage], list[str]] | None = None,
    wanted: Callable[[OutboxMessage], bool] | None = None,
) -> None:
    """Register, for mail of `kind`, who it goes to when it leaves (instead of the stored recipients) and
    whether it is still to be sent at all."""
    if recipients is not None:
        _RECIPIENTS[kind] = recipients
    if wanted is not None:
        _WANTED[kind] = wanted


def _recipients_now(message: OutboxMessage) -> list[str]:
    resolve = _RECIPIENTS.get(message.kind)
    return message.recipients if resolve is None else resolve(message)


def email_for(message: OutboxMessage) -> EmailMessage:
    email = EmailMessage(
        subject=message.subject,
        body=message.body,
        to=message.recipients,
        headers={"Message-ID": message.message_id, "X-Portal-Outbox": message.dedupe_key},
    )
    letter = message.letter
    if letter is not None and letter.pdf:
        with letter.pdf.open("rb") as pdf:
            email.attach(f"{letter.reference}.pdf", pdf.read(), "application/pdf")
    return email


def _still_wanted(message: OutboxMessage) -> bool:
    wanted = _WANTED.get(message.kind)
    return wanted is None or wanted(message)


def _mark_sent(message: OutboxMessage, note: str = "") -> None:
    message.sent_at, message.last_error = timezone.now(), note
    message.attempts += 1
    if message.kind in SECRET_KINDS:
        message.body = ""  # it held the clear token of a one-time link
    message.save(update_fields=["sent_at", "last_error", "attempts", "body", "recipients"])


def _record_sent_on_a_fresh_connection(message_id: int) -> None:
    """The server has the mail but our COMMIT was lost with the connection: record it, do not resend."""
    for attempt in range(RECORD_RETRIES):
        try:
            connection.close()
            OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).update(
                sent_at=timezone.now(), attempts=F("attempts") + 1, last_error=""
            )
            OutboxMessage.objects.filter(pk=message_id, kind__in=SECRET_KINDS).update(body="")
            return
        except DATABASE_ERRORS:
            time.sleep(0.2 * 2**attempt)
    raise OperationalError(f"outbox message {message_id} was sent but could not be recorded as sent")


def _record_failure(message_id: int, error: Exception) -> None:
    with contextlib.suppress(*DATABASE_ERRORS):  # the database is what failed; the retry counts again
        OutboxMessage.objects.filter(pk=message_id, sent_at__isnull=True).update(
            attempts=F("attempts") + 1, last_error=f"{type(error).__name__}: {error}"[:2000]
        )


def outbox_send(*, message_id: int) -> bool:
    """Send the row once; True if this call sent it. Raises on a transient failure (nothing is marked),
    for the task to retry."""
    handed_over = False
    try:
        with transaction.atomic():
            message = (
                OutboxMessage.objects.select_for_update(skip_locked=True, of=("self",))
                .select_related("letter", "invitation", "event__application__organisation")
                .filter(pk=message_id, sent_at__isnull=True)
                .first()
            )
            if message is None:  # sent already, or being sent by another delivery of the task
                return False
            if not _still_wanted(message):
                _mark_sent(message, note="not sent: the invitation was closed before the mail left")
                return False
            message.recipients = _recipients_now(message)
            if not message.recipients:
                _mark_sent(message, note="not sent: nobody to send it to")
                return False
            email_for(message).send()
            handed_over = True
            _mark_sent(message)
    except DATABASE_ERRORS:
        if handed_over and not connection.in_atomic_block:
            _record_sent_on_a_fresh_connection(message_id)
            return True
        raise
    except Exception as error:
        if not connection.in_atomic_block:
            _record_failure(message_id, error)
        raise
    return True


def unsent_messages(now=None):
    cutoff = (now or timezone.now()) - GRACE
    return OutboxMessage.objects.filter(sent_at__isnull=True, created_at__lt=cutoff, attempts__lt=MAX_ATTEMPTS)


def outbox_sweep(now=None) -> int:
    """Queue again every mail still unsent after the grace period; sending twice sends once."""
    ids = list(unsent_messages(now).order_by("created_at").values_list("pk", flat=True)[:SWEEP_BATCH])
    for message_id in ids:
        queue_outbox_message(message_id)
    return len(ids)
