"""Writes on the catalogue and calls. Keyword-only, typed, no request."""

from datetime import datetime
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Call, NoticeKind, Policy, Program, ProgramOutcome
from applications.permissions import can_confirm_policy_amounts
from portal.accounts.models import User
from portal.errors import ErrorCode, PortalError


def rubric_problems(rubric) -> list[str]:
    """What is wrong with a call's rubric: criteria with a code, both labels and a positive weight (experts
    score by it, reviews/services.score_submit)."""
    if not isinstance(rubric, list) or not rubric:
        return [_("A call with expert review needs a rubric of at least one criterion.")]
    problems, codes = [], set()
    for criterion in rubric:
        code = criterion.get("code") if isinstance(criterion, dict) else None
        if not code or code in codes:
            problems.append(_("Every criterion needs its own code."))
            continue
        codes.add(code)
        if not (criterion.get("label_en") and criterion.get("label_zh")):
            problems.append(_("Criterion %(code)s needs an English and a Chinese label.") % {"code": code})
        try:
            weight = Decimal(str(criterion.get("weight")))
        except ArithmeticError:
            weight = Decimal(0)
        if not weight.is_finite() or weight <= 0:
            problems.append(_("Criterion %(code)s needs a positive weight.") % {"code": code})
    return problems


@transaction.atomic
def call_create(
    *,
    program: Program,
    year: int,
    title_en: str,
    title_zh: str,
    opens_at: datetime,
    closes_at: datetime,
    budget: Decimal | None = None,
    uses_expert_review: bool = False,
    rubric: list | None = None,
    notice_kind: str = NoticeKind.WORKING_DAYS_5,
    max_applications_per_applicant: int | None = None,
    milestone_windows: dict | None = None,
    track_terms: dict | None = None,
    stage_deadlines: dict | None = None,
) -> Call:
    """Open a round on a program. Refused when the policy is not in force on the call's dates, when
    its amounts still await verification, when a track the policy leaves open gets no rate, or when a
    program that grants no money is given a budget or rates."""
    policy = program.policy
    errors: dict[str | None, list] = {}
    if closes_at <= opens_at:
        errors["closes_at"] = [_("A call must close after it opens.")]
    elif not (policy.in_force_on(opens_at.date()) and policy.in_force_on(closes_at.date())):
        errors[None] = [
            _("%(policy)s funds from %(start)s to %(end)s; a call on it must open and close within those dates.")
            % {"policy": policy.code, "start": policy.funding_starts, "end": policy.effective_to}
        ]
    if not policy.amounts_verified:
        raise PortalError(
            ErrorCode.AMOUNTS_NOT_VERIFIED,
            _("The amounts of %(policy)s are still to be verified against the official text; confirm them first.")
            % {"policy": policy.code},
        )
    track_terms = track_terms or {}
    # A recognition pays nothing: a budget or a rate on it would be read as money somewhere.
    if program.outcome == ProgramOutcome.RECOGNITION and (budget is not None or track_terms):
        errors["budget"] = [
            _("%(program)s grants a status, not money: its call has no budget and no rates.")
            % {"program": program.code}
        ]
    for track in program.tracks.all() if program.is_grant else []:
        terms = track_terms.get(track.code or "*", {}) or track_terms.get("*", {})
        if track.rate is None and terms.get("rate") is None:
            errors.setdefault("track_terms", []).append(
                _("The policy leaves the rate of %(track)s to each call: set it.") % {"track": str(track)}
            )
    if budget is not None and program.is_channel:
        errors["budget"] = [_("This program grants no money: its calls have no budget.")]
    if uses_expert_review and program.is_channel:
        errors["uses_expert_review"] = [_("A service channel's cases are answered by units, not scored by experts.")]
    elif uses_expert_review:
        problems = rubric_problems(rubric)
        if problems:
            errors["rubric"] = problems
    if errors:
        raise PortalError(ErrorCode.POLICY_NOT_IN_FORCE if None in errors else ErrorCode.INVALID, errors=errors)
    return Call.objects.create(
        program=program,
        year=year,
        title_en=title_en,
        title_zh=title_zh,
        opens_at=opens_at,
        closes_at=closes_at,
        budget=budget,
        uses_expert_review=uses_expert_review,
        rubric=rubric or [],
        notice_kind=notice_kind,
        max_applications_per_applicant=max_applications_per_applicant,
        milestone_windows=milestone_windows or {},
        track_terms=track_terms,
        stage_deadlines=stage_deadlines or {},
    )


@transaction.atomic
def policy_confirm_amounts(*, policy_code: str, by: User, against: str) -> Policy:
    """An administrator's confirmation that a policy's amounts match the official text, recorded with who,
    when and which text; nobody else verifies them (a call opens only on verified amounts)."""
    policy = Policy.objects.select_for_update().get(code=policy_code)
    allowed, reason = can_confirm_policy_amounts(by, policy)
    if not allowed:
        raise PortalError(ErrorCode.NOT_ALLOWED, reason)
    against = against.strip()
    if not against:
        raise PortalError(
            ErrorCode.INVALID, _("Name the official text the amounts were checked against."), field="against"
        )
    policy.amounts_verified = True
    policy.amounts_verified_by = by
    policy.amounts_verified_at = timezone.now()
    policy.amounts_verified_against = against[:300]
    policy.save(
        update_fields=["amounts_verified", "amounts_verified_by", "amounts_verified_at", "amounts_verified_against"]
    )
    return policy
