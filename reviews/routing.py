"""Which commission does what, and when: the effects of the workflow's steps on review work.

Who reviews comes from the catalogue (a program's lead and co-reviewers, and the commissions that
confirm budgets), never from code. Each function here runs inside `applications.workflow.transition`,
after its checks and under its row lock, and returns (version, audit data).
"""

from django.db.models import Exists, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from applications.models import Application, Program, ProgramOutcome, State
from portal.accounts.models import Commission, User
from portal.bilingual import localized
from portal.errors import ErrorCode, PortalError
from reviews import desk
from reviews.checklist import CODES
from reviews.clock import stage_due
from reviews.models import EXCLUDED, AssignmentState, CallExpert, ExpertAssignment, Outcome, ReviewTask, TaskKind
from reviews.models import TaskState as T


def _today():
    return timezone.localdate()


def open_tasks(application: Application, kind: str | None = None):
    tasks = ReviewTask.objects.filter(application=application, state=T.OPEN)
    return tasks.filter(kind=kind) if kind else tasks


def on_submitted(*, application: Application, by: User, **_payload):
    """A (re)submitted version goes to the lead commission: to its formal check, or, a service channel's case, to
    be routed to the units concerned (desk.py)."""
    program = application.call.program
    if program.is_channel:
        return desk.on_case_opened(application=application)
    ReviewTask.objects.create(
        application=application,
        version=application.current_version,
        commission_id=program.lead_id,
        kind=TaskKind.FORMAL_CHECK,
        is_lead=True,
        due_on=stage_due(application.call, "formal_check", _today()),
    )
    return None, {"routed_to": [program.lead.code]}


def on_formal_check_started(*, application: Application, by: User, **_payload):
    task = open_tasks(application, TaskKind.FORMAL_CHECK).select_for_update().first()
    if task is not None and task.assigned_to_id is None:
        task.assigned_to = by
        task.save(update_fields=["assigned_to"])
    return None, {}


def _checklist_from(payload: dict) -> dict:
    return {code: bool(payload.get("checklist", {}).get(code)) for code in CODES}


def on_returned(*, application: Application, by: User, reason: str = "", **payload):
    checklist = _checklist_from(payload)
    for task in open_tasks(application, TaskKind.FORMAL_CHECK).select_for_update():
        task.close(by=by, outcome=Outcome.RETURNED, reasons=reason, checklist=checklist)
    return None, {"checklist": checklist}


def on_formal_check_passed(*, application: Application, by: User, **payload):
    """Every item of the checklist holds: parallel review tasks for the lead and each co-reviewing
    commission, and, where the program grants money, a budget-confirmation task for each commission that
    confirms budgets (a recognition has no budget: FIN, listed by a clause for its money, gets no task)."""
    checklist = _checklist_from(payload)
    failing = [item for item, ok in checklist.items() if not ok]
    if failing:
        raise PortalError(
            ErrorCode.INVALID,
            _("Every item of the checklist must hold to pass the formal check; otherwise return it for correction."),
            field="checklist",
        )
    for task in open_tasks(application, TaskKind.FORMAL_CHECK).select_for_update():
        task.close(by=by, outcome=Outcome.PASSED, checklist=checklist)
    program, call = application.call.program, application.call
    today = _today()
    reviewers = [program.lead, *[c for c in program.co_reviewers.all() if not c.confirms_budget]]
    for commission in reviewers:
        ReviewTask.objects.create(
            application=application,
            version=application.current_version,
            commission=commission,
            kind=TaskKind.OPINION,
            is_lead=commission.pk == program.lead_id,
            due_on=stage_due(call, "department_review", today),
        )
    budget = list(Commission.objects.filter(confirms_budget=True)) if program.is_grant else []
    for commission in budget:
        ReviewTask.objects.create(
            application=application,
            version=application.current_version,
            commission=commission,
            kind=TaskKind.BUDGET,
            due_on=stage_due(call, "budget_confirmation", today),
        )
    return None, {"checklist": checklist, "routed_to": [c.code for c in reviewers + budget]}


def programs_reviewed_by(commission_id: int | None) -> QuerySet[Program]:
    """The programs whose applications the routing above brings to a commission: those it leads or
    co-reviews with an opinion, every program that grants money for a commission that confirms budgets, and
    the service channels whose cases may be routed to it."""
    confirms_budget = Exists(Commission.objects.filter(pk=commission_id, confirms_budget=True))
    return Program.objects.filter(
        Q(lead_id=commission_id)
        | (Q(co_reviewers__id=commission_id) & ~Q(confirms_budget))
        | (Q(confirms_budget) & Q(outcome=ProgramOutcome.GRANT))
        | desk.programs_routable_to(commission_id)
    )


def on_withdrawn(*, application: Application, by: User, **_payload):
    open_tasks(application).cancel()
    application.expert_assignments.exclude(state__in=EXCLUDED).exclude(state=AssignmentState.SCORED).update(
        state=AssignmentState.CANCELLED
    )
    return None, {}


# --- before the decision ----------------------------------------------------------------------------


def missing_opinions(application: Application, *, today=None) -> list[ReviewTask]:
    """Co-reviewers' opinion tasks still open and not yet past their deadline: they block a decision."""
    today = today or _today()
    return list(
        open_tasks(application, TaskKind.OPINION).filter(is_lead=False, due_on__gte=today).select_related("commission")
    )


def budget_confirmed(application: Application) -> bool:
    tasks = ReviewTask.objects.filter(application=application, kind=TaskKind.BUDGET).exclude(state=T.CANCELLED)
    return tasks.exists() and not tasks.exclude(outcome=Outcome.CONFIRMED).exists()


def missing_scores(application: Application, *, today=None) -> list[ExpertAssignment]:
    today = today or _today()
    return list(
        application.expert_assignments.filter(
            state__in=[AssignmentState.AWAITING_DECLARATION, AssignmentState.OPEN], due_on__gte=today
        ).select_related("expert")
    )


def _require_opinions(application: Application) -> None:
    missing = missing_opinions(application)
    if missing:
        raise PortalError(
            ErrorCode.OPINIONS_MISSING,
            _("Waiting for the opinion of %(commissions)s (or for their deadline to pass).")
            % {"commissions": pgettext("list separator", ", ").join(localized(t.commission, "name") for t in missing)},
        )


def on_sent_to_experts(*, application: Application, by: User, **_payload):
    call = application.call
    if not call.uses_expert_review:
        raise PortalError(ErrorCode.INVALID, _("This call does not use expert review."))
    _require_opinions(application)
    experts = CallExpert.objects.filter(call=call).select_related("expert")
    if not experts:
        raise PortalError(ErrorCode.INVALID, _("No expert is invited to this call yet; an administrator invites them."))
    due = stage_due(call, "expert_review", _today())
    for invited in experts:
        same = (
            invited.expert.organisation_id is not None and invited.expert.organisation_id == application.organisation_id
        )
        ExpertAssignment.objects.get_or_create(
            application=application,
            expert=invited.expert,
            defaults={
                "version": application.current_version,
                "due_on": due,
                "state": AssignmentState.SAME_ORGANISATION if same else AssignmentState.AWAITING_DECLARATION,
            },
        )
    return None, {"experts": len(experts)}


def check_decision_ready(application: Application, *, approving: bool) -> None:
    """The lead decides only when every co-reviewer has given an opinion or let its deadline pass,
    the experts have scored (or their deadline passed) where the call uses them, and, to approve a grant,
    the budget is confirmed."""
    _require_opinions(application)
    if application.state == State.DEPARTMENT_REVIEW and application.call.uses_expert_review and approving:
        raise PortalError(
            ErrorCode.INVALID, _("This call uses expert review: send the application to the experts first.")
        )
    if application.state == State.EXPERT_REVIEW:
        waiting = missing_scores(application)
        if waiting:
            raise PortalError(
                ErrorCode.SCORES_MISSING,
                _("Waiting for %(n)s expert score(s) (or for the experts' deadline to pass).") % {"n": len(waiting)},
            )
    if approving and application.call.program.is_grant and not budget_confirmed(application):
        raise PortalError(ErrorCode.BUDGET_NOT_CONFIRMED, _("The Finance Bureau has not confirmed the budget yet."))
