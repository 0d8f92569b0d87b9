"""Lost work is found again: an approval without its award, a confirmed award or a rejection without its letter."""

from datetime import timedelta

from django.utils import timezone

from applications import workflow
from awards.models import Award, Letter
from awards.services import award_compute
from awards.sweeper import sweep
from reviews.models import Decision
from tests import journeys
from tests.awards.test_letters import confirmed_award
from tests.filings import submit
from tests.journeys import approved_directly


def later():
    return timezone.now() + timedelta(minutes=30)


def test_an_approval_whose_award_task_was_lost_gets_its_award(review_call, alice, eager_celery):
    (application,) = approved_directly(review_call, alice, rd_spending="10000000", product_key="LOST")
    assert sweep() == {
        "awards": 0,
        "letters": 0,
        "certificates": 0,
    }  # within the grace period: the normal path may still run
    assert sweep(now=later())["awards"] == 1
    assert Award.objects.get(application=application).amount == 4_000_000
    assert sweep(now=later()) == {"awards": 0, "letters": 0, "certificates": 0}


def test_a_confirmed_award_and_a_rejection_without_letters_get_them_once(review_call, alice, eager_celery):
    award = confirmed_award(review_call, alice)
    rejected = journeys.ready_for_decision(submit(review_call, alice, title="Other drug"))
    workflow.transition(application=rejected, action="reject", by=journeys.lead(rejected), reason="Out of scope.")
    assert sweep(now=later())["letters"] == 2
    assert Letter.objects.filter(decision=award.decision).exclude(pdf="").count() == 1
    assert Letter.objects.filter(decision=Decision.objects.get(application=rejected)).count() == 1
    assert sweep(now=later())["letters"] == 0


def test_an_award_already_computed_is_not_queued_again(review_call, alice):
    (application,) = approved_directly(review_call, alice, rd_spending="10000000", product_key="DONE")
    award_compute(application_id=application.pk)
    assert sweep(now=later())["awards"] == 0
