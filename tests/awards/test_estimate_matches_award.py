"""Issue 14, correction 4: what the estimate answers is what the award pays, for any call the services
let open (a lower cap, or a higher one that must not count; a rate where the policy leaves it to the call)
and any valid facts, with no earlier awards and an ample budget."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.db import transaction
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from applications.facts import load
from applications.models import Policy, ProgramOutcome, Track
from applications.services import call_create, policy_confirm_amounts
from awards.engine import Context, compute
from awards.estimates import estimate_facts_schema, estimate_from_payload
from awards.rules import rule_for
from awards.services import award_compute
from portal.errors import ErrorCode, PortalError
from tests.calls import amounts_admin
from tests.journeys import approved_directly

# Each example opens its call inside a savepoint rolled back afterwards, so no call or award outlives it.
PER_EXAMPLE = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
amounts = st.decimals(min_value=0, max_value=Decimal("500000000"), places=2, allow_nan=False, allow_infinity=False)
rates = st.decimals(min_value=Decimal("0.01"), max_value=1, places=2)


def fact_values(definition: dict):
    kind = definition["kind"]
    if kind == "money":
        return amounts.map(str)
    if kind == "bool":
        return st.booleans()
    values = [c["value"] for c in definition.get("choices", [])]
    if kind == "choice":
        return st.sampled_from(values)
    if kind == "multichoice":
        return st.lists(st.sampled_from(values), min_size=1, unique=True)
    return st.text(alphabet="ABCXYZ0123", min_size=1, max_size=12)


@st.composite
def call_and_facts(draw, tracks: list[Track]):
    """A track of a policy in force, the terms a call could set on it, and facts of its estimate."""
    track = draw(st.sampled_from(tracks))
    terms = {}
    if track.rate is None or draw(st.booleans()):
        # A cap below, at or above the policy's: the call may lower it, never raise it.
        ceiling = track.clause_cap or Decimal("50000000")
        terms["cap"] = str(draw(st.decimals(min_value=1, max_value=ceiling * 2, places=0)))
    if track.rate is None:
        terms["rate"] = str(draw(rates))
    facts = {}
    for definition in estimate_facts_schema(track):
        if definition.get("optional") and draw(st.booleans()):
            continue
        facts[definition["name"]] = draw(fact_values(definition))
    return track, {track.code or "*": terms} if terms else {}, facts


def open_call(track: Track, track_terms: dict):
    now = timezone.now()
    return call_create(
        program=track.program,
        year=now.year,
        title_en="Drawn call",
        title_zh="随机批次",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=20),
        budget=10**12,
        track_terms=track_terms,
        milestone_windows={"*": {"from": "2024-06-01", "to": "2026-12-31"}},
    )


def in_force_tracks() -> list[Track]:
    today = timezone.localdate()
    admin = amounts_admin()
    for policy in Policy.objects.all():
        policy_confirm_amounts(policy_code=policy.code, by=admin, against=policy.document_number or policy.code)
    # A recognition grants no money: there is no estimate of it to compare (tests/awards/test_register_engine.py).
    tracks = Track.objects.select_related("program__policy").filter(program__outcome=ProgramOutcome.GRANT)
    return [t for t in tracks if t.program.policy.in_force_on(today)]


@pytest.mark.django_db
def test_estimate_equals_the_engine_on_the_open_calls_rule(catalogue):
    tracks = in_force_tracks()

    @settings(PER_EXAMPLE, max_examples=80)
    @given(drawn=call_and_facts(tracks))
    def check(drawn):
        track, track_terms, facts = drawn
        with transaction.atomic():
            call = open_call(track, track_terms)
            answer = estimate_from_payload({"program": track.program.code, "track": track.code, "facts": facts})
            awarded = compute(rule_for(track, call), load(estimate_facts_schema(track), facts), Context())
            assert Decimal(answer["amount"]) == awarded.amount
            assert answer["eligible"] == awarded.eligible
            assert answer["call"]["id"] == call.pk
            transaction.set_rollback(True)

    check()


@pytest.mark.django_db
def test_the_award_task_pays_what_the_estimate_said(catalogue, alice):
    """The real award: filed, approved and computed by `award_compute` on a drawn call of BIO24 drugs."""
    tracks = [t for t in in_force_tracks() if t.program.code == "BIO24-DRUG-INNOVATIVE" and t.code == "phase_2"]

    @settings(PER_EXAMPLE, max_examples=6)
    @given(drawn=call_and_facts(tracks))
    def check(drawn):
        track, track_terms, facts = drawn
        facts = {**facts, "drug_category": "chemical"}  # what approved_directly files
        with transaction.atomic():
            call = open_call(track, track_terms)
            answer = estimate_from_payload({"program": track.program.code, "track": track.code, "facts": facts})
            try:
                (application,) = approved_directly(call, alice, rd_spending=facts["rd_spending"], product_key="P")
            except PortalError as refusal:  # what the estimate calls ineligible cannot be filed
                assert refusal.code == ErrorCode.INELIGIBLE and not answer["eligible"]
            else:
                assert award_compute(application_id=application.pk).amount == Decimal(answer["amount"])
            transaction.set_rollback(True)

    check()
