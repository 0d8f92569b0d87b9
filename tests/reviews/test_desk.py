"""The internationalisation desk of B II.5(12) (issue 14): an enterprise opens a case, STCSM routes it to the units
concerned, each answers on the working-day clock, the enterprise reads every answer at once and may reopen the
case once. Its steps are the workflow's (for channel programs only), its answers review tasks."""

import pytest
from django.utils import timezone

from applications import workflow
from applications.models import Application, AuditEvent, State
from portal.accounts import outbox
from portal.accounts.models import Commission, OutboxMessage
from portal.errors import ErrorCode, PortalError
from reviews import desk, permissions, selectors, services
from reviews.clock import add_working_days
from reviews.models import Outcome, ReviewTask, TaskKind, TaskState
from reviews.services import ReviewAction
from tests import journeys
from tests.filings import open_case, submit

A = workflow.Action


def units(*codes) -> list[Commission]:
    for code in codes:
        journeys.staff(code)  # an officer each, who can answer
    return list(Commission.objects.filter(code__in=codes))


def reload(application) -> Application:
    return Application.objects.get(pk=application.pk)


def answer_tasks(application, state=None):
    tasks = ReviewTask.objects.filter(application=application, kind=TaskKind.DESK_ANSWER).select_related("commission")
    return tasks.filter(state=state) if state else tasks


@pytest.fixture
def case(desk_call, alice):
    return open_case(desk_call, alice)


# --- the one workflow table: a channel's steps only on a channel's case, a grant's only on a grant -----------


def test_a_case_is_offered_the_desks_steps_and_a_grant_the_reviews(case, review_call, alice, stcsm_officer):
    grant = submit(review_call, alice)
    offered = {s.action for s in workflow.available_steps(stcsm_officer, case)}
    assert offered == {A.ROUTE}
    offered = {s.action for s in workflow.available_steps(stcsm_officer, grant)}
    assert offered == {A.START_FORMAL_CHECK}
    # The applicant, in the same state on both: withdraw, and nothing of the other kind.
    assert {s.action for s in workflow.available_steps(alice, case)} == {A.WITHDRAW}
    assert {s.action for s in workflow.available_steps(alice, grant)} == {A.WITHDRAW}


def test_every_step_says_which_outcomes_it_applies_to():
    channel = {s.action for s in workflow.TABLE if s.outcomes == workflow.CHANNEL}
    assert channel == {A.ROUTE, A.ANSWERED, A.REOPEN, A.CLOSE, A.WITHDRAW}
    for step in workflow.TABLE:
        if step.action in (A.START_FORMAL_CHECK, A.PASS_FORMAL_CHECK, A.APPROVE, A.REJECT, A.SEND_TO_EXPERTS):
            assert "channel" not in step.outcomes, step
        if step.action in (A.ROUTE, A.ANSWERED, A.REOPEN, A.CLOSE):
            assert step.outcomes == {"channel"}, step
    # Filing is one and the same: a draft, then its submission.
    assert workflow.step_for(State.DRAFT, A.SUBMIT, "channel") == workflow.step_for(State.DRAFT, A.SUBMIT, "grant")


def test_a_grants_step_on_a_case_is_refused_and_changes_nothing(case, stcsm_officer):
    before = (reload(case).state, AuditEvent.objects.filter(application=case).count(), ReviewTask.objects.count())
    messages = {}
    for action, extra in [(A.START_FORMAL_CHECK, {}), (A.APPROVE, {}), (A.REJECT, {"reason": "No."})]:
        with pytest.raises(PortalError) as error:
            workflow.transition(application=case, action=action, by=stcsm_officer, **extra)
        assert error.value.code == ErrorCode.ILLEGAL_TRANSITION, action
        messages[action] = str(error.value)
    # A grant's formal check starts from "submitted" too: the refusal says it is not a step of this kind of program.
    assert "not a step of a program of this kind (Service channel)" in messages[A.START_FORMAL_CHECK]
    assert (reload(case).state, AuditEvent.objects.filter(application=case).count(), ReviewTask.objects.count()) == (
        before
    )


def test_a_desks_step_on_a_grant_is_refused_and_changes_nothing(review_call, alice, stcsm_officer, smpa_officer):
    grant = submit(review_call, alice)
    before = (reload(grant).state, AuditEvent.objects.filter(application=grant).count(), ReviewTask.objects.count())
    with pytest.raises(PortalError) as error:
        workflow.transition(application=grant, action=A.ROUTE, by=stcsm_officer, units=units("SMPA"))
    assert error.value.code == ErrorCode.ILLEGAL_TRANSITION
    assert "Grant" in str(error.value)
    approved = journeys.approve(submit(review_call, alice, facts={**journeys_facts(), "product_key": "OTHER-1"}))
    for action, by in [(A.CLOSE, alice), (A.REOPEN, alice), (A.ANSWERED, None)]:
        with pytest.raises(PortalError) as error:
            workflow.transition(application=approved, action=action, by=by, reason="Why")
        assert error.value.code == ErrorCode.ILLEGAL_TRANSITION, action
    assert (reload(grant).state, AuditEvent.objects.filter(application=grant).count()) == before[:2]


def journeys_facts() -> dict:
    from tests.filings import DRUG_FACTS

    return dict(DRUG_FACTS)


# --- opening and routing ------------------------------------------------------------------------------------


def test_an_opened_case_waits_in_the_leads_queue_on_the_routing_clock(case, stcsm_officer):
    """No formal check for a case: the lead routes it within the catalogue's 3 working days."""
    (task,) = ReviewTask.objects.filter(application=case)
    assert (task.kind, task.commission.code, task.is_lead, task.state) == (
        TaskKind.DESK_ROUTING,
        "STCSM",
        True,
        TaskState.OPEN,
    )
    assert task.due_on == add_working_days(timezone.localdate(), 3)
    assert task in selectors.queue(stcsm_officer)
    assert case.receipt_number and case.current_version.number == 1
    assert case.current_version.facts["desk_area"] == "customs"


def test_the_lead_routes_to_the_units_it_picks_each_with_its_answer_deadline(case, stcsm_officer):
    routed = workflow.transition(application=case, action=A.ROUTE, by=stcsm_officer, units=units("SMPA", "CUSTOMS"))
    assert routed.state == State.ROUTED
    tasks = answer_tasks(case)
    assert {t.commission.code for t in tasks} == {"SMPA", "CUSTOMS"}
    due = add_working_days(timezone.localdate(), 10)
    assert {(t.state, t.due_on, t.is_lead) for t in tasks} == {(TaskState.OPEN, due, False)}
    routing = ReviewTask.objects.get(application=case, kind=TaskKind.DESK_ROUTING)
    assert (routing.state, routing.outcome, routing.completed_by) == (TaskState.DONE, Outcome.ROUTED, stcsm_officer)
    event = case.events.get(action=A.ROUTE)
    assert event.actor == stcsm_officer and set(event.data["routed_to"]) == {"SMPA", "CUSTOMS"}
    assert event.data["due_on"] == due.isoformat()


def test_a_call_may_set_its_own_answer_clock(catalogue, alice, stcsm_officer):
    from tests.calls import desk_call

    case = open_case(desk_call(stage_deadlines={"desk_answer": 5}), alice)
    journeys.route(case)
    assert {t.due_on for t in answer_tasks(case)} == {add_working_days(timezone.localdate(), 5)}


@pytest.mark.parametrize(
    ("picked", "problem"),
    [
        ((), "Pick at least one unit"),
        (("STCSM",), "only be routed to the units listed"),  # the lead does not route to itself
        (("EDU",), "No officer of Municipal Education Commission is registered"),
    ],
)
def test_routing_is_refused_without_units_to_the_lead_itself_or_to_a_unit_nobody_could_answer_for(
    case, stcsm_officer, picked, problem
):
    chosen = list(Commission.objects.filter(code__in=picked))
    before = (AuditEvent.objects.filter(application=case).count(), ReviewTask.objects.filter(application=case).count())
    with pytest.raises(PortalError) as error:
        workflow.transition(application=case, action=A.ROUTE, by=stcsm_officer, units=chosen)
    assert problem in str(error.value.errors["units"][0])
    assert reload(case).state == State.SUBMITTED
    assert (
        AuditEvent.objects.filter(application=case).count(),
        ReviewTask.objects.filter(application=case).count(),
    ) == before


def test_routable_units_are_the_units_clause_12_names_in_its_order_but_the_lead(catalogue):
    from applications.models import Program

    program = Program.objects.get(code="INTL24-INTERNATIONALISATION-DESK")
    codes = list(desk.routable_units(program).values_list("code", flat=True))
    clause = ["FINOFFICE", "TALENT", "DRC", "COMMERCE", "EDU", "HEALTH", "SAMR", "FAO", "HSA", "IPA", "SMPA", "CUSTOMS"]
    assert codes == clause
    assert "FIN" not in codes  # the desk pays nothing: no budget to confirm


def test_the_queue_offers_the_desk_to_exactly_the_commissions_it_may_be_routed_to(catalogue):
    from applications.models import Program
    from reviews.routing import programs_reviewed_by

    program = Program.objects.get(code="INTL24-INTERNATIONALISATION-DESK")
    routable = set(desk.routable_units(program)) | {program.lead}
    for commission in Commission.objects.all():
        assert programs_reviewed_by(commission.pk).filter(pk=program.pk).exists() == (commission in routable)


# --- answers --------------------------------------------------------------------------------------------


def test_each_unit_answers_once_and_the_last_answer_delivers_them_all(case, stcsm_officer):
    journeys.route(case)
    smpa, health = (answer_tasks(case).get(commission__code=code) for code in ("SMPA", "HEALTH"))
    services.answer_give(task=smpa, by=journeys.staff("SMPA"), answer="  SMPA confirms the trial approval. ")
    smpa.refresh_from_db()
    assert (smpa.state, smpa.outcome, smpa.reasons, smpa.completed_by) == (
        TaskState.DONE,
        Outcome.ANSWERED,
        "SMPA confirms the trial approval.",
        journeys.staff("SMPA"),
    )
    assert reload(case).state == State.ROUTED  # HEALTH has not answered
    assert selectors.delivered_answers(case) == []
    services.answer_give(
        task=health, by=journeys.staff("HEALTH"), answer="卫健委已协调。", internal_note="Called them."
    )
    assert reload(case).state == State.ANSWERED
    event = case.events.get(action=A.ANSWERED)
    assert (event.actor, event.from_state, event.to_state) == (None, State.ROUTED, State.ANSWERED)
    assert sorted(event.data["tasks"]) == sorted([smpa.pk, health.pk])
    (delivered,) = selectors.delivered_answers(case)
    assert [t.commission.code for t in delivered.answers] == ["SMPA", "HEALTH"]
    # Each answer is recorded internally too, by whom, for which unit.
    internal = case.events.filter(action=ReviewAction.DESK_ANSWER)
    assert {(e.actor.username, e.data["commission"], e.visible_to_applicant) for e in internal} == {
        ("smpa-officer", "SMPA", False),
        ("health-officer", "HEALTH", False),
    }


def test_an_answer_must_say_something_and_a_refused_answer_writes_nothing(case):
    journeys.route(case)
    smpa = answer_tasks(case).get(commission__code="SMPA")
    for text, field in [("   ", "answer"), ("x" * 4001, "answer")]:
        with pytest.raises(PortalError) as error:
            services.answer_give(task=smpa, by=journeys.staff("SMPA"), answer=text)
        assert field in error.value.errors
    with pytest.raises(PortalError) as error:
        services.answer_give(task=smpa, by=journeys.staff("SMPA"), answer="Fine.", internal_note="n" * 4001)
    assert "internal_note" in error.value.errors
    smpa.refresh_from_db()
    assert (smpa.state, smpa.reasons) == (TaskState.OPEN, "")


def test_only_an_officer_of_the_routed_unit_answers_for_it(case, alice, bob, charlie, stcsm_officer, commerce_officer):
    journeys.route(case)
    smpa = answer_tasks(case).get(commission__code="SMPA")
    for person in (alice, bob, charlie, stcsm_officer, commerce_officer, journeys.staff("HEALTH"), None):
        with pytest.raises(PortalError) as error:
            services.answer_give(task=smpa, by=person, answer="Not mine to give.")
        assert error.value.code == ErrorCode.NOT_ALLOWED, person
    services.answer_give(task=smpa, by=journeys.staff("SMPA"), answer="Ours.")
    with pytest.raises(PortalError) as error:
        services.answer_give(task=smpa, by=journeys.staff("SMPA"), answer="Changed our mind.")
    assert error.value.code == ErrorCode.NOT_ALLOWED
    assert ReviewTask.objects.get(pk=smpa.pk).reasons == "Ours."


def test_nobody_takes_the_portals_own_step_not_even_with_every_answer_in(case, stcsm_officer, alice):
    journeys.route(case)
    for task in answer_tasks(case):
        task.close(by=journeys.staff(task.commission.code), outcome=Outcome.ANSWERED, reasons="Done.")
    for person in (stcsm_officer, alice, journeys.staff("SMPA")):
        with pytest.raises(PortalError) as error:
            workflow.transition(application=case, action=A.ANSWERED, by=person)
        assert error.value.code == ErrorCode.NOT_ALLOWED
    assert workflow.transition(application=case, action=A.ANSWERED, by=None).state == State.ANSWERED


def test_the_portal_does_not_deliver_while_a_unit_has_not_answered(case):
    journeys.route(case)
    with pytest.raises(PortalError) as error:
        workflow.transition(application=case, action=A.ANSWERED, by=None)
    assert error.value.code == ErrorCode.ANSWERS_MISSING
    assert reload(case).state == State.ROUTED


# --- notifications ---------------------------------------------------------------------------------------


def test_the_enterprise_gets_a_receipt_and_one_mail_when_every_answer_is_in(case, alice, bob):
    receipt = OutboxMessage.objects.get(event__application=case)
    assert "Case" in receipt.subject and case.receipt_number in receipt.subject
    assert "We received your case" in receipt.body
    journeys.route(case, units=("SMPA", "CUSTOMS"))
    services.answer_give(
        task=answer_tasks(case).get(commission__code="SMPA"), by=journeys.staff("SMPA"), answer="Done."
    )
    assert OutboxMessage.objects.filter(event__application=case).count() == 1  # neither routing nor one answer
    services.answer_give(
        task=answer_tasks(case).get(commission__code="CUSTOMS"), by=journeys.staff("CUSTOMS"), answer="Done."
    )
    mail = OutboxMessage.objects.get(event__application=case, event__action=A.ANSWERED)
    assert mail.recipients == sorted([alice.email, bob.email]) and mail.sent_at is None
    assert f"Case {case.receipt_number} answered" in mail.subject
    # Both languages, the units by their names, never their codes.
    assert "Shanghai Customs" in mail.body and "中华人民共和国上海海关" in mail.body
    assert "Municipal Medical Products Administration" in mail.body and "上海市药品监督管理局" in mail.body
    assert "CUSTOMS" not in mail.body and "SMPA" not in mail.body
    assert "reopen the case once" in mail.body
    assert f"/applications/{case.pk}/" in mail.body


# --- reopen once, then close ---------------------------------------------------------------------------------


def test_the_enterprise_reopens_once_the_lead_routes_again_and_a_second_reopen_is_refused(case, alice, bob):
    journeys.answered_case(case)
    reopened = workflow.transition(application=case, action=A.REOPEN, by=bob, reason="Customs still hold them.")
    assert reopened.state == State.REOPENED
    event = case.events.get(action=A.REOPEN)
    assert (event.reason, event.visible_to_applicant) == ("Customs still hold them.", True)
    routing = ReviewTask.objects.get(application=case, kind=TaskKind.DESK_ROUTING, state=TaskState.OPEN)
    assert routing.commission.code == "STCSM"
    # The lead routes again, here to a unit the first routing did not ask.
    journeys.route(case, units=("CUSTOMS",))
    assert answer_tasks(case, TaskState.OPEN).get().commission.code == "CUSTOMS"
    assert len(selectors.delivered_answers(case)) == 1  # the first answers stay, the new one waits
    journeys.answer_all(case)
    first, second = selectors.delivered_answers(case)
    assert {t.commission.code for t in first.answers} == {"SMPA", "HEALTH"}
    assert [t.commission.code for t in second.answers] == ["CUSTOMS"]

    before = (AuditEvent.objects.filter(application=case).count(), ReviewTask.objects.filter(application=case).count())
    for person in (alice, bob):
        with pytest.raises(PortalError) as error:
            workflow.transition(application=case, action=A.REOPEN, by=person, reason="Still not solved.")
        assert error.value.code == ErrorCode.NOT_ALLOWED
        assert "reopened once already" in str(error.value)
    assert reload(case).state == State.ANSWERED
    assert (
        AuditEvent.objects.filter(application=case).count(),
        ReviewTask.objects.filter(application=case).count(),
    ) == before
    closed = workflow.transition(application=case, action=A.CLOSE, by=alice)
    assert closed.state == State.CLOSED
    assert permissions.can_reopen_case(alice, closed)[1].code == "not_answered"


def test_reopening_needs_the_reason(case, alice):
    journeys.answered_case(case)
    with pytest.raises(PortalError) as error:
        workflow.transition(application=case, action=A.REOPEN, by=alice, reason="  ")
    assert error.value.code == ErrorCode.REQUIRED
    assert reload(case).state == State.ANSWERED and selectors.reopens_used(case) == 0


def test_a_withdrawn_case_leaves_the_units_queues(case, alice):
    journeys.route(case)
    workflow.transition(application=case, action=A.WITHDRAW, by=alice, reason="Solved with the port office.")
    assert set(answer_tasks(case).values_list("state", flat=True)) == {TaskState.CANCELLED}
    assert not selectors.queue(journeys.staff("SMPA")).filter(application=case).exists()


# --- the whole case on the services alone: no worker, no award -------------------------------------------------


def test_a_whole_case_runs_on_the_services_with_no_worker_and_queues_nothing_but_its_mail(
    desk_call, alice, django_capture_on_commit_callbacks
):
    """Nothing here needs a Celery worker: every write is a service in the request's transaction; after commit
    only the outbox's mails are queued (the receipt and the answers), never an award or a letter."""
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        case = journeys.answered_case(open_case(desk_call, alice), units=("SMPA", "CUSTOMS", "FAO"))
        workflow.transition(application=case, action=A.CLOSE, by=alice)
    queued = [callback.args[0] for callback in callbacks if getattr(callback, "args", None)]
    assert queued == [outbox.SEND] * 2, queued
    assert reload(case).state == State.CLOSED
    assert [e.action for e in AuditEvent.objects.filter(application=case, visible_to_applicant=True)] == [
        A.SUBMIT,
        A.ROUTE,
        A.ANSWERED,
        A.CLOSE,
    ]
