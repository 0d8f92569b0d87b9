"""Issue 12, defect 6: every e-mail is an outbox row written with what it announces, sent once, and swept
again while unsent (portal/accounts/outbox.py). The worker under faults is tests/awards/test_outbox_faults.py."""

from datetime import timedelta

import pytest
from django.db import OperationalError, transaction
from django.utils import timezone

from portal.accounts import outbox
from portal.accounts.models import OutboxKind, OutboxMessage
from portal.accounts.organisations import invitation_revoke, member_invite
from portal.accounts.tasks import send_outbox_message


def write(key: str, **fields) -> OutboxMessage:
    with transaction.atomic():
        return outbox.outbox_write(
            kind=OutboxKind.INVITATION, dedupe_key=key, recipients=["erin@example.com"], subject="S", body="B", **fields
        )


def test_the_mail_row_is_written_in_the_transaction_of_the_invitation(
    org_a, alice, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        invitation = member_invite(organisation=org_a, email="erin@example.com", by=alice)
        row = OutboxMessage.objects.get(invitation=invitation)
        assert row.sent_at is None and mailoutbox == []  # in the transaction, not yet sent
        assert "/invitations/" in row.body
    row.refresh_from_db()
    assert row.sent_at is not None and len(mailoutbox) == 1
    assert mailoutbox[0].extra_headers["Message-ID"] == row.message_id
    assert row.body == ""  # the one-time link does not stay in the database once the mail has left


def test_a_rolled_back_invitation_leaves_no_row_and_sends_no_mail(
    org_a, alice, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        member_invite(organisation=org_a, email="erin@example.com", by=alice)
        raise RuntimeError("the request failed after the invitation was written")
    assert not OutboxMessage.objects.exists()
    assert mailoutbox == []


def test_a_second_run_sends_nothing(db, mailoutbox):
    row = write("test:once")
    assert outbox.outbox_send(message_id=row.pk) is True
    assert outbox.outbox_send(message_id=row.pk) is False
    assert send_outbox_message.apply(args=[row.pk]).get() is False
    assert len(mailoutbox) == 1
    row.refresh_from_db()
    assert row.attempts == 1


def test_a_resent_mail_keeps_its_message_id(db, mailoutbox):
    # The duplicate a kill between the mail server's OK and our commit can cause is recognisable as one.
    row = write("test:resent")
    outbox.outbox_send(message_id=row.pk)
    OutboxMessage.objects.filter(pk=row.pk).update(sent_at=None)
    outbox.outbox_send(message_id=row.pk)
    first, second = mailoutbox
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    assert first.message()["Message-ID"] == row.message_id


@pytest.mark.parametrize("error", [OperationalError("server closed the connection"), ConnectionRefusedError()])
def test_the_task_retries_a_transient_failure_and_then_sends(db, monkeypatch, mailoutbox, eager_celery, error):
    row = write("test:retry")
    failures = [error]
    real = outbox.email_for

    def flaky(message):
        if failures:
            raise failures.pop()
        return real(message)

    monkeypatch.setattr(outbox, "email_for", flaky)
    send_outbox_message.delay(row.pk)
    row.refresh_from_db()
    assert row.sent_at is not None
    assert len(mailoutbox) == 1


def test_an_invitation_revoked_before_its_mail_left_is_not_sent(
    org_a, alice, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        invitation = member_invite(organisation=org_a, email="erin@example.com", by=alice)
    invitation_revoke(invitation=invitation, by=alice)
    row = OutboxMessage.objects.get(invitation=invitation)
    assert outbox.outbox_send(message_id=row.pk) is False
    row.refresh_from_db()
    assert mailoutbox == [] and row.sent_at is not None and "closed" in row.last_error


def test_the_sweep_queues_again_only_old_unsent_rows(monkeypatch, db):
    old, new, sent = write("test:old"), write("test:new"), write("test:sent")
    now = timezone.now()
    OutboxMessage.objects.filter(pk__in=[old.pk, sent.pk]).update(created_at=now - timedelta(minutes=30))
    OutboxMessage.objects.filter(pk=sent.pk).update(sent_at=now - timedelta(minutes=29))
    queued = []
    monkeypatch.setattr(outbox, "queue_outbox_message", queued.append)
    assert outbox.outbox_sweep(now=now) == 1
    assert queued == [old.pk]
    # Within the grace period nothing is called lost.
    assert outbox.outbox_sweep(now=now - timedelta(minutes=25)) == 0
    assert new.pk not in queued


def test_writing_the_same_mail_twice_keeps_one_row(db):
    assert write("test:same").pk == write("test:same").pk
    assert OutboxMessage.objects.filter(dedupe_key="test:same").count() == 1


def test_a_broker_that_is_down_does_not_fail_the_committed_request(monkeypatch, db, caplog):
    def down(message_id):
        raise ConnectionRefusedError("redis is down")

    monkeypatch.setattr(send_outbox_message, "delay", down)
    outbox.queue_outbox_message(1)
    assert "the sweep will send it" in caplog.text


@pytest.mark.django_db(transaction=True)
def test_a_mail_sent_whose_commit_was_lost_is_recorded_not_sent_again(monkeypatch, mailoutbox):
    # The connection dies between the mail server's OK and our COMMIT (a terminated backend).
    # Not queued: the session's real worker (tests/conftest.py) would take the message and send it first.
    monkeypatch.setattr(outbox, "enqueue_on_commit", lambda task, message_id, robust: None)
    row = write("test:commit-lost")
    real = outbox._mark_sent

    def connection_lost(message, note=""):
        raise OperationalError("terminating connection due to administrator command")

    monkeypatch.setattr(outbox, "_mark_sent", connection_lost)
    assert outbox.outbox_send(message_id=row.pk) is True
    monkeypatch.setattr(outbox, "_mark_sent", real)
    row.refresh_from_db()
    assert row.sent_at is not None and row.attempts == 1
    assert outbox.outbox_send(message_id=row.pk) is False
    assert len(mailoutbox) == 1
