"""The award estimate (what-if) of SPEC §6: one path from a request to the engine's answer, shared by
the API, the CLI and the public page."""

from dataclasses import dataclass, replace
from datetime import date, datetime
from decimal import Decimal

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from rest_framework import serializers

from applications import facts as facts_codec
from applications.estimator import Estimate, Estimator
from applications.facts import estimate_schema
from applications.models import Application, Call, Policy, Program, ProgramOutcome, Track
from applications.selectors import find_track, open_call_for, programs_with_tracks
from awards.engine import Context, Result, compute, failed_conditions, needs_register
from awards.explain import reason_text, result_as_json
from awards.register import recognised_for
from awards.rules import rule_for
from portal.amounts import AmountSerializerField
from portal.bilingual import localized
from portal.errors import ErrorCode, PortalError


class EstimateContextSerializer(serializers.Serializer):
    awarded_this_year = AmountSerializerField(required=False, default=Decimal(0))
    awarded_in_overlap_group = AmountSerializerField(required=False, default=Decimal(0))
    call_budget_left = AmountSerializerField(required=False, allow_null=True, default=None)
    recommended_amount = AmountSerializerField(required=False, allow_null=True, default=None)
    recommendation_reason = serializers.CharField(required=False, allow_blank=True, default="", max_length=500)


class EstimateRequestSerializer(serializers.Serializer):
    """The shape of the request; what the facts must be depends on the program, checked afterwards."""

    program = serializers.CharField(max_length=40)
    track = serializers.CharField(max_length=40, required=False, allow_blank=True, allow_null=True, default="")
    facts = serializers.JSONField()
    context = EstimateContextSerializer(required=False)


def estimable_programs() -> QuerySet[Program]:
    """The programs the estimate offers: those that pay money (a recognition or a service channel pays none)."""
    return programs_with_tracks().filter(outcome=ProgramOutcome.GRANT)


def _refuse_without_money(program: Program) -> None:
    if program.is_channel:
        raise PortalError(
            ErrorCode.NOT_A_GRANT,
            _("%(code)s grants no money (%(outcome)s): there is no award to estimate.")
            % {"code": program.code, "outcome": program.get_outcome_display()},
            field="program",
        )
    if not program.is_grant:
        raise PortalError(
            ErrorCode.NOT_A_GRANT,
            _("%(program)s grants a status (a listing or a recognition), not money: there is no award to estimate.")
            % {"program": program.code},
            field="program",
        )


def resolve_track(program_code: str, track_code: str | None) -> Track:
    track_code = track_code or ""
    track = find_track(program_code, track_code)
    if track is not None:
        _refuse_without_money(track.program)
        return track
    program = Program.objects.filter(code=program_code).prefetch_related("tracks").first()
    if program is None:
        raise PortalError(
            ErrorCode.UNKNOWN_PROGRAM,
            _("There is no program “%(code)s”. The programs are listed on the estimate page.") % {"code": program_code},
            field="program",
        )
    _refuse_without_money(program)
    codes = [t.code for t in program.tracks.all()]
    if codes == [""]:
        message = _("Program %(program)s has a single track; leave the track out.")
        raise PortalError(ErrorCode.UNKNOWN_TRACK, message % {"program": program.code}, field="track")
    message = (
        _("Program %(program)s has the tracks %(tracks)s.")
        if track_code
        else _("Program %(program)s pays by track; choose one of %(tracks)s.")
    )
    raise PortalError(
        ErrorCode.UNKNOWN_TRACK if track_code else ErrorCode.TRACK_REQUIRED,
        message % {"program": program.code, "tracks": ", ".join(codes)},
        field="track",
    )


MILESTONE = "milestone_date"


def policy_ended(policy: Policy, today: date | None = None) -> bool:
    return policy.effective_to < (today or timezone.localdate())


def estimate_facts_schema(track: Track, today: date | None = None) -> list[dict]:
    """The facts the estimate asks for: the track's own (what its formula and conditions read), no filing
    identifiers, but the milestone date where the policy has ended, because only a milestone inside its period
    can still be paid under it."""
    schema = track.fact_schema
    asked = estimate_schema(schema)
    if policy_ended(track.program.policy, today):
        asked += [{**d, "optional": False} for d in schema if d["name"] == MILESTONE]
    return asked


def check_policy_period(policy: Policy, facts: dict, today: date | None = None) -> None:
    """An ended policy pays only milestones reached while it was in force; PortalError on the milestone
    date otherwise (the schema already requires it)."""
    milestone = facts.get(MILESTONE)
    if not policy_ended(policy, today) or milestone is None or policy.in_force_on(milestone):
        return
    message = _(
        "This policy ended on %(end)s: it pays only milestones reached from %(start)s to %(end)s, and %(date)s "
        "is outside that period. A later milestone falls under the policy in force on its date."
    ) % {"start": policy.funding_starts, "end": policy.effective_to, "date": milestone}
    raise PortalError(ErrorCode.POLICY_NOT_IN_FORCE, errors={"facts": {MILESTONE: [message]}})


@dataclass(frozen=True)
class Estimated:
    """The engine's answer and the call whose terms it used (None: the catalogue's terms alone)."""

    result: Result
    call: Call | None


def estimate(*, track: Track, facts: dict, context: Context, at: datetime | None = None) -> Estimated:
    """The engine's answer for validated facts, on exactly the rule an award would use: the catalogue's
    terms with those of the program's open call (the one closing first), where one is open. Nobody is known
    here: a condition on a register is not checked, and the answer says filing checks it."""
    check_policy_period(track.program.policy, facts, at.date() if at else None)
    call = open_call_for(track.program, at)
    return Estimated(result=compute(rule_for(track, call), facts, replace(context, recognised=None)), call=call)


def answer_as_json(estimated: Estimated, track: Track) -> dict:
    """The JSON answer of SPEC §6, with which call's terms were used, whether the policy has ended and whether
    its amounts are verified."""
    policy = track.program.policy
    call = estimated.call
    return {
        **result_as_json(estimated.result, track),
        "call": None if call is None else {"id": call.pk, "title": localized(call, "title")},
        "policy_ended_on": policy.effective_to.isoformat() if policy_ended(policy) else None,
        # False: the amounts come from press reports and no administrator has confirmed them yet.
        "amounts_verified": policy.amounts_verified,
    }


def estimate_from_payload(payload) -> dict:
    """The JSON answer of SPEC §6 for a JSON request; PortalError (-> 400) for malformed input."""
    request = EstimateRequestSerializer(data=payload)
    if not request.is_valid():
        raise PortalError(ErrorCode.INVALID, errors=dict(request.errors))
    data = request.validated_data
    track = resolve_track(data["program"], data.get("track"))
    schema = estimate_facts_schema(track)
    asked = {d["name"] for d in schema}
    # What only the filing asks (identifiers, the milestone date, declared figures) is accepted and dropped; a
    # fact the track does not ask at all (another track's) is a field error.
    filing_only = {"product_key", MILESTONE, *(d["name"] for d in track.fact_schema)} - asked
    facts = facts_codec.load(schema, data["facts"], ignored=filing_only)
    context = Context(**data["context"]) if "context" in data else Context()
    return answer_as_json(estimate(track=track, facts=facts, context=context), track)


# --- the estimate while filing (applications/estimator.py; registered in awards/apps.py) ----------------


def filing_context(application: Application, rule, facts: dict) -> Context:
    """What the world holds for this filing: the registers that list its product, where the rule asks."""
    if not needs_register(rule):
        return Context()
    return Context(recognised=recognised_for(application.organisation_id, facts.get("product_key", "")))


def filing_estimate(application: Application, facts: dict) -> Estimate:
    """On the terms of the application's own call: the amount a draft stores, the eligibility submission
    checks. A program that grants no money is not estimated: its conditions alone decide, with no amount."""
    rule = rule_for(application.track, application.call)
    context = filing_context(application, rule, facts)
    if not application.track.program.is_grant:
        failed = failed_conditions(rule, facts, context)
        return Estimate(eligible=not failed, amount=None, reasons=tuple(reason_text(r) for r in failed))
    result = compute(rule, facts, context)
    reasons = () if result.eligible else tuple(reason_text(r) for r in result.reasons)
    return Estimate(eligible=result.eligible, amount=result.amount, reasons=reasons)


def filing_estimate_shown(application: Application, facts: dict) -> dict | None:
    """The estimate beside the application form: the answer of SPEC §6 for the facts typed so far, on the
    terms of the application's own call, as the award will be; None for a program that grants no money."""
    if not application.track.program.is_grant:
        return None
    rule = rule_for(application.track, application.call)
    result = compute(rule, facts, filing_context(application, rule, facts))
    return answer_as_json(Estimated(result=result, call=application.call), application.track)


FILING_ESTIMATOR = Estimator(for_application=filing_estimate, shown=filing_estimate_shown)
