"""Properties every award holds, whatever the numbers (hypothesis)."""

from decimal import Decimal

from hypothesis import given, settings
from hypothesis import strategies as st

from awards.engine import Context, Rule, compute
from tests.awards.test_engine import SPEC_TRACKS

money = st.decimals(min_value=0, max_value=Decimal("1e12"), places=2, allow_nan=False, allow_infinity=False)
optional_money = st.none() | money
rates = st.decimals(min_value=Decimal("0.0001"), max_value=1, places=4)

spec_rules = st.sampled_from(SPEC_TRACKS).map(
    lambda row: Rule(
        program=row[0], track=row[1], clause="", base_fact="base", rate=row[2], clause_cap=row[3], yearly_cap=row[4]
    )
)
any_rules = st.builds(
    Rule,
    program=st.just("P"),
    track=st.just(""),
    clause=st.just(""),
    base_fact=st.just("base"),
    rate=rates,
    rate_is_ceiling=st.booleans(),
    clause_cap=optional_money,
    yearly_cap=optional_money,
)
rules = spec_rules | any_rules
contexts = st.builds(
    Context,
    awarded_this_year=money,
    awarded_in_overlap_group=money,
    call_budget_left=optional_money,
    recommended_amount=optional_money,
)


@settings(max_examples=400)
@given(rule=rules, base=money, context=contexts)
def test_award_respects_every_ceiling(rule, base, context):
    result = compute(rule, {"base": base}, context)
    amount = result.amount
    assert result.eligible
    assert amount >= 0
    assert amount == amount.to_integral_value() and amount.as_tuple().exponent == 0
    assert amount <= rule.rate * base
    if rule.clause_cap is not None:
        assert amount <= rule.clause_cap
    if rule.yearly_cap is not None:
        assert amount <= max(Decimal(0), rule.yearly_cap - context.awarded_this_year)
    if context.call_budget_left is not None:
        assert amount <= context.call_budget_left
    if context.recommended_amount is not None and rule.rate_is_ceiling:
        assert amount <= context.recommended_amount
    # The overlap group never pays twice for the same key.
    assert amount <= max(Decimal(0), rule.rate * base - context.awarded_in_overlap_group)


@settings(max_examples=400)
@given(rule=rules, base=money, more=money, context=contexts)
def test_award_never_decreases_when_the_base_grows(rule, base, more, context):
    smaller = compute(rule, {"base": base}, context).amount
    larger = compute(rule, {"base": base + more}, context).amount
    assert smaller <= larger


@settings(max_examples=200)
@given(rule=rules, base=money, context=contexts, extra=money)
def test_more_already_awarded_never_raises_the_award(rule, base, context, extra):
    before = compute(rule, {"base": base}, context).amount
    richer = Context(
        awarded_this_year=context.awarded_this_year + extra,
        awarded_in_overlap_group=context.awarded_in_overlap_group + extra,
        call_budget_left=context.call_budget_left,
        recommended_amount=context.recommended_amount,
    )
    assert compute(rule, {"base": base}, richer).amount <= before
