"""Reads of review work. Every queue, task page and expert page starts here: a commission's staff
see their commission's tasks only, an expert only their own assignments."""

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from statistics import pstdev

from django.db.models import Avg, Count, Exists, F, Max, Min, OuterRef, Q, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from applications.models import Application, AuditEvent, Call, ProgramOutcome, State
from applications.selectors import get_application_for_user, visible_applications
from applications.workflow import Action
from portal.accounts.models import Commission, User
from portal.accounts.predicates import is_commission_staff, is_expert, is_officer_of
from reviews import clock
from reviews.models import AssignmentState, ExpertAssignment, ReviewTask, TaskKind, TaskState


def commission_tasks(user) -> QuerySet[ReviewTask]:
    if not is_commission_staff(user):
        return ReviewTask.objects.none()
    return ReviewTask.objects.filter(commission_id=user.commission_id).select_related(
        "application__organisation", "application__call__program", "commission", "assigned_to", "version"
    )


def queue(user, *, state: str = TaskState.OPEN) -> QuerySet[ReviewTask]:
    return commission_tasks(user).filter(state=state).order_by("due_on", "pk")


def get_task_for_user(user, pk) -> ReviewTask:
    task = commission_tasks(user).filter(pk=pk).first()
    if task is None:
        raise Http404
    return task


def application_tasks(application: Application) -> QuerySet[ReviewTask]:
    return application.tasks.select_related("commission", "completed_by", "assigned_to").order_by("created_at", "pk")


def has_officer(commission: Commission) -> bool:
    """Somebody who can give the commission's opinion is registered (active, with the officer role)."""
    members = User.objects.filter(commission=commission, is_active=True)
    return any(is_officer_of(member, commission) for member in members)


def unstaffed_opinions(application: Application) -> list[ReviewTask]:
    """Co-reviewers' open opinion tasks that nobody can answer: no officer of the commission is registered.
    They would hold the decision until their deadline; the lead sees them and may proceed without them."""
    tasks = application.tasks.filter(kind=TaskKind.OPINION, state=TaskState.OPEN, is_lead=False)
    return [task for task in tasks.select_related("commission") if not has_officer(task.commission)]


def get_routed_task_for_user(user, pk) -> ReviewTask:
    """A task of an application routed to the user's commission (any commission's task on it), else 404."""
    task = ReviewTask.objects.filter(pk=pk).select_related("commission").first()
    if task is None:
        raise Http404
    task.application = get_application_for_user(user, task.application_id)
    return task


def duplicate_filings(application: Application) -> QuerySet[Application]:
    """The organisation's other live filings for the same product key in the same overlap group."""
    return (
        Application.objects.filter(
            organisation_id=application.organisation_id,
            call__program__overlap_group=application.call.program.overlap_group,
            current_version__product_key__iexact=application.current_version.product_key,
        )
        .exclude(pk=application.pk)
        .exclude(state__in=[State.DRAFT, State.WITHDRAWN, State.REJECTED])
    )


def colleagues(user):
    if not user.commission_id:
        return User.objects.none()
    return User.objects.filter(commission_id=user.commission_id, is_active=True, role__in=["officer", "finance"])


# --- a service channel's case (reviews/desk.py) ---------------------------------------------------------


@dataclass(frozen=True)
class DeliveredAnswers:
    """The answers one `answered` step gave the enterprise: every unit the case was routed to, at once."""

    at: datetime
    answers: list[ReviewTask]


def visible_cases(user) -> QuerySet[Application]:
    """The service channels' cases `user` may see (applications.selectors decides who sees what)."""
    return visible_applications(user).filter(call__program__outcome=ProgramOutcome.CHANNEL)


def get_case_for_user(user, pk) -> Application:
    """A service channel's case, or 404 (for anyone who may not see it, and for any other application)."""
    case = visible_cases(user).filter(pk=pk).select_related("current_version").first()
    if case is None:
        raise Http404
    return case


def desk_tasks(application: Application) -> QuerySet[ReviewTask]:
    """A case's routing and answer tasks, oldest first (officers see them all, as they come)."""
    return application.tasks.filter(kind__in=[TaskKind.DESK_ROUTING, TaskKind.DESK_ANSWER]).select_related(
        "commission", "completed_by"
    )


def delivered_answers(application: Application) -> list[DeliveredAnswers]:
    """What the enterprise reads: the answers each `answered` step delivered, oldest first. An answer is
    delivered only with all the others of its routing, so the enterprise never reads one unit while another is
    still working on the case (the desk answers as one), and never an internal note."""
    events = list(application.events.filter(action=Action.ANSWERED, visible_to_applicant=True).order_by("at", "pk"))
    ids = [pk for event in events for pk in event.data.get("tasks", [])]
    tasks = {
        task.pk: task
        for task in application.tasks.filter(pk__in=ids, kind=TaskKind.DESK_ANSWER, state=TaskState.DONE)
        .select_related("commission")
        .defer("internal_note")
    }
    return [
        DeliveredAnswers(at=event.at, answers=[tasks[pk] for pk in event.data.get("tasks", []) if pk in tasks])
        for event in events
    ]


def undelivered_answers(application: Application) -> QuerySet[ReviewTask]:
    """Answers given since the last delivery (the ones the next `answered` step hands over)."""
    delivered = [
        pk
        for data in application.events.filter(action=Action.ANSWERED).values_list("data", flat=True)
        for pk in data.get("tasks", [])
    ]
    return (
        application.tasks.filter(kind=TaskKind.DESK_ANSWER, state=TaskState.DONE)
        .exclude(pk__in=delivered)
        .select_related("commission")
        .order_by("completed_at", "pk")
    )


def awaited_answers(application: Application) -> QuerySet[ReviewTask]:
    """The units a case is routed to that have not answered yet."""
    return application.tasks.filter(kind=TaskKind.DESK_ANSWER, state=TaskState.OPEN).select_related("commission")


def current_routing(application: Application) -> AuditEvent | None:
    """The lead's last routing of a case (its data: the units and the answers' deadline), while it waits for
    their answers. The enterprise reads which units and by when, not which of them has answered so far."""
    if application.state != State.ROUTED:
        return None
    return application.events.filter(action=Action.ROUTE).order_by("-at", "-pk").first()


def reopens_used(application: Application) -> int:
    return application.events.filter(action=Action.REOPEN).count()


def reopen_reasons(application: Application) -> QuerySet:
    """Why the enterprise reopened the case (it reads its own words; the lead and the units route and answer
    by them)."""
    return application.events.filter(action=Action.REOPEN).select_related("actor").order_by("at", "pk")


def is_routed_unit_staff(user, application: Application) -> bool:
    """Staff of a commission the case was routed to (a desk answer task exists for it)."""
    return (
        is_commission_staff(user)
        and application.tasks.filter(kind=TaskKind.DESK_ANSWER, commission_id=user.commission_id).exists()
    )


# --- experts ---------------------------------------------------------------------------------------


def expert_assignments(user) -> QuerySet[ExpertAssignment]:
    if not is_expert(user):
        return ExpertAssignment.objects.none()
    return ExpertAssignment.objects.filter(expert=user).select_related(
        "application__organisation", "application__call__program", "version"
    )


def get_assignment_for_user(user, pk) -> ExpertAssignment:
    assignment = expert_assignments(user).filter(pk=pk).first()
    if assignment is None:
        raise Http404
    return assignment


def score_summary(application: Application) -> dict:
    """Average, spread (lowest, highest, standard deviation) of the experts' weighted scores."""
    scored = application.expert_assignments.filter(state=AssignmentState.SCORED)
    values = [a.weighted_score for a in scored]
    summary = scored.aggregate(average=Avg("weighted_score"), low=Min("weighted_score"), high=Max("weighted_score"))
    summary["count"] = len(values)
    summary["stdev"] = Decimal(str(round(pstdev(values), 2))) if len(values) > 1 else None
    summary["assigned"] = application.expert_assignments.exclude(
        state__in=[AssignmentState.CONFLICT, AssignmentState.SAME_ORGANISATION, AssignmentState.CANCELLED]
    ).count()
    return summary


def call_ranking(call: Call) -> QuerySet[Application]:
    """The call's applications by average weighted expert score, best first (unscored last)."""
    scored = Q(expert_assignments__state=AssignmentState.SCORED)
    return (
        Application.objects.filter(call=call, expert_assignments__isnull=False)
        .select_related("organisation")
        .annotate(
            average=Avg("expert_assignments__weighted_score", filter=scored),
            scores=Count("expert_assignments", filter=scored),
        )
        .order_by(F("average").desc(nulls_last=True), "receipt_number")
    )


def today():
    return timezone.localdate()


# --- what applications/selectors asks of reviews (registered in reviews/apps.py) ----------------------


def routed_or_assigned(user, submitted: QuerySet[Application]) -> QuerySet[Application] | None:
    """What commission staff and experts see of the submitted files; None for anyone else.

    Staff: the applications routed to their commission (a task exists for it), not what the catalogue says
    today: routing is decided once, at submission and formal check. Experts: what they are assigned to and
    declared no conflict for."""
    if is_commission_staff(user):
        routed = ReviewTask.objects.filter(application=OuterRef("pk"), commission_id=user.commission_id)
        return submitted.filter(Exists(routed))
    if is_expert(user):
        assigned = ExpertAssignment.objects.filter(
            application=OuterRef("pk"), expert=user, state__in=[AssignmentState.OPEN, AssignmentState.SCORED]
        )
        return submitted.filter(Exists(assigned))
    return None


def stage_due_on() -> Subquery:
    """The deadline of the stage an application is in: its open task due first (the dashboard's column)."""
    open_tasks = ReviewTask.objects.filter(application=OuterRef("pk"), state=TaskState.OPEN).order_by("due_on")
    return Subquery(open_tasks.values("due_on")[:1])


# --- the thread of an application (reviews/threads.py) --------------------------------------------------


def holds_task(user, application: Application) -> bool:
    """Staff of a commission that holds (or held) a review task on the application: a desk case's units, the
    lead (whose project it becomes), co-reviewers and the Finance Bureau once routed to them."""
    return is_commission_staff(user) and application.tasks.filter(commission_id=user.commission_id).exists()


# --- a call's review stages, on its page (applications/call_pages.py) ---------------------------------------


def call_stages(call: Call) -> list[tuple[str, int]]:
    """The review stages a call's applications go through, in order, each named and with its working days
    (`clock.stage_days`: the call's, the program's, the defaults); shown on the call's page (registered with
    `applications.selectors.add_stage_clock`)."""
    program = call.program
    if program.is_channel:
        stages = [("desk_routing", TaskKind.DESK_ROUTING.label), ("desk_answer", TaskKind.DESK_ANSWER.label)]
    else:
        stages = [("formal_check", TaskKind.FORMAL_CHECK.label), ("department_review", State.DEPARTMENT_REVIEW.label)]
        if program.is_grant:
            stages.append(("budget_confirmation", TaskKind.BUDGET.label))
        if call.uses_expert_review:
            stages.append(("expert_review", State.EXPERT_REVIEW.label))
    return [(str(label), clock.stage_days(call, stage)) for stage, label in stages]
