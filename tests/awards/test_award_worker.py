"""Approval queues the award on the real Celery worker (local Redis); a re-delivered task is harmless."""

import pytest

from applications import filing, workflow
from applications.tasks import send_event_email
from awards.models import Award
from awards.tasks import compute_award
from portal.accounts.models import OutboxMessage
from tests import journeys
from tests.calls import bio24_call
from tests.factories import OrganisationFactory, member
from tests.filings import make_draft

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_approval_computes_the_award_on_the_worker_once(catalogue, celery_worker_process):
    call = bio24_call()
    alice = member(OrganisationFactory(), admin=True, username="alice")
    application = filing.application_submit(application=make_draft(call, alice), by=alice)
    journeys.ready_for_decision(application)
    workflow.transition(
        application=application,
        action="approve",
        by=journeys.lead(application),
        recommended_amount="3500000",
        reason="Part of the spending is ineligible.",
    )
    # The transition queued the task on commit; running it again (a re-delivery) changes nothing.
    assert compute_award.delay(application.pk).get(timeout=60) == "3500000"
    assert compute_award.delay(application.pk).get(timeout=60) == "3500000"
    award = Award.objects.get(application=application)
    assert award.amount == 3_500_000
    assert [line["step"] for line in award.breakdown["en"]["breakdown"]] == ["rate_x_base", "recommendation"]


def test_submission_receipt_mail_is_sent_by_the_worker_once(catalogue, celery_worker_process):
    call = bio24_call()
    alice = member(OrganisationFactory(), admin=True, username="alice")
    application = filing.application_submit(application=make_draft(call, alice), by=alice)
    event = application.events.get(action="submit")
    send_event_email.delay(event.pk).get(timeout=60)
    assert send_event_email.delay(event.pk).get(timeout=60) is False
    assert OutboxMessage.objects.filter(event=event, sent_at__isnull=False).count() == 1
