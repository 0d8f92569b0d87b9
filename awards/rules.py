"""Turn catalogue rows (and a call's own terms) into the engine's plain `Rule`."""

from decimal import Decimal

from applications.models import Call, Track
from awards.engine import Condition, Rule


def _lower(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    present = [x for x in (a, b) if x is not None]
    return min(present) if present else None


def rule_for(track: Track, call: Call | None = None) -> Rule:
    """The rule of `track`. A call fills what the catalogue leaves open (policies B and C set the rate
    per call) and may lower a cap, but never raises one the policy sets."""
    program = track.program
    rate, cap = track.rate, track.clause_cap
    if call is not None:
        terms = call.track_terms.get(track.code or "*", {}) or call.track_terms.get("*", {})
        if rate is None and terms.get("rate") is not None:
            rate = Decimal(str(terms["rate"]))
        if terms.get("cap") is not None:
            cap = _lower(cap, Decimal(str(terms["cap"])))
    return Rule(
        program=program.code,
        track=track.code,
        clause=program.clause,
        base_fact=track.base_fact,
        rate=rate,
        rate_is_ceiling=track.rate_is_ceiling,
        clause_cap=cap,
        yearly_cap=program.yearly_cap,
        conditions=tuple(
            Condition(
                fact=c.get("fact", "product_key"),
                test=c["test"],
                reason_en=c["reason_en"],
                reason_zh=c["reason_zh"],
                values=tuple(c.get("values", ())),
                register=c.get("register", ""),
                register_track=c.get("register_track"),
            )
            for c in track.conditions
        ),
        catalogue_version=program.catalogue_version,
        overlap_stages=tuple(track.overlap_stages),
    )
