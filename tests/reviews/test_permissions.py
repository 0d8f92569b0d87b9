# ruff: noqa: E501 -- CASES is a table: one row per case, one aligned column per field
"""The permission matrix of review (issue 4): for every role x every transition x own/other commission or
organisation, exactly the allowed ones succeed; the rest are refused and write nothing.

Each step of `applications.workflow.TABLE` gets an application in the step's source state such that the
step would succeed for an allowed actor. Every other actor is refused on that same application (nothing is
written), then the allowed actors succeed: the first on that application (which the refusals left
untouched), each further one on a fresh application.
"""

import copy
from dataclasses import dataclass
from datetime import date
from functools import cached_property

import pytest
from django.contrib.auth.models import AnonymousUser

from applications import workflow
from applications.models import Application, AuditEvent, Call, State
from portal.accounts.models import Commission, Role, User
from portal.errors import ErrorCode, PortalError
from reviews import permissions, services, threads
from reviews.models import (
    AssignmentState,
    CallExpert,
    Decision,
    ExpertAssignment,
    Message,
    ReviewTask,
    TaskKind,
    TaskState,
)
from tests import journeys
from tests.factories import UserFactory, administrator, expert, member, officer
from tests.filings import make_draft, open_case, submit
from tests.permission_table import Case, assert_answer, assert_table_covers, can_functions

REASON = "Recorded for the permission matrix."
SCORES = {"innovation": 80, "feasibility": 70}


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    # Every test here makes a dozen people; the production hasher would dominate the runtime.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    review_call: Call
    expert_call: Call
    desk_call: Call
    people: dict


@pytest.fixture
def world(review_call, expert_call, desk_call, alice, bob, charlie, invited_expert, admin, org_a) -> World:
    people = {
        "alice": alice,  # administrator of the applying organisation
        "bob": bob,  # her colleague
        "charlie": charlie,  # another organisation
        "lead_officer": journeys.staff("STCSM"),  # the program's lead commission
        "co_reviewer": journeys.staff("SMPA"),  # a co-reviewing commission
        "unrelated_officer": journeys.staff("COMMERCE"),  # not routed to this program
        "finance_officer": journeys.staff("FIN"),
        "expert": invited_expert,  # invited to the expert call; declares and scores in expert review
        "administrator": admin,
        "anonymous": AnonymousUser(),
        "inactive_lead_officer": officer("STCSM", username="retired-stcsm", is_active=False),
        "inactive_colleague": member(org_a, username="left-the-company", is_active=False),
    }
    return World(review_call=review_call, expert_call=expert_call, desk_call=desk_call, people=people)


# Who takes each role's steps; "system" is the portal itself (`by=None`), which no person may stand in for.
ALLOWED = {workflow.APPLICANT: {"alice", "bob"}, workflow.LEAD_OFFICER: {"lead_officer"}, workflow.SYSTEM: {"system"}}


def person(people: dict, name: str) -> User | None:
    return None if name == "system" else people[name]


def reload(application: Application) -> Application:
    return Application.objects.get(pk=application.pk)


# --- applications in each source state, ready for the step to succeed -------------------------------


def draft(w: World) -> Application:
    return make_draft(w.review_call, w.people["alice"])


def submitted(w: World) -> Application:
    return submit(w.review_call, w.people["alice"])


def in_formal_check(w: World) -> Application:
    application = submitted(w)
    return workflow.transition(application=application, action="start_formal_check", by=w.people["lead_officer"])


def returned(w: World) -> Application:
    return workflow.transition(
        application=in_formal_check(w), action="return_for_correction", by=w.people["lead_officer"], reason=REASON
    )


def in_department_review(w: World) -> Application:
    return journeys.pass_formal_check(submitted(w))


def ready_for_decision(w: World) -> Application:
    """Department review of a call without experts: every opinion given, the budget confirmed."""
    return journeys.ready_for_decision(submitted(w))


def ready_for_experts(w: World) -> Application:
    """Department review of a call with experts: every opinion given, an expert invited."""
    application = journeys.pass_formal_check(submit(w.expert_call, w.people["alice"]))
    journeys.give_all_opinions(application)
    return reload(application)


def in_expert_review(w: World) -> Application:
    """Expert review with the budget confirmed and the only invited expert's score in."""
    application = journeys.ready_for_decision(submit(w.expert_call, w.people["alice"]))
    workflow.transition(application=application, action="send_to_experts", by=w.people["lead_officer"])
    assignment = ExpertAssignment.objects.get(application=application, expert=w.people["expert"])
    services.conflict_declare(assignment=assignment, by=w.people["expert"], has_conflict=False)
    services.score_submit(assignment=assignment, by=w.people["expert"], scores=SCORES)
    return reload(application)


def approved(w: World) -> Application:
    """Approved, as before an objection to its award is upheld during the public notice."""
    return journeys.approve(submitted(w))


# --- a desk case (B II.5(12)) in each of its states ------------------------------------------------------


def case_submitted(w: World) -> Application:
    return open_case(w.desk_call, w.people["alice"])


def case_routed(w: World) -> Application:
    return journeys.route(case_submitted(w))


def case_all_answered_not_delivered(w: World) -> Application:
    """Every routed unit's task answered, the case still `routed`: where the portal's own `answered` step starts
    (the answer service takes it itself when the last answer is in, so the tasks are closed directly here)."""
    application = case_routed(w)
    for task in ReviewTask.objects.filter(application=application, kind=TaskKind.DESK_ANSWER):
        task.close(by=journeys.staff(task.commission.code), outcome="answered", reasons="Answered.")
    return reload(application)


def case_answered(w: World) -> Application:
    return journeys.answered_case(case_submitted(w))


def case_reopened(w: World) -> Application:
    application = case_answered(w)
    return workflow.transition(application=application, action="reopen", by=w.people["alice"], reason=REASON)


GRANT, CASE, ANY = "grant", "case", "any"


def kind_of(step: workflow.Step) -> str:
    return CASE if step.outcomes == workflow.CHANNEL else ANY if step.outcomes == workflow.EVERY_OUTCOME else GRANT


SOURCE = {
    ("submit", State.DRAFT, ANY): draft,
    ("resubmit", State.RETURNED, GRANT): returned,
    ("start_formal_check", State.SUBMITTED, GRANT): submitted,
    ("return_for_correction", State.FORMAL_CHECK, GRANT): in_formal_check,
    ("pass_formal_check", State.FORMAL_CHECK, GRANT): in_formal_check,
    ("send_to_experts", State.DEPARTMENT_REVIEW, GRANT): ready_for_experts,
    ("approve", State.DEPARTMENT_REVIEW, GRANT): ready_for_decision,
    ("reject", State.DEPARTMENT_REVIEW, GRANT): ready_for_decision,
    ("approve", State.EXPERT_REVIEW, GRANT): in_expert_review,
    ("reject", State.EXPERT_REVIEW, GRANT): in_expert_review,
    ("withdraw", State.SUBMITTED, GRANT): submitted,
    ("withdraw", State.FORMAL_CHECK, GRANT): in_formal_check,
    ("withdraw", State.RETURNED, GRANT): returned,
    ("withdraw", State.DEPARTMENT_REVIEW, GRANT): in_department_review,
    ("withdraw", State.EXPERT_REVIEW, GRANT): in_expert_review,
    ("reopen_after_objection", State.APPROVED, GRANT): approved,
    ("route", State.SUBMITTED, CASE): case_submitted,
    ("route", State.REOPENED, CASE): case_reopened,
    ("answered", State.ROUTED, CASE): case_all_answered_not_delivered,
    ("reopen", State.ANSWERED, CASE): case_answered,
    ("close", State.ANSWERED, CASE): case_answered,
    ("withdraw", State.SUBMITTED, CASE): case_submitted,
    ("withdraw", State.ROUTED, CASE): case_routed,
    ("withdraw", State.REOPENED, CASE): case_reopened,
}


def source_of(step: workflow.Step):
    return SOURCE[(step.action, step.source, kind_of(step))]


def payload(action: str) -> dict:
    data = {"reason": REASON} if action in workflow.REASON_REQUIRED else {}
    if action in ("pass_formal_check", "return_for_correction"):
        data["checklist"] = journeys.ALL_HOLD
    if action == "route":
        data["units"] = [journeys.staff(code).commission for code in ("SMPA", "HEALTH")]
    return data


def snapshot(application: Application) -> dict:
    """Everything a step could write about one application."""
    return {
        "state": reload(application).state,
        "audit_events": AuditEvent.objects.filter(application=application).count(),
        "review_tasks": ReviewTask.objects.filter(application=application).count(),
        "decisions": Decision.objects.filter(application=application).count(),
        "task_rows": list(
            ReviewTask.objects.filter(application=application)
            .order_by("pk")
            .values_list("pk", "state", "outcome", "assigned_to_id")
        ),
        "expert_assignments": list(
            ExpertAssignment.objects.filter(application=application).order_by("pk").values_list("pk", "state")
        ),
        "versions": application.versions.count(),
    }


def outcome_of(call, **kwargs) -> str:
    """The error code of a refusal, or "succeeded"."""
    try:
        call(**kwargs)
    except PortalError as error:
        return str(error.code)
    return "succeeded"


def actor_for(action: str, people: dict) -> User | None:
    """Someone whose role may take `action` somewhere in the table (None: the portal itself)."""
    role = next(s.role for s in workflow.TABLE if s.action == action)
    return {workflow.APPLICANT: people["alice"], workflow.SYSTEM: None}.get(role, people["lead_officer"])


def assert_every_other_action_is_illegal(application: Application, people: dict) -> None:
    """From the application's state, every action the table does not list there for the program's outcome is an
    illegal transition, even for a role that may take that action elsewhere, and writes nothing: a grant's steps
    on a desk case, a desk case's steps on a grant."""
    application = reload(application)
    state, outcome = application.state, application.call.program.outcome
    legal = {s.action for s in workflow.TABLE if s.source == state and outcome in s.outcomes}
    before = snapshot(application)
    outcomes = {}
    for action in sorted({s.action for s in workflow.TABLE} - legal):
        outcomes[action] = outcome_of(
            workflow.transition,
            application=application,
            action=action,
            by=actor_for(action, people),
            **payload(action),
        )
        assert snapshot(application) == before, f"{action} from {state} wrote something"
    assert outcomes == dict.fromkeys(outcomes, ErrorCode.ILLEGAL_TRANSITION)


def test_the_matrix_covers_every_step_of_the_lifecycle():
    assert set(SOURCE) == {(s.action, s.source, kind_of(s)) for s in workflow.TABLE}
    assert set(ALLOWED) == {s.role for s in workflow.TABLE}


@pytest.mark.parametrize("step", workflow.TABLE, ids=lambda s: f"{s.action}-from-{s.source}-{kind_of(s)}")
def test_only_the_steps_role_may_take_each_step_and_a_refusal_writes_nothing(step, world):
    people = world.people
    application = source_of(step)(world)
    assert application.state == step.source
    allowed = ALLOWED[step.role]

    before = snapshot(application)
    outcomes, wrote = {}, []
    for name, user in people.items():
        if name in allowed:
            continue
        outcomes[name] = outcome_of(
            workflow.transition, application=application, action=step.action, by=user, **payload(step.action)
        )
        if snapshot(application) != before:
            wrote.append(name)
    assert outcomes == dict.fromkeys(outcomes, ErrorCode.NOT_ALLOWED)
    assert wrote == []

    assert_every_other_action_is_illegal(application, people)

    for n, name in enumerate(sorted(allowed)):
        target = application if n == 0 else source_of(step)(world)
        actor = person(people, name)
        done = workflow.transition(application=target, action=step.action, by=actor, **payload(step.action))
        assert done.state == step.target, name
        event = AuditEvent.objects.filter(application=target).latest("pk")
        assert (event.action, event.actor, event.from_state, event.to_state) == (
            step.action,
            actor,
            step.source,
            step.target,
        )
    assert_every_other_action_is_illegal(application, people)


# --- task-level services ----------------------------------------------------------------------------


def task_of(application: Application, code: str, kind: str = TaskKind.OPINION) -> ReviewTask:
    return ReviewTask.objects.get(application=application, commission__code=code, kind=kind, state=TaskState.OPEN)


def refusals(people: dict, attempt, watched) -> dict:
    """Run `attempt(user)` for each person; each must be refused as not allowed and leave `watched()` as
    it was. Answers {name: outcome} for those that were not."""
    wrong = {}
    for name, user in people.items():
        before = watched()
        outcome = outcome_of(attempt, user=user)
        if outcome != ErrorCode.NOT_ALLOWED or watched() != before:
            wrong[name] = outcome
    return wrong


def test_only_an_officer_of_the_tasks_commission_gives_its_opinion(world):
    people = world.people
    application = in_department_review(world)
    smpa = task_of(application, "SMPA")
    outsiders = {
        **{k: v for k, v in people.items() if k != "co_reviewer"},
        # Finance staff give no technical opinion, not even when filed under the task's commission.
        "finance_role_in_smpa": UserFactory(role=Role.FINANCE, commission=smpa.commission),
        "inactive_smpa_officer": officer("SMPA", username="retired-smpa", is_active=False),
    }
    wrong = refusals(
        outsiders,
        lambda user: services.opinion_give(task=smpa, by=user, opinion="support", reasons="Fine."),
        lambda: snapshot(application),
    )
    assert wrong == {}

    # The finance officer cannot answer their own budget task with an opinion either.
    fin = task_of(application, "FIN", TaskKind.BUDGET)
    before = snapshot(application)
    assert (
        outcome_of(services.opinion_give, task=fin, by=people["finance_officer"], opinion="support")
        == ErrorCode.NOT_ALLOWED
    )
    assert snapshot(application) == before

    given = services.opinion_give(task=smpa, by=people["co_reviewer"], opinion="support")
    assert (given.state, given.outcome, given.completed_by) == (TaskState.DONE, "support", people["co_reviewer"])
    # Once given, an opinion is not given again, by anyone.
    assert (
        outcome_of(services.opinion_give, task=smpa, by=people["co_reviewer"], opinion="object", reasons="Changed.")
        == ErrorCode.NOT_ALLOWED
    )
    lead = services.opinion_give(task=task_of(application, "STCSM"), by=people["lead_officer"], opinion="support")
    assert lead.state == TaskState.DONE


def test_only_a_finance_officer_of_the_finance_bureau_confirms_the_budget(world):
    people = world.people
    application = in_department_review(world)
    fin = task_of(application, "FIN", TaskKind.BUDGET)
    outsiders = {
        **{k: v for k, v in people.items() if k != "finance_officer"},
        "officer_role_in_fin": UserFactory(role=Role.OFFICER, commission=fin.commission),
        "finance_role_in_stcsm": UserFactory(role=Role.FINANCE, commission=Commission.objects.get(code="STCSM")),
        "inactive_finance_officer": UserFactory(role=Role.FINANCE, commission=fin.commission, is_active=False),
    }
    wrong = refusals(
        outsiders,
        lambda user: services.budget_confirm(task=fin, by=user, confirmed=True),
        lambda: snapshot(application),
    )
    assert wrong == {}

    # An opinion task is not a budget task, even for the finance officer.
    before = snapshot(application)
    stcsm = task_of(application, "STCSM")
    assert (
        outcome_of(services.budget_confirm, task=stcsm, by=people["finance_officer"], confirmed=True)
        == ErrorCode.NOT_ALLOWED
    )
    assert snapshot(application) == before

    done = services.budget_confirm(task=fin, by=people["finance_officer"], confirmed=True)
    assert (done.state, done.outcome) == (TaskState.DONE, "confirmed")
    assert (
        outcome_of(services.budget_confirm, task=fin, by=people["finance_officer"], confirmed=False, note="Gone.")
        == ErrorCode.NOT_ALLOWED
    )


def test_tasks_are_assigned_only_by_staff_of_their_commission_to_a_colleague_and_all_or_nothing(world):
    people = world.people
    application = in_department_review(world)
    stcsm, smpa = task_of(application, "STCSM"), task_of(application, "SMPA")
    colleague = officer("STCSM", username="stcsm-colleague")

    wrong = refusals(
        {k: v for k, v in people.items() if k != "lead_officer"},
        lambda user: services.tasks_assign(tasks=[stcsm], assignee=colleague, by=user),
        lambda: snapshot(application),
    )
    assert wrong == {}

    lead = people["lead_officer"]
    not_colleagues = {
        k: people[k]
        for k in ["co_reviewer", "finance_officer", "alice", "expert", "administrator", "inactive_lead_officer"]
    }
    wrong = refusals(
        not_colleagues,
        lambda user: services.tasks_assign(tasks=[stcsm], assignee=user, by=lead),
        lambda: snapshot(application),
    )
    assert wrong == {}

    # One task of another commission in the batch: nothing is assigned.
    before = snapshot(application)
    assert outcome_of(services.tasks_assign, tasks=[stcsm, smpa], assignee=colleague, by=lead) == ErrorCode.NOT_ALLOWED
    assert outcome_of(services.tasks_assign, tasks=[smpa, stcsm], assignee=colleague, by=lead) == ErrorCode.NOT_ALLOWED
    assert snapshot(application) == before
    assert ReviewTask.objects.get(pk=stcsm.pk).assigned_to is None

    assert services.tasks_assign(tasks=[stcsm], assignee=colleague, by=lead) == 1
    assert ReviewTask.objects.get(pk=stcsm.pk).assigned_to == colleague
    assert services.tasks_assign(tasks=[stcsm], assignee=None, by=colleague) == 1
    assert ReviewTask.objects.get(pk=stcsm.pk).assigned_to is None
    # Finance staff assign the Finance Bureau's tasks among themselves.
    fin = task_of(application, "FIN", TaskKind.BUDGET)
    second = UserFactory(role=Role.FINANCE, commission=fin.commission, username="fin-colleague")
    assert services.tasks_assign(tasks=[fin], assignee=second, by=people["finance_officer"]) == 1

    # A task that is done is no longer assigned.
    services.opinion_give(task=smpa, by=people["co_reviewer"], opinion="support")
    assert (
        outcome_of(services.tasks_assign, tasks=[smpa], assignee=None, by=people["co_reviewer"])
        == ErrorCode.NOT_ALLOWED
    )


def test_only_the_assigned_expert_declares_a_conflict_and_scores(world):
    people = world.people
    dr_li = expert(username="dr-li")
    services.expert_invite(call=world.expert_call, expert=dr_li, by=people["administrator"])
    application = journeys.ready_for_decision(submit(world.expert_call, people["alice"]))
    workflow.transition(application=application, action="send_to_experts", by=people["lead_officer"])
    mine = ExpertAssignment.objects.get(application=application, expert=people["expert"])
    others = ExpertAssignment.objects.get(application=application, expert=dr_li)
    outsiders = {**{k: v for k, v in people.items() if k != "expert"}, "another_expert": dr_li}

    wrong = refusals(
        outsiders,
        lambda user: services.conflict_declare(assignment=mine, by=user, has_conflict=False),
        lambda: snapshot(application),
    )
    assert wrong == {}
    services.conflict_declare(assignment=mine, by=people["expert"], has_conflict=False)
    services.conflict_declare(assignment=others, by=dr_li, has_conflict=False)
    # Declared once: neither a second declaration nor a change of mind.
    before = snapshot(application)
    assert (
        outcome_of(services.conflict_declare, assignment=mine, by=people["expert"], has_conflict=True, note="x")
        == ErrorCode.NOT_ALLOWED
    )
    assert snapshot(application) == before

    wrong = refusals(
        outsiders,
        lambda user: services.score_submit(assignment=mine, by=user, scores=SCORES),
        lambda: snapshot(application),
    )
    assert wrong == {}
    scored = services.score_submit(assignment=mine, by=people["expert"], scores=SCORES)
    assert (scored.state, scored.scores) == (AssignmentState.SCORED, SCORES)
    assert (
        outcome_of(services.score_submit, assignment=mine, by=people["expert"], scores={"innovation": 1})
        == ErrorCode.NOT_ALLOWED
    )


def test_only_an_administrator_invites_experts(world):
    people = world.people
    candidate = expert(username="dr-zhou")
    outsiders = {
        **{k: v for k, v in people.items() if k != "administrator"},
        "inactive_administrator": administrator(username="retired-admin", is_active=False),
    }
    wrong = refusals(
        outsiders,
        lambda user: services.expert_invite(call=world.expert_call, expert=candidate, by=user),
        lambda: CallExpert.objects.count(),
    )
    assert wrong == {}
    assert not CallExpert.objects.filter(expert=candidate).exists()
    services.expert_invite(call=world.expert_call, expert=candidate, by=people["administrator"])
    assert CallExpert.objects.filter(call=world.expert_call, expert=candidate).exists()


# --- the can_* functions ----------------------------------------------------------------------------
#
# One row per case: the question asked of a can_* function and the code of its answer ("" = allowed). Each
# refusal names the rule that refused, so a case that is refused for the wrong reason (a setup that fails
# earlier than the rule it means to test) fails here.


def with_state(obj, state):
    """An in-memory copy of a row in another state (the can_* functions read only what they are given)."""
    changed = copy.copy(obj)
    changed.state = state
    return changed


class Scene:
    """The people of `world` and the tasks and assignments the cases ask about, each built the first time a
    case needs it: a department review (STCSM, SMPA and FIN tasks) and an expert review of the expert call
    with three experts: dr_wang (declared, no conflict), dr_li (not declared yet), dr_own (alice's company)."""

    def __init__(self, world: World):
        self.world = world
        self.people = world.people

    def __getitem__(self, name: str) -> User:
        return self.people[name]

    @cached_property
    def in_review(self) -> Application:
        return in_department_review(self.world)

    @cached_property
    def stcsm(self) -> ReviewTask:
        return task_of(self.in_review, "STCSM")

    @cached_property
    def smpa(self) -> ReviewTask:
        return task_of(self.in_review, "SMPA")

    @cached_property
    def drc(self) -> ReviewTask:
        """DRC's opinion: nobody of DRC is registered in this world."""
        return task_of(self.in_review, "DRC")

    @cached_property
    def fin(self) -> ReviewTask:
        return task_of(self.in_review, "FIN", TaskKind.BUDGET)

    @cached_property
    def officer_of_fin(self) -> User:
        """An officer filed under the Finance Bureau: neither gives opinions for it nor confirms budgets."""
        return UserFactory(role=Role.OFFICER, commission=self.fin.commission)

    @cached_property
    def experts(self) -> dict[str, User]:
        dr_li = expert(username="dr-li")
        dr_own = expert(username="dr-own", organisation=self["alice"].organisation)
        for person in (dr_li, dr_own):
            services.expert_invite(call=self.world.expert_call, expert=person, by=self["administrator"])
        return {"dr_li": dr_li, "dr_own": dr_own}

    @cached_property
    def with_experts(self) -> Application:
        assert self.experts  # invited before the application goes to expert review
        application = journeys.ready_for_decision(submit(self.world.expert_call, self["alice"]))
        workflow.transition(application=application, action="send_to_experts", by=self["lead_officer"])
        return reload(application)

    def _assignment(self, person: User) -> ExpertAssignment:
        return ExpertAssignment.objects.select_related("application").get(application=self.with_experts, expert=person)

    @cached_property
    def wang(self) -> ExpertAssignment:
        assignment = self._assignment(self["expert"])
        services.conflict_declare(assignment=assignment, by=self["expert"], has_conflict=False)
        return ExpertAssignment.objects.select_related("application").get(pk=assignment.pk)

    @cached_property
    def li(self) -> ExpertAssignment:
        return self._assignment(self.experts["dr_li"])

    @cached_property
    def own(self) -> ExpertAssignment:
        return self._assignment(self.experts["dr_own"])

    def after_decision(self, assignment: ExpertAssignment) -> ExpertAssignment:
        decided = copy.copy(assignment)
        decided.application = with_state(self.with_experts, State.APPROVED)
        return decided

    # A desk case (B II.5(12)): submitted; routed to SMPA and HEALTH; answered by both; reopened once and
    # answered again.
    @cached_property
    def case(self) -> Application:
        return case_submitted(self.world)

    @cached_property
    def routed(self) -> Application:
        return case_routed(self.world)

    @cached_property
    def smpa_answer(self) -> ReviewTask:
        return task_of(self.routed, "SMPA", TaskKind.DESK_ANSWER)

    @cached_property
    def answered(self) -> Application:
        return case_answered(self.world)

    @cached_property
    def answered_again(self) -> Application:
        return journeys.answered_case(case_reopened(self.world))

    # An application's thread (reviews/threads.py): a draft, a submitted file (only the lead's formal-check task),
    # one in department review with a clarification request open and one answered.
    @cached_property
    def draft(self) -> Application:
        return draft(self.world)

    @cached_property
    def submitted(self) -> Application:
        return submitted(self.world)

    @cached_property
    def question(self) -> Message:
        return threads.message_post(
            application=self.in_review, by=self["lead_officer"], body="Which site?", due_on=date(2099, 1, 1)
        )

    @cached_property
    def answered_question(self) -> Message:
        question = threads.message_post(
            application=self.in_review, by=self["lead_officer"], body="Which batch?", due_on=date(2099, 1, 1)
        )
        threads.clarification_answer(request=question, by=self["bob"], body="Batch 7.")
        return Message.objects.select_related("application").get(pk=question.pk)

    @cached_property
    def plain_message(self) -> Message:
        return threads.message_post(application=self.in_review, by=self["lead_officer"], body="Received.")

    def answer_on(self, application: Application) -> ReviewTask:
        """SMPA's answer task, open, on `application` (in memory: the can_* functions read what they are given)."""
        return ReviewTask(commission=self.smpa_answer.commission, kind=TaskKind.DESK_ANSWER, application=application)


P = permissions
# fmt: off
CASES = [
    #    case                                   function                code                         arguments
    # view a task
    Case("view own task",                       P.can_view_task,        "",                          lambda s: (s["lead_officer"], s.stcsm)),
    Case("view task of another commission",     P.can_view_task,        "other_commission",          lambda s: (s["co_reviewer"], s.stcsm)),
    Case("view task, anonymous",                P.can_view_task,        "other_commission",          lambda s: (s["anonymous"], s.stcsm)),
    Case("view task, inactive officer",         P.can_view_task,        "other_commission",          lambda s: (s["inactive_lead_officer"], s.stcsm)),
    Case("view task, applicant",                P.can_view_task,        "other_commission",          lambda s: (s["alice"], s.stcsm)),
    # give an opinion
    Case("opinion",                             P.can_give_opinion,     "",                          lambda s: (s["co_reviewer"], s.smpa)),
    Case("opinion for another commission",      P.can_give_opinion,     "not_officer_of_commission", lambda s: (s["lead_officer"], s.smpa)),
    Case("opinion by the finance officer",      P.can_give_opinion,     "not_officer_of_commission", lambda s: (s["finance_officer"], s.fin)),
    Case("opinion on a budget task",            P.can_give_opinion,     "not_opinion_task",          lambda s: (s.officer_of_fin, s.fin)),
    Case("opinion already given",               P.can_give_opinion,     "already_answered",          lambda s: (s["co_reviewer"], with_state(s.smpa, TaskState.DONE))),
    Case("opinion outside department review",   P.can_give_opinion,     "not_in_department_review",  lambda s: (s["co_reviewer"], ReviewTask(commission=s.smpa.commission, kind=TaskKind.OPINION, application=s.with_experts))),
    Case("opinion, anonymous",                  P.can_give_opinion,     "not_officer_of_commission", lambda s: (s["anonymous"], s.smpa)),
    # confirm the budget
    Case("budget",                              P.can_confirm_budget,   "",                          lambda s: (s["finance_officer"], s.fin)),
    Case("budget by an officer",                P.can_confirm_budget,   "not_budget_confirmer",      lambda s: (s["lead_officer"], s.fin)),
    Case("budget by an officer of the bureau",  P.can_confirm_budget,   "not_budget_confirmer",      lambda s: (s.officer_of_fin, s.fin)),
    Case("budget on an opinion task",           P.can_confirm_budget,   "not_budget_task",           lambda s: (s["finance_officer"], ReviewTask(commission=s.fin.commission, kind=TaskKind.OPINION, state=TaskState.OPEN))),
    Case("budget already answered",             P.can_confirm_budget,   "already_answered",          lambda s: (s["finance_officer"], with_state(s.fin, TaskState.DONE))),
    # assign a task
    Case("assign",                              P.can_assign_task,      "",                          lambda s: (s["lead_officer"], s.stcsm, s["lead_officer"])),
    Case("assign a task of another commission", P.can_assign_task,      "other_commission",          lambda s: (s["co_reviewer"], s.stcsm, None)),
    Case("assign to another commission",        P.can_assign_task,      "assignee_not_colleague",    lambda s: (s["lead_officer"], s.stcsm, s["co_reviewer"])),
    Case("assign to an applicant",              P.can_assign_task,      "assignee_not_colleague",    lambda s: (s["lead_officer"], s.stcsm, s["alice"])),
    Case("assign a closed task",                P.can_assign_task,      "task_closed",               lambda s: (s["lead_officer"], with_state(s.stcsm, TaskState.CANCELLED), None)),
    Case("assign, anonymous",                   P.can_assign_task,      "other_commission",          lambda s: (s["anonymous"], s.stcsm, None)),
    # decide
    Case("decide",                              P.can_decide,           "",                          lambda s: (s["lead_officer"], s.in_review)),
    Case("decide, co-reviewer",                 P.can_decide,           "not_lead_officer",          lambda s: (s["co_reviewer"], s.in_review)),
    Case("decide, applicant",                   P.can_decide,           "not_lead_officer",          lambda s: (s["alice"], s.in_review)),
    Case("decide, inactive lead officer",       P.can_decide,           "not_lead_officer",          lambda s: (s["inactive_lead_officer"], s.in_review)),
    Case("decide before department review",     P.can_decide,           "not_under_review",          lambda s: (s["lead_officer"], with_state(s.in_review, State.FORMAL_CHECK))),
    Case("decide, anonymous",                   P.can_decide,           "not_lead_officer",          lambda s: (s["anonymous"], s.in_review)),
    # proceed without an opinion nobody is registered to give
    Case("proceed without",                     P.can_proceed_without_opinion, "",                   lambda s: (s["lead_officer"], s.drc)),
    Case("proceed without, co-reviewer",        P.can_proceed_without_opinion, "not_lead_officer",   lambda s: (s["co_reviewer"], s.drc)),
    Case("proceed without, other commission",   P.can_proceed_without_opinion, "not_lead_officer",   lambda s: (s["unrelated_officer"], s.drc)),
    Case("proceed without, applicant",          P.can_proceed_without_opinion, "not_lead_officer",   lambda s: (s["alice"], s.drc)),
    Case("proceed without, inactive lead",      P.can_proceed_without_opinion, "not_lead_officer",   lambda s: (s["inactive_lead_officer"], s.drc)),
    Case("proceed without, anonymous",          P.can_proceed_without_opinion, "not_lead_officer",   lambda s: (s["anonymous"], s.drc)),
    Case("proceed without the lead's own",      P.can_proceed_without_opinion, "not_co_reviewer_opinion", lambda s: (s["lead_officer"], s.stcsm)),
    Case("proceed without a budget answer",     P.can_proceed_without_opinion, "not_co_reviewer_opinion", lambda s: (s["lead_officer"], s.fin)),
    Case("proceed without, already closed",     P.can_proceed_without_opinion, "task_not_open",      lambda s: (s["lead_officer"], with_state(s.drc, TaskState.DONE))),
    Case("proceed without, after review",       P.can_proceed_without_opinion, "not_in_department_review", lambda s: (s["lead_officer"], ReviewTask(commission=s.drc.commission, kind=TaskKind.OPINION, state=TaskState.OPEN, application=s.with_experts))),
    Case("proceed without, unit has an officer", P.can_proceed_without_opinion, "commission_has_officer", lambda s: (s["lead_officer"], s.smpa)),
    # declare a conflict of interest
    Case("declare",                             P.can_declare_conflict, "",                          lambda s: (s.experts["dr_li"], s.li)),
    Case("declare for another expert",          P.can_declare_conflict, "other_expert",              lambda s: (s.experts["dr_li"], s.wang)),
    Case("declare twice",                       P.can_declare_conflict, "already_declared",          lambda s: (s["expert"], s.wang)),
    Case("declare, own organisation",           P.can_declare_conflict, "already_declared",          lambda s: (s.experts["dr_own"], s.own)),
    Case("declare after the decision",          P.can_declare_conflict, "expert_review_over",        lambda s: (s.experts["dr_li"], s.after_decision(s.li))),
    Case("declare, officer",                    P.can_declare_conflict, "other_expert",              lambda s: (s["lead_officer"], s.li)),
    # see the file as an expert
    Case("view file",                           P.can_view_expert_file, "",                          lambda s: (s["expert"], s.wang)),
    Case("view another expert's file",          P.can_view_expert_file, "other_expert",              lambda s: (s.experts["dr_li"], s.wang)),
    Case("view before declaring",               P.can_view_expert_file, "not_declared",              lambda s: (s.experts["dr_li"], s.li)),
    Case("view, own organisation",              P.can_view_expert_file, "not_declared",              lambda s: (s.experts["dr_own"], s.own)),
    Case("view after declaring a conflict",     P.can_view_expert_file, "not_declared",              lambda s: (s["expert"], with_state(s.wang, AssignmentState.CONFLICT))),
    Case("view, anonymous",                     P.can_view_expert_file, "other_expert",              lambda s: (s["anonymous"], s.wang)),
    # score
    Case("score",                               P.can_score,            "",                          lambda s: (s["expert"], s.wang)),
    Case("score another expert's file",         P.can_score,            "other_expert",              lambda s: (s.experts["dr_li"], s.wang)),
    Case("score before declaring",              P.can_score,            "not_declared",              lambda s: (s.experts["dr_li"], s.li)),
    Case("score twice",                         P.can_score,            "already_scored",            lambda s: (s["expert"], with_state(s.wang, AssignmentState.SCORED))),
    Case("score after the decision",            P.can_score,            "expert_review_over",        lambda s: (s["expert"], s.after_decision(s.wang))),
    # invite an expert to a call
    Case("invite",                              P.can_invite_expert,    "",                          lambda s: (s["administrator"],)),
    Case("invite, lead officer",                P.can_invite_expert,    "not_admin",                 lambda s: (s["lead_officer"],)),
    Case("invite, expert",                      P.can_invite_expert,    "not_admin",                 lambda s: (s["expert"],)),
    Case("invite, anonymous",                   P.can_invite_expert,    "not_admin",                 lambda s: (s["anonymous"],)),
    Case("invite, inactive administrator",      P.can_invite_expert,    "not_admin",                 lambda s: (administrator(username="retired-admin", is_active=False),)),
    # route a desk case (the lead) to the units concerned
    Case("route a case",                        P.can_route_case,       "",                          lambda s: (s["lead_officer"], s.case)),
    Case("route a reopened case",               P.can_route_case,       "",                          lambda s: (s["lead_officer"], with_state(s.answered, State.REOPENED))),
    Case("route, co-reviewer",                  P.can_route_case,       "not_lead_officer",          lambda s: (s["co_reviewer"], s.case)),
    Case("route, applicant",                    P.can_route_case,       "not_lead_officer",          lambda s: (s["alice"], s.case)),
    Case("route, inactive lead officer",        P.can_route_case,       "not_lead_officer",          lambda s: (s["inactive_lead_officer"], s.case)),
    Case("route, anonymous",                    P.can_route_case,       "not_lead_officer",          lambda s: (s["anonymous"], s.case)),
    Case("route a grant application",           P.can_route_case,       "not_a_case",                lambda s: (s["lead_officer"], s.in_review)),
    Case("route a case routed already",         P.can_route_case,       "not_awaiting_routing",      lambda s: (s["lead_officer"], s.routed)),
    Case("route an answered case",              P.can_route_case,       "not_awaiting_routing",      lambda s: (s["lead_officer"], s.answered)),
    # answer a desk case for one's unit
    Case("answer",                              P.can_answer_task,      "",                          lambda s: (s["co_reviewer"], s.smpa_answer)),
    Case("answer for another unit, lead",       P.can_answer_task,      "not_officer_of_commission", lambda s: (s["lead_officer"], s.smpa_answer)),
    Case("answer, unit not routed",             P.can_answer_task,      "not_officer_of_commission", lambda s: (s["unrelated_officer"], s.smpa_answer)),
    Case("answer, applicant",                   P.can_answer_task,      "not_officer_of_commission", lambda s: (s["alice"], s.smpa_answer)),
    Case("answer, finance officer",             P.can_answer_task,      "not_officer_of_commission", lambda s: (s["finance_officer"], s.smpa_answer)),
    Case("answer, anonymous",                   P.can_answer_task,      "not_officer_of_commission", lambda s: (s["anonymous"], s.smpa_answer)),
    Case("answer an opinion task",              P.can_answer_task,      "not_desk_task",             lambda s: (s["co_reviewer"], s.smpa)),
    Case("answer twice",                        P.can_answer_task,      "already_answered",          lambda s: (s["co_reviewer"], with_state(s.smpa_answer, TaskState.DONE))),
    Case("answer a case not awaiting answers",  P.can_answer_task,      "not_awaiting_answers",      lambda s: (s["co_reviewer"], s.answer_on(s.answered))),
    # reopen a desk case, once (the enterprise)
    Case("reopen",                              P.can_reopen_case,      "",                          lambda s: (s["alice"], s.answered)),
    Case("reopen, colleague",                   P.can_reopen_case,      "",                          lambda s: (s["bob"], s.answered)),
    Case("reopen, outsider",                    P.can_reopen_case,      "not_applicant",             lambda s: (s["charlie"], s.answered)),
    Case("reopen, lead officer",                P.can_reopen_case,      "not_applicant",             lambda s: (s["lead_officer"], s.answered)),
    Case("reopen, routed unit",                 P.can_reopen_case,      "not_applicant",             lambda s: (s["co_reviewer"], s.answered)),
    Case("reopen, left the company",            P.can_reopen_case,      "not_applicant",             lambda s: (s["inactive_colleague"], s.answered)),
    Case("reopen, anonymous",                   P.can_reopen_case,      "not_applicant",             lambda s: (s["anonymous"], s.answered)),
    Case("reopen before every answer is in",    P.can_reopen_case,      "not_answered",              lambda s: (s["alice"], s.routed)),
    Case("reopen a grant application",          P.can_reopen_case,      "not_answered",              lambda s: (s["alice"], s.in_review)),
    Case("reopen a second time",                P.can_reopen_case,      "reopened_once",             lambda s: (s["alice"], s.answered_again)),
    # close a desk case as resolved (the enterprise)
    Case("close",                               P.can_close_case,       "",                          lambda s: (s["alice"], s.answered)),
    Case("close after the second answers",      P.can_close_case,       "",                          lambda s: (s["bob"], s.answered_again)),
    Case("close, outsider",                     P.can_close_case,       "not_applicant",             lambda s: (s["charlie"], s.answered)),
    Case("close, lead officer",                 P.can_close_case,       "not_applicant",             lambda s: (s["lead_officer"], s.answered)),
    Case("close, routed unit",                  P.can_close_case,       "not_applicant",             lambda s: (s["co_reviewer"], s.answered)),
    Case("close before every answer is in",     P.can_close_case,       "not_answered",              lambda s: (s["alice"], s.routed)),
    # read the units' internal notes
    Case("notes, lead",                         P.can_read_internal_notes, "",                       lambda s: (s["lead_officer"], s.routed)),
    Case("notes, routed unit",                  P.can_read_internal_notes, "",                       lambda s: (s["co_reviewer"], s.routed)),
    Case("notes, unit not routed",              P.can_read_internal_notes, "not_routed",             lambda s: (s["unrelated_officer"], s.routed)),
    Case("notes, applicant",                    P.can_read_internal_notes, "not_routed",             lambda s: (s["alice"], s.answered)),
    Case("notes, colleague",                    P.can_read_internal_notes, "not_routed",             lambda s: (s["bob"], s.answered)),
    Case("notes, outsider",                     P.can_read_internal_notes, "not_routed",             lambda s: (s["charlie"], s.answered)),
    Case("notes, administrator",                P.can_read_internal_notes, "not_routed",             lambda s: (s["administrator"], s.answered)),
    Case("notes, anonymous",                    P.can_read_internal_notes, "not_routed",             lambda s: (s["anonymous"], s.routed)),
    # read an application's thread
    Case("thread, applicant",                   P.can_view_thread,      "",                          lambda s: (s["alice"], s.in_review)),
    Case("thread, colleague",                   P.can_view_thread,      "",                          lambda s: (s["bob"], s.in_review)),
    Case("thread, applicant's draft",           P.can_view_thread,      "",                          lambda s: (s["alice"], s.draft)),
    Case("thread, lead officer",                P.can_view_thread,      "",                          lambda s: (s["lead_officer"], s.in_review)),
    Case("thread, co-reviewer",                 P.can_view_thread,      "",                          lambda s: (s["co_reviewer"], s.in_review)),
    Case("thread, finance with a budget task",  P.can_view_thread,      "",                          lambda s: (s["finance_officer"], s.in_review)),
    Case("thread, administrator",               P.can_view_thread,      "",                          lambda s: (s["administrator"], s.in_review)),
    Case("thread, desk unit routed",            P.can_view_thread,      "",                          lambda s: (s["co_reviewer"], s.routed)),
    Case("thread, co-reviewer before routing",  P.can_view_thread,      "not_in_thread",             lambda s: (s["co_reviewer"], s.submitted)),
    Case("thread, outsider",                    P.can_view_thread,      "not_in_thread",             lambda s: (s["charlie"], s.in_review)),
    Case("thread, commission without a task",   P.can_view_thread,      "not_in_thread",             lambda s: (s["unrelated_officer"], s.in_review)),
    Case("thread, expert",                      P.can_view_thread,      "not_in_thread",             lambda s: (s["expert"], s.wang.application)),
    Case("thread, inactive colleague",          P.can_view_thread,      "not_in_thread",             lambda s: (s["inactive_colleague"], s.in_review)),
    Case("thread, inactive officer",            P.can_view_thread,      "not_in_thread",             lambda s: (s["inactive_lead_officer"], s.in_review)),
    Case("thread, anonymous",                   P.can_view_thread,      "not_in_thread",             lambda s: (s["anonymous"], s.in_review)),
    # read its internal messages
    Case("internal, lead officer",              P.can_read_internal_messages, "",                    lambda s: (s["lead_officer"], s.in_review)),
    Case("internal, finance with a task",       P.can_read_internal_messages, "",                    lambda s: (s["finance_officer"], s.in_review)),
    Case("internal, administrator",             P.can_read_internal_messages, "",                    lambda s: (s["administrator"], s.in_review)),
    Case("internal, applicant",                 P.can_read_internal_messages, "officers_only",       lambda s: (s["alice"], s.in_review)),
    Case("internal, colleague",                 P.can_read_internal_messages, "officers_only",       lambda s: (s["bob"], s.in_review)),
    Case("internal, commission without a task", P.can_read_internal_messages, "officers_only",       lambda s: (s["unrelated_officer"], s.in_review)),
    Case("internal, expert",                    P.can_read_internal_messages, "officers_only",       lambda s: (s["expert"], s.wang.application)),
    # write on it
    Case("post, applicant",                     P.can_post_message,     "",                          lambda s: (s["alice"], s.in_review)),
    Case("post, colleague",                     P.can_post_message,     "",                          lambda s: (s["bob"], s.in_review)),
    Case("post, lead officer",                  P.can_post_message,     "",                          lambda s: (s["lead_officer"], s.in_review)),
    Case("post, finance with a task",           P.can_post_message,     "",                          lambda s: (s["finance_officer"], s.in_review)),
    Case("post on a draft",                     P.can_post_message,     "never_submitted",           lambda s: (s["alice"], s.draft)),
    Case("post, administrator",                 P.can_post_message,     "read_only",                 lambda s: (s["administrator"], s.in_review)),
    Case("post, outsider",                      P.can_post_message,     "not_in_thread",             lambda s: (s["charlie"], s.in_review)),
    Case("post, commission without a task",     P.can_post_message,     "not_in_thread",             lambda s: (s["unrelated_officer"], s.in_review)),
    Case("post, expert",                        P.can_post_message,     "not_in_thread",             lambda s: (s["expert"], s.wang.application)),
    # ask for a clarification
    Case("clarify, lead officer",               P.can_request_clarification, "",                     lambda s: (s["lead_officer"], s.in_review)),
    Case("clarify, co-reviewer",                P.can_request_clarification, "",                     lambda s: (s["co_reviewer"], s.in_review)),
    Case("clarify, finance officer",            P.can_request_clarification, "not_reviewing_officer", lambda s: (s["finance_officer"], s.in_review)),
    Case("clarify, commission without a task",  P.can_request_clarification, "not_reviewing_officer", lambda s: (s["unrelated_officer"], s.in_review)),
    Case("clarify, applicant",                  P.can_request_clarification, "not_reviewing_officer", lambda s: (s["alice"], s.in_review)),
    Case("clarify, administrator",              P.can_request_clarification, "not_reviewing_officer", lambda s: (s["administrator"], s.in_review)),
    # answer one
    Case("clarification answer, applicant",   P.can_answer_clarification, "",                      lambda s: (s["alice"], s.question)),
    Case("answer, colleague",                   P.can_answer_clarification, "",                      lambda s: (s["bob"], s.question)),
    Case("answer, outsider",                    P.can_answer_clarification, "not_applicant",         lambda s: (s["charlie"], s.question)),
    Case("answer, the officer who asked",       P.can_answer_clarification, "not_applicant",         lambda s: (s["lead_officer"], s.question)),
    Case("answer, administrator",               P.can_answer_clarification, "not_applicant",         lambda s: (s["administrator"], s.question)),
    Case("answer a plain message",              P.can_answer_clarification, "not_a_request",         lambda s: (s["alice"], s.plain_message)),
    Case("answer a clarification twice",      P.can_answer_clarification, "already_answered",      lambda s: (s["alice"], s.answered_question)),
]
# fmt: on


def test_every_can_function_has_allowed_and_refused_cases():
    assert_table_covers(CASES, can_functions(permissions))


@pytest.mark.parametrize("case", CASES, ids=str)
def test_can_function_answers_with_the_rules_code(case, world):
    assert_answer(case, Scene(world))
