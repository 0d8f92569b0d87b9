"""The award estimate an applicant meets while filing: stored with a draft, shown beside the form, and
checked for eligibility on submission. A program that grants no money (a recognition) is never estimated: its
answer has the eligibility of its conditions and no amount, and nothing is shown beside its form.

The award engine lives in awards/, above this app: applications says what it needs here and awards
registers the engine's answer in AwardsConfig.ready() (awards/apps.py -> awards/estimates.py)."""

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from applications.models import Application


@dataclass(frozen=True)
class Estimate:
    eligible: bool
    amount: Decimal | None  # None: the program grants no money
    reasons: tuple[str, ...]  # why it is not eligible, in the active language


@dataclass(frozen=True)
class Estimator:
    # On the terms of the application's own call (a draft's amount, submission's eligibility).
    for_application: Callable[[Application, dict], Estimate]
    # What the estimate beside the form shows for validated facts (the partial's JSON, SPEC §6); None for a
    # program that grants no money.
    shown: Callable[[Application, dict], dict | None]


_estimator: Estimator | None = None


def register(estimator: Estimator) -> None:
    global _estimator
    _estimator = estimator


def _registered() -> Estimator:
    if _estimator is None:
        raise RuntimeError("no estimator is registered: the awards app registers one in its ready()")
    return _estimator


def estimate(application: Application, facts: dict) -> Estimate:
    return _registered().for_application(application, facts)


def estimate_shown(application: Application, facts: dict) -> dict | None:
    return _registered().shown(application, facts)
