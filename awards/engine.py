"""The award engine: a program track's rule and an application's facts in, an explained amount out.

Plain Python on purpose: no ORM, no request, no translation. The same function serves the public
estimate, the CLI and the real award computation, so what an applicant is told and what is paid
cannot drift apart. Order of the steps (SPEC §5):

    rate x base -> clause cap -> a reviewer's lower recommendation -> overlap deduction
    -> the enterprise's remaining yearly cap -> the call's remaining budget

Every step that changes the amount is one breakdown line. Amounts are Decimal and truncated to
whole yuan (public money is never rounded up).
"""

from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, Decimal
from enum import StrEnum

ZERO = Decimal(0)
YUAN = Decimal(1)
FEN = Decimal("0.01")


class Step(StrEnum):
    BASE = "rate_x_base"
    TRUNCATE = "truncate"
    CLAUSE_CAP = "clause_cap"
    RECOMMENDATION = "recommendation"
    OVERLAP = "overlap"
    YEARLY_CAP = "yearly_cap"
    CALL_BUDGET = "call_budget"


class ReasonCode(StrEnum):
    CONDITION_FAILED = "condition_failed"
    # A condition on a register the caller could not read (the public estimate knows no organisation): not a
    # refusal, a warning that filing checks it.
    REGISTER_NOT_CHECKED = "register_not_checked"
    RATE_NOT_SET = "rate_not_set"
    RECOMMENDATION_FIXED_RATE = "recommendation_on_fixed_rate"
    RECOMMENDATION_NOT_LOWER = "recommendation_not_lower"
    OVERLAP_EXHAUSTED = "overlap_exhausted"
    YEARLY_CAP_EXHAUSTED = "yearly_cap_exhausted"
    BUDGET_EXHAUSTED = "budget_exhausted"


REGISTERED = "registered"


@dataclass(frozen=True)
class Condition:
    """An eligibility test on one fact, or (`registered`) on what the portal's register knows of the product;
    `reason_*` tells the applicant what is missing."""

    fact: str
    test: str  # is_true | is_false | not_empty | any_of | registered
    reason_en: str
    reason_zh: str
    values: tuple = ()
    register: str = ""  # registered: the recognition program whose register must list the product
    register_track: str | None = None  # ... and, where given, under that track

    @property
    def listing(self) -> str:
        """What `Context.recognised` must hold: "<register>" or "<register>/<track>"."""
        return self.register if self.register_track is None else f"{self.register}/{self.register_track}"

    def holds(self, facts: dict, recognised: frozenset[str] | None = frozenset()) -> bool:
        if self.test == REGISTERED:
            return recognised is not None and self.listing in recognised
        value = facts.get(self.fact)
        if self.test == "is_true":
            return value is True
        if self.test == "is_false":
            return value is False
        if self.test == "not_empty":
            return bool(value)
        if self.test == "any_of":
            chosen = set(value) if isinstance(value, list | tuple | set) else {value}
            return bool(chosen & set(self.values))
        raise ValueError(f"unknown condition test {self.test!r}")


@dataclass(frozen=True)
class Rule:
    """What one track of one program pays, as the catalogue (and the call, where it sets terms) say."""

    program: str
    track: str
    clause: str
    base_fact: str
    rate: Decimal | None
    rate_is_ceiling: bool = True
    clause_cap: Decimal | None = None
    yearly_cap: Decimal | None = None
    conditions: tuple[Condition, ...] = ()
    catalogue_version: str = ""
    # What the track funds of a product, for the overlap rule (see `stages_meet`); empty: the whole product.
    overlap_stages: tuple[str, ...] = ()


@dataclass(frozen=True)
class Context:
    """What the world already holds: amounts awarded before, and what the call has left."""

    awarded_this_year: Decimal = ZERO
    awarded_in_overlap_group: Decimal = ZERO
    call_budget_left: Decimal | None = None
    recommended_amount: Decimal | None = None
    recommendation_reason: str = ""
    # The registers that list this organisation's product validly now ("<register>" and "<register>/<track>"),
    # read by the caller for a rule with a `registered` condition; None where nobody is known (the public
    # estimate), which checks no register and says so.
    recognised: frozenset[str] | None = frozenset()


@dataclass(frozen=True)
class Line:
    step: Step
    amount: Decimal  # the amount after this step
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Reason:
    code: ReasonCode
    params: dict = field(default_factory=dict)


@dataclass(frozen=True)
class Result:
    eligible: bool
    amount: Decimal
    breakdown: tuple[Line, ...] = ()
    reasons: tuple[Reason, ...] = ()


def stages_meet(these: Iterable[str], those: Iterable[str]) -> bool:
    """Whether two awards in one overlap group, for one product, fund the same thing (SPEC §5, "preferential,
    superior and no repetition"): when the stages they fund meet. A track funds stages of a product where its
    program's tracks add up (a drug's phase 1 and phase 2 are paid separately; a cell and gene therapy's early
    clinical stage is phase 1 and 2 together); no stage means the product as a whole, which meets every stage."""
    these, those = set(these), set(those)
    return not these or not those or bool(these & those)


def held_in_overlap(stages: Iterable[str], holdings: Iterable[tuple[Iterable[str], Decimal]]) -> Decimal:
    """What awards already hold for the same product in the group, at stages that meet `stages`: the
    `awarded_in_overlap_group` of the Context. `holdings` are (stages, amount held) of those awards."""
    stages = tuple(stages)
    return sum((amount for held, amount in holdings if stages_meet(stages, held)), ZERO)


def truncate(amount: Decimal) -> Decimal:
    """Whole yuan, towards zero: public money is never rounded up."""
    return amount.quantize(YUAN, rounding=ROUND_DOWN)


def needs_register(rule: Rule) -> bool:
    """Whether `rule` asks the register: the caller reads `Context.recognised` only then."""
    return any(c.test == REGISTERED for c in rule.conditions)


def unchecked(rule: Rule, context: Context) -> tuple[Reason, ...]:
    """The register conditions left unread because the context knows nobody (the public estimate)."""
    if context.recognised is not None:
        return ()
    return tuple(
        Reason(ReasonCode.REGISTER_NOT_CHECKED, {"register": c.register, "track": c.register_track})
        for c in rule.conditions
        if c.test == REGISTERED
    )


def failed_conditions(rule: Rule, facts: dict, context: Context = Context()) -> tuple[Reason, ...]:
    """Why `facts` (and, for a `registered` condition, the register) do not meet the rule's conditions; empty when
    they do. The eligibility of a program that grants no money is exactly this."""
    return tuple(
        Reason(ReasonCode.CONDITION_FAILED, {"fact": c.fact, "reason_en": c.reason_en, "reason_zh": c.reason_zh})
        for c in rule.conditions
        if not (c.test == REGISTERED and context.recognised is None) and not c.holds(facts, context.recognised)
    )


def compute(rule: Rule, facts: dict, context: Context = Context()) -> Result:
    """The award for `facts` under `rule`, given `context`. Facts must already be validated."""
    failed = failed_conditions(rule, facts, context)
    if rule.rate is None:
        failed += (Reason(ReasonCode.RATE_NOT_SET, {"program": rule.program}),)
    if failed:
        return Result(eligible=False, amount=ZERO, reasons=failed)

    lines: list[Line] = []
    reasons: list[Reason] = list(unchecked(rule, context))

    # Every amount after the first line is whole yuan (exponent 0), so caps stored as 5000000.00
    # and context values with fen never leak fractions or odd exponents into the answer.
    base = Decimal(facts[rule.base_fact])
    raw = (rule.rate * base).quantize(FEN, rounding=ROUND_DOWN)
    lines.append(Line(Step.BASE, raw, {"rate": rule.rate, "base_fact": rule.base_fact, "base": base}))
    amount = truncate(raw)
    if amount != raw:
        lines.append(Line(Step.TRUNCATE, amount))

    if rule.clause_cap is not None and amount > rule.clause_cap:
        amount = truncate(rule.clause_cap)
        lines.append(Line(Step.CLAUSE_CAP, amount, {"cap": rule.clause_cap, "clause": rule.clause}))

    recommended = context.recommended_amount
    if recommended is not None:
        if not rule.rate_is_ceiling:
            reasons.append(Reason(ReasonCode.RECOMMENDATION_FIXED_RATE, {"recommended": recommended}))
        elif recommended < amount:
            amount = truncate(recommended)
            lines.append(Line(Step.RECOMMENDATION, amount, {"reason": context.recommendation_reason}))
        else:
            reasons.append(Reason(ReasonCode.RECOMMENDATION_NOT_LOWER, {"recommended": recommended}))

    already = context.awarded_in_overlap_group
    if already > 0:
        amount = truncate(max(ZERO, amount - already))
        lines.append(Line(Step.OVERLAP, amount, {"already": already}))
        if amount == 0:
            reasons.append(Reason(ReasonCode.OVERLAP_EXHAUSTED, {"already": already}))

    if rule.yearly_cap is not None:
        remaining = max(ZERO, rule.yearly_cap - context.awarded_this_year)
        if amount > remaining:
            amount = truncate(remaining)
            lines.append(Line(Step.YEARLY_CAP, amount, {"cap": rule.yearly_cap, "awarded": context.awarded_this_year}))
            if amount == 0:
                reasons.append(Reason(ReasonCode.YEARLY_CAP_EXHAUSTED, {"cap": rule.yearly_cap}))

    if context.call_budget_left is not None:
        left = max(ZERO, context.call_budget_left)
        if amount > left:
            amount = truncate(left)
            lines.append(Line(Step.CALL_BUDGET, amount, {"left": left}))
            if amount == 0:
                reasons.append(Reason(ReasonCode.BUDGET_EXHAUSTED))

    return Result(eligible=True, amount=amount, breakdown=tuple(lines), reasons=tuple(reasons))
