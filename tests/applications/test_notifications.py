"""Issue 12, defect 6: a step's e-mail is an outbox row of the step's own transaction (portal/accounts/outbox.py)."""

import pytest
from django.db import transaction

from applications import filing
from portal.accounts.models import OutboxMessage
from tests.filings import make_draft


def test_a_submission_writes_its_receipt_mail_with_the_event(filing_call, alice, bob):
    application = filing.application_submit(application=make_draft(filing_call, alice), by=alice)
    event = application.events.get(action="submit")
    row = OutboxMessage.objects.get(event=event)
    assert row.dedupe_key == f"event:{event.pk}"
    assert application.receipt_number in row.subject and "We received your application" in row.body
    assert row.sent_at is None  # sent after commit, by the worker


def test_a_rolled_back_submission_leaves_no_mail(
    filing_call, alice, eager_celery, mailoutbox, django_capture_on_commit_callbacks
):
    draft = make_draft(filing_call, alice)
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError), transaction.atomic():
        filing.application_submit(application=draft, by=alice)
        raise RuntimeError("something after the submission failed")
    assert not OutboxMessage.objects.filter(event__application=draft).exists()
    assert mailoutbox == []
