"""Writes of review work that are not steps of the application's lifecycle: opinions, budget
confirmation, assignment, experts' declarations and scores. Keyword-only, typed, no request.

Each locks the application row first (the same lock `workflow.transition` takes), so an opinion and a
decision on one application never interleave, and writes an internal AuditEvent.
"""

from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import workflow
from applications.models import Application, AuditEvent, Call
from portal.accounts.models import User
from portal.accounts.predicates import is_expert
from portal.errors import ErrorCode, PortalError
from reviews import permissions
from reviews.models import AssignmentState, CallExpert, ExpertAssignment, Outcome, ReviewTask
from reviews.selectors import awaited_answers

MAX_ANSWER_LENGTH = 4000


class ReviewAction(StrEnum):
    """The audit events of these services: review work recorded on the application, never a move."""

    OPINION = "opinion"
    BUDGET_CONFIRMATION = "budget_confirmation"
    CONFLICT_DECLARED = "conflict_declared"
    SCORED = "scored"
    OPINION_WAIVED = "opinion_waived"
    DESK_ANSWER = "desk_answer"


def _refuse(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PortalError(ErrorCode.NOT_ALLOWED, reason)


def _lock(application_id: int) -> Application:
    return Application.objects.select_for_update().get(pk=application_id)


def _audit(application: Application, *, by: User, action: ReviewAction, reason: str = "", data=None, version=None):
    return AuditEvent.record(
        application=application, by=by, action=action, reason=reason, data=data, version=version, public=False
    )


@transaction.atomic
def opinion_give(*, task: ReviewTask, by: User, opinion: str, reasons: str = "") -> ReviewTask:
    _lock(task.application_id)
    task = (
        ReviewTask.objects.select_for_update(of=("self",)).select_related("application", "commission").get(pk=task.pk)
    )
    _refuse(permissions.can_give_opinion(by, task))
    if opinion not in (Outcome.SUPPORT, Outcome.OBJECT):
        raise PortalError(ErrorCode.INVALID, _("Choose support or object."), field="opinion")
    reasons = (reasons or "").strip()
    if opinion == Outcome.OBJECT and not reasons:
        raise PortalError(ErrorCode.REQUIRED, _("An objection needs its reasons."), field="reasons")
    task.close(by=by, outcome=opinion, reasons=reasons)
    _audit(
        task.application,
        by=by,
        action=ReviewAction.OPINION,
        reason=reasons,
        data={"commission": task.commission.code, "opinion": opinion},
    )
    return task


@transaction.atomic
def opinion_waive(*, task: ReviewTask, by: User, reason: str) -> ReviewTask:
    """The lead proceeds without a co-reviewer's opinion that nobody is registered to give; why is recorded
    on the task and in the (internal) audit trail. The decision then no longer waits for it."""
    _lock(task.application_id)
    task = (
        ReviewTask.objects.select_for_update(of=("self",)).select_related("application", "commission").get(pk=task.pk)
    )
    _refuse(permissions.can_proceed_without_opinion(by, task))
    reason = (reason or "").strip()
    if not reason:
        raise PortalError(ErrorCode.REQUIRED, _("Say why the decision proceeds without this opinion."), field="reason")
    # Not an answer of that commission: untimed, so the on-time figures do not count it.
    task.close(by=by, outcome=Outcome.WAIVED, reasons=reason, timed=False)
    _audit(
        task.application,
        by=by,
        action=ReviewAction.OPINION_WAIVED,
        reason=reason,
        data={"commission": task.commission.code, "no_officer": True},
    )
    return task


@transaction.atomic
def answer_give(*, task: ReviewTask, by: User, answer: str, internal_note: str = "") -> ReviewTask:
    """A routed unit's answer to a desk case, in the officer's own words (and language); the internal note goes to
    the lead and the other units only. The last answer in takes the case's `answered` step, which hands every
    answer to the enterprise at once and notifies it (reviews/desk.py)."""
    _lock(task.application_id)
    task = (
        ReviewTask.objects.select_for_update(of=("self",))
        .select_related("application__call__program", "commission")
        .get(pk=task.pk)
    )
    _refuse(permissions.can_answer_task(by, task))
    answer, internal_note = (answer or "").strip(), (internal_note or "").strip()
    if not answer:
        raise PortalError(ErrorCode.REQUIRED, _("Write the answer the enterprise will read."), field="answer")
    for field, text in (("answer", answer), ("internal_note", internal_note)):
        if len(text) > MAX_ANSWER_LENGTH:
            raise PortalError(ErrorCode.INVALID, _("At most %(n)s characters.") % {"n": MAX_ANSWER_LENGTH}, field=field)
    task.close(by=by, outcome=Outcome.ANSWERED, reasons=answer, internal_note=internal_note)
    _audit(task.application, by=by, action=ReviewAction.DESK_ANSWER, data={"commission": task.commission.code})
    if not awaited_answers(task.application).exists():
        workflow.transition(application=task.application, action=workflow.Action.ANSWERED, by=None)
    return task


@transaction.atomic
def budget_confirm(*, task: ReviewTask, by: User, confirmed: bool, note: str = "") -> ReviewTask:
    _lock(task.application_id)
    task = (
        ReviewTask.objects.select_for_update(of=("self",)).select_related("application", "commission").get(pk=task.pk)
    )
    _refuse(permissions.can_confirm_budget(by, task))
    note = (note or "").strip()
    if not confirmed and not note:
        raise PortalError(ErrorCode.REQUIRED, _("Say why the budget is not available."), field="note")
    task.close(by=by, outcome=Outcome.CONFIRMED if confirmed else Outcome.NOT_CONFIRMED, reasons=note)
    _audit(task.application, by=by, action=ReviewAction.BUDGET_CONFIRMATION, reason=note, data={"confirmed": confirmed})
    return task


@transaction.atomic
def tasks_assign(*, tasks: list[ReviewTask], assignee: User | None, by: User) -> int:
    """Assign (or, with None, release) several tasks at once; all or none."""
    locked = list(
        ReviewTask.objects.select_for_update(of=("self",))
        .select_related("commission")
        .filter(pk__in=[t.pk for t in tasks])
    )
    for task in locked:
        _refuse(permissions.can_assign_task(by, task, assignee))
    for task in locked:
        task.assigned_to = assignee
        task.save(update_fields=["assigned_to"])
    return len(locked)


@transaction.atomic
def expert_invite(*, call: Call, expert: User, by: User) -> CallExpert:
    _refuse(permissions.can_invite_expert(by))
    if not is_expert(expert):
        raise PortalError(ErrorCode.INVALID, _("Only an active expert reviewer can be invited."), field="expert")
    if not call.uses_expert_review:
        raise PortalError(ErrorCode.INVALID, _("This call does not use expert review."), field="call")
    invited, _created = CallExpert.objects.get_or_create(call=call, expert=expert, defaults={"invited_by": by})
    return invited


@transaction.atomic
def conflict_declare(*, assignment: ExpertAssignment, by: User, has_conflict: bool, note: str = "") -> ExpertAssignment:
    application = _lock(assignment.application_id)
    assignment = ExpertAssignment.objects.select_for_update().get(pk=assignment.pk)
    _refuse(permissions.can_declare_conflict(by, assignment))
    note = (note or "").strip()
    if has_conflict and not note:
        raise PortalError(ErrorCode.REQUIRED, _("Say what the conflict of interest is."), field="note")
    assignment.state = AssignmentState.CONFLICT if has_conflict else AssignmentState.OPEN
    assignment.declared_at, assignment.conflict_note = timezone.now(), note
    assignment.save()
    _audit(application, by=by, action=ReviewAction.CONFLICT_DECLARED, reason=note, data={"conflict": has_conflict})
    return assignment


def weighted(rubric: list[dict], scores: dict[str, int]) -> Decimal:
    total_weight = sum(Decimal(str(c["weight"])) for c in rubric)
    total = sum(Decimal(str(c["weight"])) * Decimal(scores[c["code"]]) for c in rubric)
    return (total / total_weight).quantize(Decimal("0.01"), rounding=ROUND_DOWN)


def rubric_scores(rubric: list[dict], scores: dict) -> dict[str, int]:
    """A whole number from 0 to 100 for each criterion of the rubric, or PortalError naming the criteria that
    lack one (an acceptance panel scores on its own rubric with this too: awards/projects/acceptance.py)."""
    errors: dict[str, list] = {}
    clean: dict[str, int] = {}
    for criterion in rubric:
        raw = scores.get(criterion["code"])
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            value = None
        if value is None or not 0 <= value <= 100:
            errors[criterion["code"]] = [_("Give a whole number from 0 to 100.")]
        else:
            clean[criterion["code"]] = value
    if errors:
        raise PortalError(ErrorCode.INVALID, errors=errors)
    return clean


@transaction.atomic
def score_submit(*, assignment: ExpertAssignment, by: User, scores: dict, comment: str = "") -> ExpertAssignment:
    application = _lock(assignment.application_id)
    assignment = (
        ExpertAssignment.objects.select_for_update(of=("self",)).select_related("application").get(pk=assignment.pk)
    )
    _refuse(permissions.can_score(by, assignment))
    rubric = application.call.rubric
    clean = rubric_scores(rubric, scores)
    assignment.scores, assignment.weighted_score = clean, weighted(rubric, clean)
    assignment.comment, assignment.scored_at = (comment or "").strip(), timezone.now()
    assignment.state = AssignmentState.SCORED
    assignment.save()
    _audit(application, by=by, action=ReviewAction.SCORED, data={"weighted_score": str(assignment.weighted_score)})
    return assignment
