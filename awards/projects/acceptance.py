"""Acceptance (验收): the enterprise applies at the end with its final report, the audited spending and the
indicators reached; the lead commission checks it alone or with an expert panel (the experts' machinery of
reviews: a declaration of conflicts before the file opens, the rubric, weighted scores) and decides passed,
passed with conditions or failed, with reasons. Passing releases the last instalment; failing cancels what is
unpaid and proposes the clawback of what was paid (clawbacks.py)."""

from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import money
from awards.projects import documents, permissions
from awards.projects.instalments import cancel_unpaid
from awards.projects.lifecycle import ProjectAction, lock, project_step
from awards.projects.models import (
    Acceptance,
    AcceptanceOutcome,
    ClawbackProposal,
    DocumentKind,
    PanelAssignment,
    Project,
    ProjectState,
)
from awards.projects.progress import indicators_of
from awards.projects.statements import TEXT_LIMIT
from awards.projects.terms import terms_for
from portal.accounts.models import User
from portal.accounts.predicates import is_expert
from portal.amounts import amount_for
from portal.errors import ErrorCode, PortalError
from reviews.clock import add_working_days, stage_due
from reviews.models import AssignmentState
from reviews.services import rubric_scores, weighted

OUTCOME_STATES = {
    AcceptanceOutcome.PASSED: ProjectState.PASSED,
    AcceptanceOutcome.PASSED_WITH_CONDITIONS: ProjectState.PASSED_WITH_CONDITIONS,
    AcceptanceOutcome.FAILED: ProjectState.FAILED,
}
WAITING = (AssignmentState.AWAITING_DECLARATION, AssignmentState.OPEN)


def _refuse(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PortalError(ErrorCode.NOT_ALLOWED, reason)


def current(project: Project) -> Acceptance | None:
    return project.acceptances.order_by("-number").first()


@transaction.atomic
def acceptance_apply(*, project: Project, by: User, summary: str, audited_spending, achieved: dict) -> Acceptance:
    project = lock(project)
    _refuse(permissions.can_apply_for_acceptance(by, project))
    problems: dict[str, list] = {}
    summary = (summary or "").strip().replace("\x00", "")[:TEXT_LIMIT]
    if not summary:
        problems["summary"] = [_("Give the final report: what the project achieved against its goals.")]
    try:
        spending = amount_for(audited_spending, field="audited_spending")
    except PortalError as error:
        problems.update(error.errors)
        spending = None
    achieved = {i["key"]: str(achieved.get(i["key"], "")).strip()[:100] for i in indicators_of(project)}
    for indicator in indicators_of(project):
        if not achieved[indicator["key"]]:
            problems[f"achieved_{indicator['key']}"] = [
                _("Give the value reached for “%(name)s”.") % {"name": indicator["name"]}
            ]
    drafts = list(documents.draft_acceptance_documents(project))
    for kind in documents.ACCEPTANCE_KINDS:
        if not any(d.kind == kind for d in drafts):
            problems.setdefault("file", []).append(
                _("Attach the %(document)s.") % {"document": str(DocumentKind(kind).label).lower()}
            )
    if problems:
        raise PortalError(ErrorCode.INVALID, errors=problems)
    acceptance = Acceptance.objects.create(
        project=project,
        number=project.acceptances.count() + 1,
        summary=summary,
        audited_spending=spending,
        achieved=achieved,
        applied_by=by,
    )
    documents.draft_acceptance_documents(project).update(acceptance=acceptance)
    due = add_working_days(timezone.localdate(), terms_for(project.call).review_days)
    project_step(
        project=project,
        action=ProjectAction.ACCEPTANCE_APPLIED,
        by=by,
        data={"acceptance": acceptance.number, "audited_spending": str(spending), "review_due_on": due.isoformat()},
        review_due_on=due,
    )
    return acceptance


@transaction.atomic
def acceptance_return(*, project: Project, by: User, reason: str) -> Project:
    project = lock(project)
    acceptance = current(project)
    project_step(
        project=project,
        action=ProjectAction.ACCEPTANCE_RETURNED,
        by=by,
        reason=reason,
        data={"acceptance": acceptance.number if acceptance else None},
        review_due_on=None,
    )
    Acceptance.objects.filter(pk=acceptance.pk).update(returned=True, decided_by=by, decided_at=timezone.now())
    return project


@transaction.atomic
def panel_send(*, project: Project, by: User, experts: list[User]) -> list[PanelAssignment]:
    """A seat for each expert chosen; an expert of the funded organisation is excluded at once."""
    project = lock(project)
    _refuse(permissions.can_send_to_panel(by, project))
    experts = [e for e in experts if is_expert(e)]
    if not experts:
        raise PortalError(ErrorCode.REQUIRED, _("Choose the experts of the panel."), field="experts")
    if all(e.organisation_id == project.organisation_id for e in experts):
        raise PortalError(
            ErrorCode.INVALID, _("Every expert chosen belongs to the funded organisation."), field="experts"
        )
    acceptance = current(project)
    due = stage_due(project.call, "expert_review", timezone.localdate())
    seats = [
        PanelAssignment.objects.create(
            acceptance=acceptance,
            project=project,
            expert=expert,
            due_on=due,
            state=AssignmentState.SAME_ORGANISATION
            if expert.organisation_id == project.organisation_id
            else AssignmentState.AWAITING_DECLARATION,
        )
        for expert in experts
    ]
    project_step(
        project=project,
        action=ProjectAction.SENT_TO_PANEL,
        by=by,
        data={"experts": [e.username for e in experts], "due_on": due.isoformat()},
        review_due_on=due,
    )
    return seats


def _locked_seat(seat: PanelAssignment) -> PanelAssignment:
    project = lock(seat.project_id)
    seat = PanelAssignment.objects.select_for_update(of=("self",)).get(pk=seat.pk)
    seat.project = project
    return seat


@transaction.atomic
def panel_declare(*, seat: PanelAssignment, by: User, has_conflict: bool, note: str = "") -> PanelAssignment:
    seat = _locked_seat(seat)
    _refuse(permissions.can_declare_on_panel(by, seat))
    note = (note or "").strip()[:2000]
    if has_conflict and not note:
        raise PortalError(ErrorCode.REQUIRED, _("Say what the conflict of interest is."), field="note")
    project_step(
        project=seat.project,
        action=ProjectAction.PANEL_DECLARED,
        by=by,
        subject=seat,
        to=AssignmentState.CONFLICT if has_conflict else AssignmentState.OPEN,
        reason=note,
        data={"conflict": has_conflict},
        declared_at=timezone.now(),
        conflict_note=note,
    )
    return seat


def rubric_of(project: Project) -> list[dict]:
    return terms_for(project.call).acceptance_rubric


@transaction.atomic
def panel_score(*, seat: PanelAssignment, by: User, scores: dict, comment: str = "") -> PanelAssignment:
    seat = _locked_seat(seat)
    _refuse(permissions.can_score_on_panel(by, seat))
    rubric = rubric_of(seat.project)
    clean = rubric_scores(rubric, scores)
    total = weighted(rubric, clean)
    project_step(
        project=seat.project,
        action=ProjectAction.PANEL_SCORED,
        by=by,
        subject=seat,
        data={"weighted_score": str(total)},
        scores=clean,
        weighted_score=total,
        comment=(comment or "").strip()[:4000],
        scored_at=timezone.now(),
    )
    return seat


def panel_summary(acceptance: Acceptance | None) -> dict:
    """The panel's weighted scores: count, average, lowest and highest (reviews.selectors.score_summary's
    figures, for the acceptance's seats)."""
    seats = list(acceptance.panel.select_related("expert")) if acceptance else []
    scored = [s.weighted_score for s in seats if s.state == AssignmentState.SCORED]
    return {
        "seats": seats,
        "count": len(scored),
        "average": (sum(scored) / len(scored)).quantize(Decimal("0.01")) if scored else None,
        "low": min(scored) if scored else None,
        "high": max(scored) if scored else None,
        "waiting": [s for s in seats if s.state in WAITING],
    }


@transaction.atomic
def acceptance_decide(
    *, project: Project, by: User, outcome: str, reasons: str, conditions: str = "", fraud: bool = False
) -> Project:
    project = lock(project)
    _refuse(permissions.can_decide_acceptance(by, project))
    if outcome not in OUTCOME_STATES:
        raise PortalError(ErrorCode.INVALID, _("Choose passed, passed with conditions or failed."), field="outcome")
    conditions = (conditions or "").strip()[:TEXT_LIMIT]
    if outcome == AcceptanceOutcome.PASSED_WITH_CONDITIONS and not conditions:
        raise PortalError(ErrorCode.REQUIRED, _("Say what the conditions are."), field="conditions")
    if fraud and outcome != AcceptanceOutcome.FAILED:
        raise PortalError(ErrorCode.INVALID, _("A project found to be fraudulent fails."), field="fraud")
    acceptance = current(project)
    today = timezone.localdate()
    if project.state == ProjectState.ACCEPTANCE_PANEL:
        waiting = acceptance.panel.filter(state__in=WAITING, due_on__gte=today)
        if waiting.exists():
            raise PortalError(
                ErrorCode.SCORES_MISSING,
                _("Waiting for %(n)s expert score(s) (or for the experts' deadline to pass).") % {"n": waiting.count()},
            )
        # The panel is over: seats never answered leave the experts' lists.
        acceptance.panel.filter(state__in=WAITING).update(state=AssignmentState.CANCELLED)
    project_step(
        project=project,
        action=ProjectAction.ACCEPTANCE_DECIDED,
        by=by,
        to=OUTCOME_STATES[outcome],
        reason=reasons,
        data={"acceptance": acceptance.number, "outcome": outcome, "fraud": fraud, "conditions": conditions},
        conditions=conditions,
        review_due_on=None,
    )
    acceptance.outcome, acceptance.reasons, acceptance.fraud = outcome, project_reason(reasons), fraud
    acceptance.decided_by, acceptance.decided_at = by, timezone.now()
    acceptance.save(update_fields=["outcome", "reasons", "fraud", "decided_by", "decided_at"])
    if outcome == AcceptanceOutcome.FAILED:
        _failed(project, reasons=project_reason(reasons), fraud=fraud)
    return project


def project_reason(text: str) -> str:
    return (text or "").strip()[:TEXT_LIMIT]


def _failed(project: Project, *, reasons: str, fraud: bool) -> None:
    """Nothing more is paid; what was paid is proposed for clawback (Finance records the repayment). Fraud with
    nothing paid still brings the credit record and the ban."""
    cancel_unpaid(project)
    award = project.award
    award.refresh_from_db(fields=["paid", "clawed_back"])
    owed = award.paid - award.clawed_back
    if owed > 0:
        project_step(
            project=project,
            action=ProjectAction.CLAWBACK_PROPOSED,
            by=None,
            subject=ClawbackProposal(project=project, amount=owed, grounds=reasons, fraud=fraud),
            data={"amount": str(owed), "fraud": fraud},
        )
    elif fraud:
        money.fraud_ban(organisation_id=project.organisation_id)


@transaction.atomic
def conditions_confirm(*, project: Project, by: User, reason: str) -> Project:
    project = lock(project)
    _refuse(permissions.can_confirm_conditions(by, project))
    project_step(project=project, action=ProjectAction.CONDITIONS_MET, by=by, reason=reason)
    return project
