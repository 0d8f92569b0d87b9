"""The award engine against SPEC §5, program by program, track by track.

The expected rates and caps below are copied from the spec by hand, not read from the catalogue,
so a wrong number in the catalogue file fails here.
"""

from decimal import ROUND_CEILING, ROUND_DOWN, Decimal

import pytest

from applications.models import Track
from awards.engine import Condition, Context, ReasonCode, Rule, Step, compute
from awards.rules import rule_for

D = Decimal
M = D(1_000_000)

# (program, track, rate, clause cap, yearly cap, base fact)
SPEC_TRACKS = [
    ("BIO21-DRUG-INNOVATIVE", "phase_1", D("0.40"), 5 * M, 100 * M, "rd_spending"),
    ("BIO21-DRUG-INNOVATIVE", "phase_2", D("0.40"), 10 * M, 100 * M, "rd_spending"),
    ("BIO21-DRUG-INNOVATIVE", "phase_3", D("0.40"), 30 * M, 100 * M, "rd_spending"),
    ("BIO21-DRUG-IMPROVED", "phase_2", D("0.20"), 5 * M, 20 * M, "rd_spending"),
    ("BIO21-DRUG-IMPROVED", "phase_3", D("0.20"), 10 * M, 20 * M, "rd_spending"),
    ("BIO21-DEVICE-INNOVATIVE", "special_review", D("1"), 2 * M, 15 * M, "rd_spending"),
    ("BIO21-DEVICE-INNOVATIVE", "first_registration", D("0.40"), 5 * M, 15 * M, "rd_spending"),
    ("BIO21-OVERSEAS", "", D("0.30"), 10 * M, None, "rd_spending"),
    ("BIO21-INDUSTRIAL-CHAIN", "standard", D("0.30"), 15 * M, None, "new_investment"),
    ("BIO21-INDUSTRIAL-CHAIN", "major_project", D("0.30"), 100 * M, None, "new_investment"),
    ("BIO21-DIGITAL", "digital", D("0.20"), 10 * M, None, "total_investment"),
    ("BIO21-DIGITAL", "intelligent_green", D("0.10"), 50 * M, None, "total_investment"),
    ("BIO21-CDMO", "", D("0.20"), 5 * M, 10 * M, "contract_amount"),
    ("BIO21-FIRST-SET", "device", D("0.20"), 30 * M, None, "sales_contract_amount"),
    ("BIO21-FIRST-SET", "material", D("0.20"), 3 * M, None, "sales_contract_amount"),
    ("BIO24-DRUG-INNOVATIVE", "phase_1", D("0.40"), 10 * M, 100 * M, "rd_spending"),
    ("BIO24-DRUG-INNOVATIVE", "phase_2", D("0.40"), 20 * M, 100 * M, "rd_spending"),
    ("BIO24-DRUG-INNOVATIVE", "phase_3", D("0.40"), 30 * M, 100 * M, "rd_spending"),
    ("BIO24-DRUG-INNOVATIVE", "cgt_early", D("0.40"), 15 * M, 100 * M, "rd_spending"),
    ("BIO24-DRUG-INNOVATIVE", "cgt_confirmatory", D("0.40"), 30 * M, 100 * M, "rd_spending"),
    ("BIO24-DEVICE-INNOVATIVE", "special_review", D("1"), 3 * M, 30 * M, "rd_spending"),
    ("BIO24-DEVICE-INNOVATIVE", "first_registration", D("0.40"), 8 * M, 30 * M, "rd_spending"),
]

# Policy C measures whose rate each call sets: (program, clause cap, yearly cap, base fact)
SPEC_RATE_PER_CALL = [
    ("BIO24-OVERSEAS-TRIALS", 20 * M, 100 * M, "rd_spending"),
    ("BIO24-CRO-UPGRADE", 1 * M, None, "new_investment"),
    ("BIO24-HOSPITAL-DEMO", 2 * M, None, "total_investment"),
]

ELIGIBLE_FACTS = {
    "drug_category": "biological",
    "class_1": True,
    "cell_gene_therapy": True,
    "made_in_shanghai": True,
    "developed_in_shanghai": True,
    "listed_in_directory": True,
    "who_prequalified": True,
    "agencies": ["FDA"],
    "overseas_sales": True,
    "investment_relationship": False,
}


def facts_with(base_fact: str, base: Decimal) -> dict:
    return {**ELIGIBLE_FACTS, base_fact: base}


def catalogue_rule(program: str, track: str, call=None) -> Rule:
    return rule_for(Track.objects.select_related("program").get(program__code=program, code=track), call)


def recognised_as_the_rule_asks(rule: Rule) -> Context:
    """The product listed in every register the rule's conditions name (VI.2's first set), as the register says."""
    return Context(recognised=frozenset(c.listing for c in rule.conditions if c.register))


@pytest.mark.parametrize(("program", "track", "rate", "cap", "yearly_cap", "base_fact"), SPEC_TRACKS)
def test_catalogue_track_pays_rate_below_its_cap_and_the_cap_above_it(
    catalogue, program, track, rate, cap, yearly_cap, base_fact
):
    rule = catalogue_rule(program, track)
    assert (rule.rate, rule.clause_cap, rule.yearly_cap, rule.base_fact) == (rate, cap, yearly_cap, base_fact)

    threshold = (cap / rate).to_integral_value(rounding=ROUND_CEILING)  # smallest base that reaches the cap
    below = threshold - D(10_000)
    context = recognised_as_the_rule_asks(rule)
    result = compute(rule, facts_with(base_fact, below), context)
    assert result.eligible
    assert result.amount == (rate * below).to_integral_value(rounding=ROUND_DOWN) < cap
    assert result.breakdown[0].step == Step.BASE and Step.CLAUSE_CAP not in [line.step for line in result.breakdown]

    at_threshold = compute(rule, facts_with(base_fact, threshold), context)
    assert at_threshold.amount == cap

    above = compute(rule, facts_with(base_fact, threshold + D(1_000_000)), context)
    assert above.amount == cap
    assert above.breakdown[-1].step == Step.CLAUSE_CAP


@pytest.mark.parametrize(("program", "cap", "yearly_cap", "base_fact"), SPEC_RATE_PER_CALL)
def test_rate_per_call_measure_uses_the_calls_rate_and_the_policys_cap(catalogue, program, cap, yearly_cap, base_fact):
    from applications.models import Call

    no_call = compute(catalogue_rule(program, ""), facts_with(base_fact, D(1_000_000)))
    assert not no_call.eligible
    assert [r.code for r in no_call.reasons] == [ReasonCode.RATE_NOT_SET]

    # A call may set the rate, and may try to raise the cap: the policy's cap still holds.
    call = Call(track_terms={"*": {"rate": "0.25", "cap": str(cap * 2)}})
    rule = catalogue_rule(program, "", call)
    assert (rule.rate, rule.clause_cap, rule.yearly_cap) == (D("0.25"), cap, yearly_cap)
    assert compute(rule, facts_with(base_fact, cap)).amount == cap / 4
    assert compute(rule, facts_with(base_fact, cap * 10)).amount == cap


def test_call_may_lower_a_cap_the_policy_sets(catalogue):
    from applications.models import Call

    rule = catalogue_rule("BIO24-CRO-UPGRADE", "", Call(track_terms={"*": {"rate": "0.5", "cap": "600000"}}))
    assert compute(rule, facts_with("new_investment", D(10_000_000))).amount == D(600_000)


def test_phase_3_award_is_capped_at_30_million(catalogue):
    result = compute(catalogue_rule("BIO21-DRUG-INNOVATIVE", "phase_3"), facts_with("rd_spending", D(200_000_000)))
    assert result.amount == 30 * M


def test_spec_example_phase_2_pays_4_million_for_10_million_of_rd(catalogue):
    result = compute(catalogue_rule("BIO21-DRUG-INNOVATIVE", "phase_2"), facts_with("rd_spending", D(10_000_000)))
    assert (result.eligible, result.amount) == (True, D(4_000_000))


def test_device_special_review_never_pays_more_than_the_rd_spending(catalogue):
    rule = catalogue_rule("BIO21-DEVICE-INNOVATIVE", "special_review")
    assert compute(rule, facts_with("rd_spending", D(1_234_567))).amount == D(1_234_567)
    assert compute(rule, facts_with("rd_spending", D(9_000_000))).amount == 2 * M


# --- eligibility -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("program", "track", "fact", "value"),
    [
        ("BIO21-DRUG-INNOVATIVE", "phase_1", "made_in_shanghai", False),
        ("BIO21-DRUG-IMPROVED", "phase_2", "made_in_shanghai", False),
        ("BIO21-DEVICE-INNOVATIVE", "first_registration", "made_in_shanghai", False),
        ("BIO21-OVERSEAS", "", "agencies", []),
        ("BIO21-OVERSEAS", "", "overseas_sales", False),
        ("BIO21-CDMO", "", "investment_relationship", True),
    ],
)
def test_ineligible_answer_is_zero_with_a_reason_to_act_on(catalogue, program, track, fact, value):
    rule = catalogue_rule(program, track)
    result = compute(rule, {**facts_with(rule.base_fact, D(5_000_000)), fact: value})
    assert (result.eligible, result.amount, result.breakdown) == (False, 0, ())
    assert [r.code for r in result.reasons] == [ReasonCode.CONDITION_FAILED]
    assert result.reasons[0].params["fact"] == fact
    assert result.reasons[0].params["reason_en"] and result.reasons[0].params["reason_zh"]


def test_device_special_review_does_not_ask_for_production_in_shanghai(catalogue):
    rule = catalogue_rule("BIO21-DEVICE-INNOVATIVE", "special_review")
    assert compute(rule, {"rd_spending": D(1_000_000), "made_in_shanghai": False}).eligible


# --- the order of the steps ------------------------------------------------------------------------

RULE = Rule(
    program="P",
    track="t",
    clause="X.1",
    base_fact="rd_spending",
    rate=D("0.40"),
    clause_cap=D(10_000_000),
    yearly_cap=D(20_000_000),
)


def steps(result):
    return [(line.step, line.amount) for line in result.breakdown]


def test_overlap_group_pays_only_the_difference():
    result = compute(RULE, {"rd_spending": D(20_000_000)}, Context(awarded_in_overlap_group=D(3_000_000)))
    assert steps(result) == [(Step.BASE, D(8_000_000)), (Step.OVERLAP, D(5_000_000))]


def test_overlap_already_paid_more_gives_zero_with_reason():
    result = compute(RULE, {"rd_spending": D(20_000_000)}, Context(awarded_in_overlap_group=D(9_000_000)))
    assert result.eligible and result.amount == 0
    assert [r.code for r in result.reasons] == [ReasonCode.OVERLAP_EXHAUSTED]


def test_yearly_cap_limits_to_what_remains():
    result = compute(RULE, {"rd_spending": D(20_000_000)}, Context(awarded_this_year=D(15_000_000)))
    assert steps(result) == [(Step.BASE, D(8_000_000)), (Step.YEARLY_CAP, D(5_000_000))]


def test_call_budget_limits_last():
    result = compute(RULE, {"rd_spending": D(20_000_000)}, Context(call_budget_left=D(1_500_000)))
    assert steps(result)[-1] == (Step.CALL_BUDGET, D(1_500_000))


def test_steps_apply_in_the_order_of_the_spec():
    """rate x base -> clause cap -> recommendation -> overlap -> yearly cap -> call budget."""
    context = Context(
        recommended_amount=D(9_000_000),
        recommendation_reason="part of the spending is not R&D",
        awarded_in_overlap_group=D(1_000_000),
        awarded_this_year=D(13_000_000),
        call_budget_left=D(5_500_000),
    )
    result = compute(RULE, {"rd_spending": D("30000000.99")}, context)
    assert steps(result) == [
        (Step.BASE, D("12000000.39")),
        (Step.TRUNCATE, D(12_000_000)),
        (Step.CLAUSE_CAP, D(10_000_000)),
        (Step.RECOMMENDATION, D(9_000_000)),
        (Step.OVERLAP, D(8_000_000)),
        (Step.YEARLY_CAP, D(7_000_000)),
        (Step.CALL_BUDGET, D(5_500_000)),
    ]
    assert result.amount == D(5_500_000)


def test_overlap_deducts_from_the_capped_amount_not_the_raw_one():
    # Raw 12M, capped 10M, 4M already paid in the group: 6M (not 8M).
    result = compute(RULE, {"rd_spending": D(30_000_000)}, Context(awarded_in_overlap_group=D(4_000_000)))
    assert result.amount == D(6_000_000)


def test_yearly_cap_applies_after_overlap():
    # 8M computed, 5M already in group -> 3M; 18M already this year of a 20M cap -> 2M.
    context = Context(awarded_in_overlap_group=D(5_000_000), awarded_this_year=D(18_000_000))
    result = compute(RULE, {"rd_spending": D(20_000_000)}, context)
    assert steps(result)[-2:] == [(Step.OVERLAP, D(3_000_000)), (Step.YEARLY_CAP, D(2_000_000))]


def test_amount_is_truncated_never_rounded_up():
    result = compute(RULE, {"rd_spending": D("2499.99")})  # 40% = 999.996
    assert result.amount == D(999)
    assert steps(result) == [(Step.BASE, D("999.99")), (Step.TRUNCATE, D(999))]


def test_fen_in_context_amounts_never_round_up():
    result = compute(RULE, {"rd_spending": D(1_000_000)}, Context(call_budget_left=D("123456.78")))
    assert result.amount == D(123_456)


def test_a_higher_recommendation_does_not_raise_the_award():
    result = compute(RULE, {"rd_spending": D(1_000_000)}, Context(recommended_amount=D(900_000)))
    assert result.amount == D(400_000)
    assert [r.code for r in result.reasons] == [ReasonCode.RECOMMENDATION_NOT_LOWER]


def test_fixed_rate_ignores_a_lower_recommendation(catalogue):
    rule = catalogue_rule("BIO21-CDMO", "")
    result = compute(rule, facts_with("contract_amount", D(10_000_000)), Context(recommended_amount=D(100_000)))
    assert result.amount == D(2_000_000)
    assert [r.code for r in result.reasons] == [ReasonCode.RECOMMENDATION_FIXED_RATE]


def test_amounts_are_whole_yuan_decimals():
    result = compute(RULE, {"rd_spending": D(123)})
    assert isinstance(result.amount, Decimal) and result.amount.as_tuple().exponent == 0


def test_any_of_condition():
    rule = Rule(
        program="P",
        track="",
        clause="",
        base_fact="x",
        rate=D(1),
        conditions=(Condition(fact="agencies", test="any_of", values=("FDA", "EMA"), reason_en="e", reason_zh="z"),),
    )
    assert compute(rule, {"x": D(1), "agencies": ["PMDA", "EMA"]}).eligible
    assert not compute(rule, {"x": D(1), "agencies": ["PMDA"]}).eligible
