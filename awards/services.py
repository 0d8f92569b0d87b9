"""Writes of awards. `award_compute` turns an approved decision into an Award with the same engine
the estimate uses, under locks that keep the yearly cap and the call budget whole (SPEC §7)."""

from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import translation

from applications.facts import FactsForm, form_data_from_json
from applications.models import Application, Call
from awards.engine import Context, compute
from awards.explain import result_as_json
from awards.models import HOLDING, Award
from awards.rules import rule_for
from portal.models import Organisation
from reviews.models import DecisionOutcome

ZERO = Decimal(0)


def overlap_key(application: Application, product_key: str) -> str:
    program = application.call.program
    parts = [program.overlap_group, product_key.strip().upper()]
    if program.overlap_per_track:
        parts.append(application.track.code)
    return "|".join(parts)


def _total(queryset) -> Decimal:
    return queryset.filter(state__in=HOLDING).aggregate(total=Sum("amount"))["total"] or ZERO


@transaction.atomic
def award_compute(*, application_id: int) -> Award:
    """Idempotent: a second run for the same decision returns the award the first one made."""
    application = (
        Application.objects.select_for_update().select_related("call__program", "track").get(pk=application_id)
    )
    decision = application.decisions.filter(outcome=DecisionOutcome.APPROVED).select_related("version").first()
    if decision is None:
        raise ValueError(f"application {application_id} has no approval to compute an award for")
    existing = Award.objects.filter(decision=decision).first()
    if existing is not None:
        return existing
    # Lock order: application, call, organisation. Every award of a call passes the call's lock, so
    # N officers approving at once are computed one after another against the budget left; the
    # organisation's lock does the same for its yearly cap and its products' overlap sums.
    call = Call.objects.select_for_update().get(pk=application.call_id)
    Organisation.objects.select_for_update().get(pk=application.organisation_id)
    program, version = call.program, decision.version
    schema = program.fact_schema
    data, _errors = form_data_from_json(schema, version.facts)
    form = FactsForm(schema, data=data)
    if not form.is_valid():
        raise ValueError(f"version {version.pk} no longer validates: {form.errors.as_json()}")
    facts = form.cleaned_data
    key = overlap_key(application, facts.get("product_key", "") or application.title)
    context = Context(
        awarded_this_year=_total(
            Award.objects.filter(organisation_id=application.organisation_id, program=program, year=call.year)
        ),
        awarded_in_overlap_group=_total(
            Award.objects.filter(organisation_id=application.organisation_id, overlap_key=key)
        ),
        call_budget_left=None if call.budget is None else call.budget - _total(Award.objects.filter(call=call)),
        recommended_amount=decision.recommended_amount,
        recommendation_reason=decision.reasons,
    )
    result = compute(rule_for(application.track, call), facts, context)
    breakdown = {}
    for language in ("zh-hans", "en"):
        with translation.override(language):
            breakdown[language] = result_as_json(result, application.track)
    breakdown["context"] = {
        "awarded_this_year": str(context.awarded_this_year),
        "awarded_in_overlap_group": str(context.awarded_in_overlap_group),
        "call_budget_left": None if context.call_budget_left is None else str(context.call_budget_left),
    }
    return Award.objects.create(
        application=application,
        decision=decision,
        organisation_id=application.organisation_id,
        call=call,
        program=program,
        year=call.year,
        overlap_key=key,
        amount=result.amount,
        breakdown=breakdown,
        catalogue_version=program.catalogue_version,
    )
