"""Awards computed from approvals: caps and budgets hold under concurrency; budget goes by ranking."""

import threading
import time
from decimal import Decimal

import pytest
from django.db import connection, transaction

from applications.models import Call
from awards.models import Award
from awards.services import allocate_call_budget, award_compute
from reviews.models import AssignmentState, ExpertAssignment
from tests.factories import OrganisationFactory, expert, member
from tests.journeys import approved_directly


def race(application_ids: list[int]) -> list[BaseException]:
    """Compute every award at once, one thread (and database connection) each."""
    barrier = threading.Barrier(len(application_ids))
    errors: list[BaseException] = []

    def run(application_id):
        try:
            barrier.wait()
            award_compute(application_id=application_id)
        except BaseException as error:  # reported by the test
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(pk,)) for pk in application_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return errors


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("budget", "expected_total"),
    [(Decimal(90_000_000), Decimal(90_000_000)), (Decimal(500_000_000), Decimal(100_000_000))],
    ids=["call-budget-binds", "yearly-cap-binds"],
)
def test_twenty_racing_approvals_never_exceed_the_yearly_cap_or_the_call_budget(
    review_call, alice, budget, expected_total, monkeypatch
):
    import awards.services

    engine = awards.services.compute

    def slow_compute(*args, **kwargs):
        # Widen the window between reading the totals and writing the award, so that without the
        # call's and the organisation's locks every thread reads the same totals (the test then fails).
        time.sleep(0.02)
        return engine(*args, **kwargs)

    monkeypatch.setattr(awards.services, "compute", slow_compute)
    Call.objects.filter(pk=review_call.pk).update(budget=budget)
    # 20 products at 60M of R&D: 40% = 24M, capped at 20M each; 400M asked of a 100M yearly cap.
    applications = approved_directly(review_call, alice, rd_spending="60000000", product_key="RACE", n=20)
    assert race([a.pk for a in applications]) == []
    amounts = list(Award.objects.filter(call=review_call).values_list("amount", flat=True))
    print([(a.breakdown["context"], str(a.computed_at)) for a in Award.objects.filter(call=review_call)])
    assert len(amounts) == 20
    assert sum(amounts) == expected_total
    assert sum(amounts) <= min(budget, Decimal(100_000_000))
    assert all(0 <= amount <= 20_000_000 for amount in amounts)


def test_the_award_records_its_breakdown_in_both_languages_and_the_catalogue_version(review_call, alice):
    (application,) = approved_directly(review_call, alice, rd_spending="10000000", product_key="ZJ")
    award = award_compute(application_id=application.pk)
    assert award.amount == 4_000_000
    assert award.breakdown["en"]["breakdown"][0]["text"].startswith("40% × R&D spending")
    assert "研发投入" in award.breakdown["zh-hans"]["breakdown"][0]["text"]
    assert award.catalogue_version == review_call.program.catalogue_version
    assert award_compute(application_id=application.pk).pk == award.pk  # run twice, one award


def test_the_same_product_is_funded_once_at_the_higher_amount(review_call, alice):
    (first,) = approved_directly(review_call, alice, rd_spending="5000000", product_key="SAME")  # 2M
    award_compute(application_id=first.pk)
    (second,) = approved_directly(review_call, alice, rd_spending="10000000", product_key="OTHER")
    # The same product key and track: only the difference is paid.
    version = second.current_version
    version.facts = {**version.facts, "product_key": "SAME-0"}
    version.save(update_fields=["facts"])
    award = award_compute(application_id=second.pk)
    assert award.amount == 2_000_000
    assert [line["step"] for line in award.breakdown["en"]["breakdown"]] == ["rate_x_base", "overlap"]


def test_a_budget_too_small_for_every_approval_goes_by_expert_ranking_then_submission_time(review_call, alice):
    Call.objects.filter(pk=review_call.pk).update(budget=Decimal(6_000_000))
    review_call.refresh_from_db()
    low, high, unscored = approved_directly(review_call, alice, rd_spending="10000000", product_key="RANK", n=3)
    for application in (low, high, unscored):
        award_compute(application_id=application.pk)
    # In approval order the first takes 4M and the second the 2M left; the third gets nothing.
    assert [Award.objects.get(application=a).amount for a in (low, high, unscored)] == [4_000_000, 2_000_000, 0]
    judge = expert(username="judge")
    for application, score in ((low, "55.00"), (high, "91.00")):
        ExpertAssignment.objects.create(
            application=application,
            version=application.current_version,
            expert=judge,
            state=AssignmentState.SCORED,
            weighted_score=Decimal(score),
            due_on="2030-01-01",
        )
    allocate_call_budget(Call.objects.get(pk=review_call.pk))
    by_application = {a.application_id: a for a in Award.objects.filter(call=review_call)}
    assert by_application[high.pk].amount == 4_000_000
    assert by_application[low.pk].amount == 2_000_000
    assert by_application[unscored.pk].amount == 0
    assert by_application[high.pk].breakdown["allocation"] == {"place": 1, "of": 3}
    assert by_application[unscored.pk].breakdown["allocation"] == {"place": 3, "of": 3}
    assert by_application[low.pk].breakdown["en"]["breakdown"][-1]["step"] == "call_budget"


def test_one_run_computes_the_calls_waiting_approvals_in_the_order_they_were_decided(review_call, alice):
    Call.objects.filter(pk=review_call.pk).update(budget=Decimal(6_000_000))
    first, second, third = approved_directly(review_call, alice, rd_spending="10000000", product_key="Q", n=3)
    # The third approval's task runs first (a queue is not an order); the budget still goes in decision order.
    award = award_compute(application_id=third.pk)
    assert award.application_id == third.pk
    assert [Award.objects.get(application=a).amount for a in (first, second, third)] == [4_000_000, 2_000_000, 0]
    # The others' own runs find their awards made: nothing changes.
    assert award_compute(application_id=first.pk).amount == 4_000_000
    assert Award.objects.filter(call=review_call).count() == 3


def test_a_batch_gives_the_awards_that_one_by_one_computation_gives(review_call, alice, monkeypatch):
    """Yearly cap, overlap and budget all bind inside one batch: two organisations, a product approved
    twice, and more asked than the budget holds."""
    import awards.services

    Call.objects.filter(pk=review_call.pk).update(budget=Decimal(105_000_000))
    bob = member(OrganisationFactory(name="Other Biotech"), admin=True, username="bob")
    applications = [
        *approved_directly(review_call, alice, rd_spending="60000000", product_key="A", n=6),  # 20M each, cap 100M
        *approved_directly(review_call, bob, rd_spending="10000000", product_key="B", n=2),  # 4M each
        *approved_directly(review_call, alice, rd_spending="30000000", product_key="A", n=2),  # again
    ]

    def amounts_and_context() -> list:
        rows = Award.objects.filter(call=review_call).order_by("application_id")
        return [(a.application_id, a.amount, a.breakdown["context"], a.breakdown["en"]) for a in rows]

    monkeypatch.setattr(awards.services, "BATCH", 1)
    for application in applications:
        award_compute(application_id=application.pk)
    one_by_one = amounts_and_context()
    Award.objects.filter(call=review_call).delete()
    monkeypatch.setattr(awards.services, "BATCH", 200)
    award_compute(application_id=applications[0].pk)
    assert Award.objects.filter(call=review_call).count() == len(applications)
    assert amounts_and_context() == one_by_one
    assert sum(amount for _pk, amount, _c, _b in one_by_one) == 105_000_000
    last_steps = {b["breakdown"][-1]["step"] for _pk, _a, _c, b in one_by_one if b["breakdown"]}
    assert {"yearly_cap", "call_budget", "overlap"} <= last_steps


def test_a_waiting_approval_that_no_longer_validates_does_not_stop_the_others(review_call, alice):
    broken, fine = approved_directly(review_call, alice, rd_spending="10000000", product_key="V", n=2)
    version = broken.current_version
    version.facts = {**version.facts, "rd_spending": "not a number"}
    version.save(update_fields=["facts"])
    assert award_compute(application_id=fine.pk).amount == 4_000_000
    assert not Award.objects.filter(application=broken).exists()
    with pytest.raises(ValueError, match="no longer validates"):
        award_compute(application_id=broken.pk)


@pytest.mark.django_db(transaction=True)
def test_a_waiting_approval_another_transaction_holds_is_left_to_its_own_run(review_call, alice):
    """SKIP LOCKED: the run neither waits for the held row (holding the call's lock meanwhile) nor computes
    an award that the other transaction may be about to change."""
    from applications.models import Application

    mine, held = approved_directly(review_call, alice, rd_spending="10000000", product_key="L", n=2)
    locked, release = threading.Event(), threading.Event()

    def hold():
        try:
            with transaction.atomic():
                Application.objects.select_for_update().get(pk=held.pk)
                locked.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold)
    holder.start()
    try:
        assert locked.wait(timeout=10)
        assert award_compute(application_id=mine.pk).amount == 4_000_000
        assert not Award.objects.filter(application=held).exists()
    finally:
        release.set()
        holder.join(timeout=30)
    assert award_compute(application_id=held.pk).amount == 4_000_000
