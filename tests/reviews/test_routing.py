"""Routing from catalogue data, parallel opinions, the deadline rule, the decision and the audit trail."""

from datetime import timedelta
from types import SimpleNamespace

import pytest
import time_machine
from django.utils import timezone

from applications import workflow
from applications.catalogue import load_catalogue
from applications.models import Application, AuditEvent, State
from awards.models import Award
from portal.accounts.models import Commission
from portal.errors import ErrorCode, PortalError
from reviews import routing, services
from reviews.forms import QueueFilter
from reviews.models import Decision, ReviewTask, TaskKind, TaskState
from tests import journeys
from tests.filings import submit


def refused(code, call, **kwargs) -> PortalError:
    with pytest.raises(PortalError) as error:
        call(**kwargs)
    assert error.value.code == code, error.value.errors
    return error.value


def tasks_of(application, kind):
    return sorted(
        ReviewTask.objects.filter(application=application, kind=kind).values_list("commission__code", flat=True)
    )


def test_submission_routes_a_formal_check_to_the_lead_commission(review_call, alice):
    application = submit(review_call, alice)
    (task,) = ReviewTask.objects.filter(application=application)
    assert (task.commission.code, task.kind, task.is_lead, task.state) == ("STCSM", "formal_check", True, "open")
    assert task.version == application.current_version
    assert task.due_on > timezone.localdate()


def test_formal_check_opens_parallel_reviews_for_the_lead_co_reviewers_and_finance(review_call, alice):
    application = journeys.pass_formal_check(submit(review_call, alice))
    assert application.state == State.DEPARTMENT_REVIEW
    # BIO24-DRUG-INNOVATIVE: STCSM leads; SHEITC, DRC, SMPA co-review; FIN confirms the budget.
    assert tasks_of(application, TaskKind.OPINION) == ["DRC", "SHEITC", "SMPA", "STCSM"]
    assert tasks_of(application, TaskKind.BUDGET) == ["FIN"]
    assert ReviewTask.objects.get(application=application, kind=TaskKind.FORMAL_CHECK).outcome == "passed"


def test_the_queue_offers_a_call_to_exactly_the_commissions_routing_gives_its_tasks(review_call, alice):
    application = journeys.pass_formal_check(submit(review_call, alice))
    routed = set(ReviewTask.objects.filter(application=application).values_list("commission__code", flat=True))
    assert routed == {"STCSM", "SHEITC", "DRC", "SMPA", "FIN"}
    for commission in Commission.objects.all():
        reviews = routing.programs_reviewed_by(commission.pk).filter(pk=review_call.program_id).exists()
        officer = SimpleNamespace(commission_id=commission.pk)  # the queue's filters read only the commission
        offered = QueueFilter(user=officer, queryset=ReviewTask.objects.all()).filters["call"].queryset
        assert reviews == (commission.code in routed) == (review_call in offered), commission.code


def test_changing_the_reviewers_in_the_catalogue_changes_the_next_routing(review_call, alice, tmp_path, settings):
    text = settings.CATALOGUE_PATH.read_text(encoding="utf-8")
    marker = 'code = "BIO24-DRUG-INNOVATIVE"'
    start = text.index(marker)
    listed = 'units = ["STCSM", "SHEITC", "DRC", "SMPA", "FIN"]\nreviewers = ["SHEITC", "DRC", "SMPA", "FIN"]'
    at = text.index(listed, start)
    edited = 'units = ["STCSM", "HEALTH", "FIN"]\nreviewers = ["HEALTH", "FIN"]'
    changed = text[:at] + edited + text[at + len(listed) :]
    path = tmp_path / "catalogue.toml"
    path.write_text(changed, encoding="utf-8")
    load_catalogue(path)

    application = journeys.pass_formal_check(submit(review_call, alice))
    assert tasks_of(application, TaskKind.OPINION) == ["HEALTH", "STCSM"]


def test_formal_check_passes_only_when_every_checklist_item_holds(review_call, alice, stcsm_officer):
    application = submit(review_call, alice)
    workflow.transition(application=application, action="start_formal_check", by=stcsm_officer)
    checklist = {**journeys.ALL_HOLD, "credit": False}
    refused(
        ErrorCode.INVALID,
        workflow.transition,
        application=application,
        action="pass_formal_check",
        by=stcsm_officer,
        checklist=checklist,
    )
    assert Application.objects.get(pk=application.pk).state == State.FORMAL_CHECK
    assert not ReviewTask.objects.filter(application=application, kind=TaskKind.OPINION).exists()


def test_return_for_correction_closes_the_check_and_resubmission_routes_the_new_version(review_call, alice):
    application = submit(review_call, alice)
    officer = journeys.lead(application)
    workflow.transition(application=application, action="start_formal_check", by=officer)
    workflow.transition(application=application, action="return_for_correction", by=officer, reason="Unsigned pledge.")
    first = ReviewTask.objects.get(application=application)
    assert (first.state, first.outcome, first.reasons) == ("done", "returned", "Unsigned pledge.")
    from applications import filing

    resubmitted = filing.application_submit(application=Application.objects.get(pk=application.pk), by=alice)
    second = ReviewTask.objects.filter(application=application, state="open").get()
    assert second.version.number == 2 and resubmitted.current_version == second.version


def test_lead_decides_only_after_every_co_reviewer_has_given_an_opinion(review_call, alice, stcsm_officer):
    application = journeys.pass_formal_check(submit(review_call, alice))
    journeys.confirm_budget(application)
    error = refused(
        ErrorCode.OPINIONS_MISSING, workflow.transition, application=application, action="approve", by=stcsm_officer
    )
    # The commissions awaited, by name (issue 18: never their codes).
    drc, sheitc, smpa = (Commission.objects.get(code=code).name_en for code in ("DRC", "SHEITC", "SMPA"))
    assert drc in str(error.errors) and sheitc in str(error.errors) and smpa in str(error.errors)
    assert "DRC" not in str(error.errors)
    for code in ["SHEITC", "DRC"]:
        task = ReviewTask.objects.get(application=application, commission__code=code)
        services.opinion_give(task=task, by=journeys.staff(code), opinion="support")
    error = refused(
        ErrorCode.OPINIONS_MISSING, workflow.transition, application=application, action="approve", by=stcsm_officer
    )
    assert smpa in str(error.errors) and drc not in str(error.errors)
    smpa = ReviewTask.objects.get(application=application, commission__code="SMPA")
    services.opinion_give(task=smpa, by=journeys.staff("SMPA"), opinion="object", reasons="Trial design is weak.")
    approved = workflow.transition(application=application, action="approve", by=stcsm_officer)
    assert approved.state == State.APPROVED


def test_a_co_reviewer_whose_deadline_passed_does_not_block_the_decision(review_call, alice, stcsm_officer):
    application = journeys.pass_formal_check(submit(review_call, alice))
    journeys.confirm_budget(application)
    due = ReviewTask.objects.get(application=application, commission__code="SMPA").due_on
    with time_machine.travel(
        timezone.make_aware(timezone.datetime.combine(due + timedelta(days=1), timezone.datetime.min.time()))
    ):
        rejected = workflow.transition(application=application, action="reject", by=stcsm_officer, reason="Weak case.")
    assert rejected.state == State.REJECTED
    # Late co-reviewers' tasks leave the queues with the decision.
    assert not ReviewTask.objects.filter(application=application, state=TaskState.OPEN).exists()


def test_approval_needs_the_finance_bureaus_budget_confirmation(review_call, alice, stcsm_officer):
    application = journeys.pass_formal_check(submit(review_call, alice))
    journeys.give_all_opinions(application)
    refused(
        ErrorCode.BUDGET_NOT_CONFIRMED, workflow.transition, application=application, action="approve", by=stcsm_officer
    )
    journeys.confirm_budget(application)
    assert workflow.transition(application=application, action="approve", by=stcsm_officer).state == State.APPROVED


def test_a_recommended_lower_amount_needs_a_reason_and_must_be_lower(review_call, alice, stcsm_officer):
    application = journeys.ready_for_decision(submit(review_call, alice))  # formula: 4,000,000
    approve = dict(application=application, action="approve", by=stcsm_officer)
    refused(ErrorCode.REQUIRED, workflow.transition, recommended_amount="3000000", **approve)
    refused(ErrorCode.INVALID, workflow.transition, recommended_amount="4000000", reason="Same.", **approve)
    refused(ErrorCode.INVALID, workflow.transition, recommended_amount="-5", reason="Negative.", **approve)
    assert not Decision.objects.filter(application=application).exists()
    workflow.transition(recommended_amount="3000000", reason="Part of the spending is not eligible.", **approve)
    decision = Decision.objects.get(application=application)
    assert (decision.outcome, decision.recommended_amount) == ("approved", 3_000_000)


def test_approval_hands_over_to_the_award_pipeline_after_commit(
    review_call, alice, stcsm_officer, django_capture_on_commit_callbacks
):
    from portal.celery import app

    application = journeys.ready_for_decision(submit(review_call, alice))
    app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=False) as callbacks:
            workflow.transition(application=application, action="approve", by=stcsm_officer)
        assert not Award.objects.exists()  # nothing is queued before the decision commits
        for callback in callbacks:
            callback()
    finally:
        app.conf.task_always_eager = False
    award = Award.objects.get(application=application)
    assert award.amount == 4_000_000 and award.decision.outcome == "approved"


def test_withdrawal_cancels_the_open_review_work(review_call, alice):
    application = journeys.pass_formal_check(submit(review_call, alice))
    workflow.transition(application=application, action="withdraw", by=alice, reason="Trial stopped.")
    assert not ReviewTask.objects.filter(application=application, state=TaskState.OPEN).exists()


def test_the_audit_trail_of_a_full_lifecycle(review_call, alice, bob, stcsm_officer):
    application = submit(review_call, alice)
    workflow.transition(application=application, action="start_formal_check", by=stcsm_officer)
    workflow.transition(application=application, action="return_for_correction", by=stcsm_officer, reason="Sign it.")
    from applications import filing

    filing.application_submit(application=Application.objects.get(pk=application.pk), by=bob)
    journeys.ready_for_decision(application)
    workflow.transition(application=application, action="approve", by=stcsm_officer, reason="Strong pipeline.")

    events = list(AuditEvent.objects.filter(application=application).order_by("at", "pk"))
    moves = [
        (e.action, e.from_state, e.to_state, e.version.number, e.actor.username)
        for e in events
        if e.from_state != e.to_state
    ]
    assert moves == [
        ("submit", "draft", "submitted", 1, "alice"),
        ("start_formal_check", "submitted", "formal_check", 1, stcsm_officer.username),
        ("return_for_correction", "formal_check", "returned_for_correction", 1, stcsm_officer.username),
        ("resubmit", "returned_for_correction", "submitted", 2, "bob"),
        ("start_formal_check", "submitted", "formal_check", 2, stcsm_officer.username),
        ("pass_formal_check", "formal_check", "department_review", 2, stcsm_officer.username),
        ("approve", "department_review", "approved", 2, stcsm_officer.username),
    ]
    internal = [(e.action, e.data.get("commission")) for e in events if e.from_state == e.to_state]
    assert sorted(internal) == [
        ("budget_confirmation", None),
        ("opinion", "DRC"),
        ("opinion", "SHEITC"),
        ("opinion", "SMPA"),
        ("opinion", "STCSM"),
    ]
    assert all(not e.visible_to_applicant for e in events if e.from_state == e.to_state)
    assert events[-1].reason == "Strong pipeline."
