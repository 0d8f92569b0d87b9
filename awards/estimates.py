"""The award estimate (what-if) of SPEC §6: one path from a request to the engine's answer, shared by
the API, the CLI and the public page."""

from datetime import datetime
from decimal import Decimal

from django.utils.translation import gettext as _
from rest_framework import serializers

from applications import facts as facts_codec
from applications.estimator import Estimate, Estimator
from applications.facts import estimate_schema
from applications.models import Application, Program, Track
from applications.selectors import find_track, open_call_for
from awards.engine import Context, Result, compute
from awards.explain import reason_text, result_as_json
from awards.rules import rule_for
from portal.amounts import AmountSerializerField
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


def resolve_track(program_code: str, track_code: str | None) -> Track:
    track_code = track_code or ""
    track = find_track(program_code, track_code)
    if track is not None:
        return track
    program = Program.objects.filter(code=program_code).prefetch_related("tracks").first()
    if program is None:
        raise PortalError(
            ErrorCode.UNKNOWN_PROGRAM,
            _("There is no program “%(code)s”. The programs are listed on the estimate page.") % {"code": program_code},
            field="program",
        )
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


def estimate(*, track: Track, facts: dict, context: Context, at: datetime | None = None) -> Result:
    """The engine's answer for validated facts. Where the policy leaves the rate to each call, the
    terms of the program's open call apply."""
    call = open_call_for(track.program, at) if track.rate is None or track.clause_cap is None else None
    return compute(rule_for(track, call), facts, context)


def estimate_from_payload(payload) -> dict:
    """The JSON answer of SPEC §6 for a JSON request; PortalError (-> 400) for malformed input."""
    request = EstimateRequestSerializer(data=payload)
    if not request.is_valid():
        raise PortalError(ErrorCode.INVALID, errors=dict(request.errors))
    data = request.validated_data
    track = resolve_track(data["program"], data.get("track"))
    schema = estimate_schema(track.program.fact_schema)
    facts = facts_codec.load(schema, data["facts"], ignored=("product_key", "milestone_date"))
    context = Context(**data["context"]) if "context" in data else Context()
    return result_as_json(estimate(track=track, facts=facts, context=context), track)


# --- the estimate while filing (applications/estimator.py; registered in awards/apps.py) ----------------


def filing_estimate(application: Application, facts: dict) -> Estimate:
    """On the terms of the application's own call: the amount a draft stores, the eligibility submission
    checks."""
    result = compute(rule_for(application.track, application.call), facts, Context())
    reasons = () if result.eligible else tuple(reason_text(r) for r in result.reasons)
    return Estimate(eligible=result.eligible, amount=result.amount, reasons=reasons)


def filing_estimate_shown(application: Application, facts: dict) -> dict:
    """The estimate beside the application form: the answer of SPEC §6 for the facts typed so far."""
    return result_as_json(estimate(track=application.track, facts=facts, context=Context()), application.track)


FILING_ESTIMATOR = Estimator(for_application=filing_estimate, shown=filing_estimate_shown)
