"""No state or action spelled as a string where the enums exist: in queries (`.filter(state="approved")`,
`state__in=[...]`, `action="withdraw"`), comparisons (`task.state == "open"`), SQL (`state = 'open'`) and
templates (`{% if application.state == "draft" %}`, `"approve" in steps`, a button's `value="reject"`).
StrEnum and TextChoices members equal their strings, so a literal works today and silently stops working
the day a value is renamed; the enum is the one spelling (issue 13).

The tree's sources are read, not imported: migrations and tests may spell values (a migration is history,
a test states what it expects). tests/bench is read too: it is not a test but runs the services."""

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ["applications", "reviews", "awards", "portal", "tests/bench"]
TEMPLATES = ["templates", "applications/templates", "reviews/templates", "awards/templates", "portal/templates"]
# awards/projects is read with awards (SOURCES): its modules are under awards/.

# Names that hold a state, an outcome or an action (model fields, their lookups, variables, payload keys).
FIELDS = {"state", "from_state", "to_state", "outcome", "action"}
LOOKUPS = {"in", "exact", "iexact"}


def _is_field_lookup(name: str) -> bool:
    """state, state__in, application__state, awards__state__in: a lookup that ends on one of FIELDS."""
    parts = name.split("__")
    if len(parts) > 1 and parts[-1] in LOOKUPS:
        parts.pop()
    return parts[-1] in FIELDS


def known_values() -> set[str]:
    from applications.models import ProgramOutcome, State
    from applications.workflow import Action
    from awards.lifecycle import AwardAction
    from awards.models import AwardState, EntryState, ExportState, ObjectionState
    from awards.projects.lifecycle import ProjectAction
    from awards.projects.models import (
        InstalmentState,
        ProjectState,
        ProposalState,
        ReportState,
        VariationState,
    )
    from awards.register_lifecycle import RegisterAction
    from reviews.models import AssignmentState, DecisionOutcome, Outcome, TaskState
    from reviews.services import ReviewAction

    enums = [State, Action, TaskState, AssignmentState, Outcome, DecisionOutcome, ReviewAction, ProgramOutcome]
    enums += [AwardState, AwardAction, ObjectionState, ExportState, EntryState, RegisterAction]
    enums += [ProjectState, ProjectAction, ReportState, VariationState, InstalmentState, ProposalState]
    return {str(member) for enum in enums for member in enum}


def _names_a_field(node: ast.AST) -> bool:
    if isinstance(node, ast.Attribute):
        return node.attr in FIELDS
    if isinstance(node, ast.Name):
        return node.id in FIELDS
    if isinstance(node, ast.Subscript):  # data["action"]
        return isinstance(node.slice, ast.Constant) and node.slice.value in FIELDS
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr == "get":
        return bool(node.args) and isinstance(node.args[0], ast.Constant) and node.args[0].value in FIELDS
    return False


def _literals(node: ast.AST, values: set[str]) -> list[str]:
    """The known values spelled in `node`: a string, or a list, tuple or set of strings."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value] if node.value in values else []
    if isinstance(node, ast.List | ast.Tuple | ast.Set):
        return [found for element in node.elts for found in _literals(element, values)]
    if isinstance(node, ast.IfExp):  # action = "resubmit" if ... else "submit"
        return _literals(node.body, values) + _literals(node.orelse, values)
    return []


SQL = re.compile(r"\b(?:state|outcome|action)\s*(?:=|<>|!=|IN\s*\()\s*'(\w+)'", re.IGNORECASE)


def python_literals(source: str, values: set[str]) -> list[tuple[int, str]]:
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.keyword) and node.arg and _is_field_lookup(node.arg):
            found += [(node.value.lineno, f"{node.arg}={v!r}") for v in _literals(node.value, values)]
        elif isinstance(node, ast.Dict):  # {"outcome": "approved"}
            for key, value in zip(node.keys, node.values, strict=True):
                if isinstance(key, ast.Constant) and key.value in FIELDS:
                    found += [(key.lineno, f"{key.value!r}: {v!r}") for v in _literals(value, values)]
        elif isinstance(node, ast.Assign | ast.AnnAssign) and node.value is not None:
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            if any(_names_a_field(target) for target in targets):
                found += [(node.lineno, f"assigned {v!r}") for v in _literals(node.value, values)]
        elif isinstance(node, ast.Compare):
            operands = [node.left, *node.comparators]
            if any(_names_a_field(operand) for operand in operands):
                for operand in operands:
                    found += [(node.lineno, f"compared with {v!r}") for v in _literals(operand, values)]
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):
            found += [(node.lineno, f"SQL {m.group(0)!r}") for m in SQL.finditer(node.value) if m.group(1) in values]
    return found


TAG = re.compile(r"\{%.*?%\}", re.DOTALL)
QUOTED = r"""["'](\w+)["']"""
IN_TAG = [
    re.compile(rf"\b(?:state|outcome|action)\s*(?:==|!=)\s*{QUOTED}"),  # x.state == "draft"
    re.compile(rf"{QUOTED}\s*(?:==|!=)\s*[\w.]*\b(?:state|outcome|action)\b"),  # "draft" == x.state
    re.compile(rf"{QUOTED}\s+(?:not\s+)?in\s+\w"),  # "approve" in steps
]
BUTTON = re.compile(rf"""name=["']action["']\s+value={QUOTED}""")  # <button name="action" value="approve">


def template_literals(text: str, values: set[str]) -> list[tuple[int, str]]:
    found = []
    for tag in TAG.finditer(text):
        spelled = [m.group(1) for pattern in IN_TAG for m in pattern.finditer(tag.group(0))]
        found += [(text.count("\n", 0, tag.start()) + 1, f"{tag.group(0)} ({v!r})") for v in spelled if v in values]
    for match in BUTTON.finditer(text):
        if match.group(1) in values:
            found.append((text.count("\n", 0, match.start()) + 1, match.group(0)))
    return found


def _python_files():
    for top in SOURCES:
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" not in path.parts:
                yield path


def _template_files():
    for top in TEMPLATES:
        if (ROOT / top).is_dir():
            yield from sorted(p for p in (ROOT / top).rglob("*") if p.suffix in {".html", ".txt"})


def test_no_state_or_action_literal_in_queries_comparisons_or_sql():
    values = known_values()
    found = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in _python_files()
        for line, what in python_literals(path.read_text(), values)
    ]
    assert found == [], "spell these with their enum:\n" + "\n".join(found)


def test_no_state_or_action_literal_in_templates():
    values = known_values()
    found = [
        f"{path.relative_to(ROOT)}:{line}: {what}"
        for path in _template_files()
        for line, what in template_literals(path.read_text(), values)
    ]
    assert found == [], "compare with the enums the templates get (portal/template_enums.py):\n" + "\n".join(found)


ENUM_MEMBER = re.compile(r"\b([A-Z][A-Za-z]+)\.([A-Z][A-Z0-9_]*)\b")


def test_every_enum_a_template_names_is_given_to_templates():
    """A misspelt `Action.APROVE` renders as "" and compares unequal to everything: it must not pass unseen."""
    from portal.template_enums import REGISTERED

    unknown = [
        f"{path.relative_to(ROOT)}: {match.group(0)}"
        for path in _template_files()
        for tag in re.finditer(r"\{[{%].*?[}%]\}", path.read_text(), re.DOTALL)
        for match in ENUM_MEMBER.finditer(tag.group(0))
        if match.group(2) not in REGISTERED.get(match.group(1), {})
    ]
    assert unknown == []
    assert REGISTERED["Action"]["APPROVE"] == "approve" and REGISTERED["AwardAction"]["LETTER_ISSUED"]


@pytest.mark.parametrize(
    "source",
    [
        'Application.objects.filter(state="approved")',
        'Award.objects.filter(state__in=["computed", AwardState.PUBLICITY])',
        'Decision.objects.filter(application__state="approved")',
        'Call.objects.exclude(awards__state__in=("overturned",))',
        'content = {"outcome": "approved"}',
        'transition(application=a, action="withdraw", by=u)',
        'if task.state == "open": pass',
        'if "letter_issued" != event.action: pass',
        'if data["action"] in ("approve", "reject"): pass',
        'if request.POST.get("action") != "submit": pass',
        'action = "resubmit" if returned else "submit"',
        'task.state = "done"',
        "SQL = \"SELECT 1 FROM reviews_reviewtask WHERE state = 'open'\"",
        "SQL = \"SELECT 1 FROM awards_award WHERE state IN ('confirmed')\"",
    ],
)
def test_a_literal_put_back_in_python_is_found(source):
    assert python_literals(source, known_values())


@pytest.mark.parametrize(
    "source",
    [
        "Application.objects.filter(state=State.APPROVED)",
        "Award.objects.filter(state__in=HOLDING)",
        'transition(application=a, action=Action.WITHDRAW, by=u, reason="approved")',
        'if task.kind == "formal_check": pass',  # not a state: stage names are the deadlines' keys
        'parser.add_argument("--reset", action="store_true")',
        'Call.objects.filter(stage_deadlines__state_x="open", state_deadline="open")',
    ],
)
def test_the_enums_and_other_strings_pass(source):
    assert python_literals(source, known_values()) == []


@pytest.mark.parametrize(
    "text",
    [
        '{% if application.state == "draft" %}x{% endif %}',
        "{% if decision.outcome == 'rejected' %} warn{% endif %}",
        '{% if event.action == "submit" or event.action == "resubmit" %}',
        '{% elif "approved" == decision.outcome %}',
        '{% if "approve" in steps %}',
        '<button type="submit" name="action" value="reject">',
    ],
)
def test_a_literal_put_back_in_a_template_is_found(text):
    assert template_literals(text, known_values())


@pytest.mark.parametrize(
    "text",
    [
        "{% if application.state == State.DRAFT %}x{% endif %}",
        "{% if Action.APPROVE in steps %}",
        '<button type="submit" name="action" value="{{ Action.REJECT }}">',
        "{% if LANGUAGE_CODE == 'en' %}",
        '{% if track != "*" %}',
    ],
)
def test_template_enums_and_other_strings_pass(text):
    assert template_literals(text, known_values()) == []
