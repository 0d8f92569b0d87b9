"""The shape of the `can_*` tables (tests/<app>/test_permissions.py): one row per case, naming the function
asked, the code of its answer ("" = allowed) and what it is asked about."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from portal.errors import Refusal


@dataclass(frozen=True)
class Case:
    name: str
    check: Callable  # the can_* function asked
    code: str  # the code of the refusal; "" when allowed
    args: Callable  # scene -> what it is asked about

    def __str__(self) -> str:
        return self.name


def can_functions(module) -> set[Callable]:
    return {f for name, f in vars(module).items() if name.startswith("can_")}


def assert_table_covers(cases: list[Case], functions: Iterable[Callable]) -> None:
    """Every function has a row that allows and a row that refuses; no two rows share a name."""
    functions = set(functions)
    assert {c.check for c in cases if c.code == ""} == functions
    assert {c.check for c in cases if c.code} == functions
    assert len({c.name for c in cases}) == len(cases)


def assert_answer(case: Case, scene) -> None:
    allowed, reason = case.check(*case.args(scene))
    if case.code == "":
        assert (allowed, reason) == (True, "")
    else:
        assert (allowed, getattr(reason, "code", None)) == (False, case.code)
        # The message a person reads is still there, translated, beside the code.
        assert isinstance(reason, Refusal) and reason.strip()
