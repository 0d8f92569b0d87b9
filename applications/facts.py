"""A program's facts: the codec between what people type or send and the typed values the engine reads.

Three encodings, one validator (`FactsForm`, generated from the catalogue's fact schema), so a fact is
valid or not in the same way at every door:

- as typed: what the form posts and a draft keeps (text, "true"/"false", a list for several choices);
  `parse` turns it into typed facts or a PortalError with each fact's errors;
- typed: Decimal, bool, date, str, int (a count), list (what `parse` and `load` return, what the engine reads);
- stored JSON: a frozen version's facts, and the facts of the estimate's JSON request (`dump` writes it,
  `load` reads it back, through `form_data_from_json`).
"""

import math
from collections.abc import Collection, Mapping
from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.amounts import MAX_WHOLE_DIGITS, AmountField, yuan
from portal.bilingual import localized
from portal.errors import ErrorCode, PortalError

# The HTML inputs are named `facts-<name>` (browser tests fill them by that name); only here.
PREFIX = "facts"

MAX_NUMBER = 10**MAX_WHOLE_DIGITS  # beyond the largest amount the portal stores
MAX_FACT_LENGTH = 1000
MAX_NAME_LENGTH = 100
MAX_COUNT = 1_000_000  # a count (beds, employees) beyond any the portal asks for

YES_NO = [("true", gettext_lazy("Yes")), ("false", gettext_lazy("No"))]


def fact_field(definition: dict, *, required: bool = True) -> forms.Field:
    common = {
        "label": localized(definition, "label"),
        "help_text": localized(definition, "help"),
        "required": required,
    }
    choices = [(c["value"], localized(c, "label")) for c in definition.get("choices", [])]
    kind = definition["kind"]
    if kind == "money":
        return AmountField(**common)
    if kind == "bool":
        return forms.TypedChoiceField(
            choices=YES_NO, coerce=lambda value: value == "true", widget=forms.RadioSelect, **common
        )
    if kind == "choice":
        return forms.ChoiceField(choices=choices, widget=forms.RadioSelect, **common)
    if kind == "multichoice":
        # Unticked boxes send nothing: "none of these" is an answer, and eligibility says what it means.
        return forms.MultipleChoiceField(
            choices=choices, widget=forms.CheckboxSelectMultiple, **{**common, "required": False}
        )
    if kind == "date":
        return forms.DateField(widget=forms.DateInput(attrs={"type": "date"}), **common)
    if kind == "text":
        # A description, a list of products or goods may be long and typed one per line (a box); an identifier is
        # one short line.
        multiline = definition.get("multiline")
        widget = forms.Textarea(attrs={"rows": 6 if multiline is True else 4}) if multiline else None
        length = definition.get("max_length", MAX_FACT_LENGTH if multiline else 100)
        return forms.CharField(max_length=min(length, MAX_FACT_LENGTH), widget=widget, **common)
    if kind == "count":
        return forms.IntegerField(min_value=definition.get("min", 0), max_value=MAX_COUNT, **common)
    raise ValueError(f"unknown fact kind {kind!r}")


def estimate_schema(schema: list[dict]) -> list[dict]:
    """The facts the estimate asks for (not the identifiers only a filing needs)."""
    return [d for d in schema if d.get("estimate", True)]


def facts_for_display(schema: list[dict], facts: dict) -> list[tuple[str, str]]:
    """(label, value) in the active language for a frozen version's facts: choices by their labels,
    booleans as yes/no, money with thousands separators."""
    by_name = {d["name"]: d for d in schema}
    # In the form's order (a stored version's JSON keeps its keys in PostgreSQL's order, not the form's).
    order = {name: n for n, name in enumerate(by_name)}
    rows = []
    for name, value in sorted(facts.items(), key=lambda item: order.get(item[0], len(order))):
        definition = by_name.get(name, {"label_en": name, "label_zh": name, "kind": "text"})
        labels = {c["value"]: localized(c, "label") for c in definition.get("choices", [])}
        kind = definition.get("kind")
        if kind == "bool":
            shown = str(_("Yes") if value is True else _("No"))
        elif kind == "money":
            shown = yuan(Decimal(str(value)))
        elif kind == "multichoice":
            shown = ", ".join(labels.get(v, v) for v in value)
        elif kind == "count":
            shown = f"{int(value):,}"
        else:
            shown = labels.get(value, str(value))
        rows.append((localized(definition, "label"), shown))
    return rows


def input_name(name: str) -> str:
    """The name of a fact's input in the form's POST."""
    return f"{PREFIX}-{name}"


def _problem(value) -> str | None:
    """Why a fact's value cannot be stored as typed ("number", "text" or "type"), or None."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        # 1e309 parses as infinity, which PostgreSQL's jsonb refuses; no fact means a number beyond any amount.
        return None if math.isfinite(value) and abs(value) < MAX_NUMBER else "number"
    if isinstance(value, str):
        try:
            value.encode("utf-8")  # a lone surrogate cannot be stored
        except UnicodeEncodeError:
            return "text"
        return None if "\x00" not in value and len(value) <= MAX_FACT_LENGTH else "text"
    if isinstance(value, list | dict):
        items = [*value.keys(), *value.values()] if isinstance(value, dict) else value
        return next((problem for problem in map(_problem, items) if problem), None)
    return "type"


def unstorable_facts(facts: dict) -> dict:
    """{name: [message]} for the facts of a draft that cannot be kept as typed: a number that is not finite
    or out of range, text with NUL or a lone surrogate, anything too long, anywhere in a list or an object.
    Drafts keep what was typed, valid or not, so this is the one check before a draft's facts are stored."""
    messages = {
        "number": _("A number must be finite and below %(limit)s.") % {"limit": f"{MAX_NUMBER:,}"},
        "text": _("Too long, or contains characters that cannot be stored."),
        "type": _("Give a text, a number, true/false or a list of those."),
    }
    errors = {}
    for name, value in facts.items():
        if not isinstance(name, str) or _problem(name) or len(name) > MAX_NAME_LENGTH:
            errors[name] = [_("Not a fact name.")]
        elif problem := _problem(value):
            errors[name] = [messages[problem]]
    return errors


def untypable_facts(values: Mapping) -> dict:
    """{name: [message]} for the values no input of the form could have typed: anything but a text, a number,
    true/false or empty, alone or in a list. What the API takes into a draft, before `unstorable_facts`."""
    errors = {}
    for name, value in values.items():
        items = value if isinstance(value, list) else [value]
        if not all(isinstance(v, str | int | float | bool) or v is None for v in items):
            errors[name] = [_("Give a text, a number, true/false or a list of those.")]
    return errors


class FactsForm(forms.Form):
    """A form with one field per fact; `cleaned_data` holds typed values (Decimal, bool, list, date)."""

    prefix = PREFIX

    def __init__(self, schema: list[dict], *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.schema = schema
        for definition in schema:
            # Optional facts (declared figures the dashboards read) may be left empty.
            self.fields[definition["name"]] = fact_field(definition, required=not definition.get("optional", False))

    @classmethod
    def bound_to(cls, schema: list[dict], values: Mapping) -> "FactsForm":
        """The form as if `values` (facts as typed, by name) had been posted."""
        return cls(schema, data={input_name(name): value for name, value in values.items()})

    def parsed(self) -> dict:
        """The typed facts; PortalError with every invalid fact's messages otherwise."""
        if not self.is_valid():
            raise PortalError(ErrorCode.INVALID, errors={"facts": {k: list(v) for k, v in self.errors.items()}})
        return self.cleaned_data


def values_from_post(schema: list[dict], post) -> dict:
    """The facts of a POST as typed, by name: a list for a several-choice fact, text ("" when absent) otherwise."""
    values = {}
    for definition in schema:
        name, key = definition["name"], input_name(definition["name"])
        values[name] = post.getlist(key) if definition["kind"] == "multichoice" else post.get(key, "")
    return values


def parse(schema: list[dict], values: Mapping) -> dict:
    """Facts as typed (a form's POST by name, a draft's kept values) -> typed facts, or PortalError."""
    return FactsForm.bound_to(schema, values).parsed()


def dump(facts: dict) -> dict:
    """Typed facts -> the JSON a version stores: dates in ISO form, amounts as decimal strings, counts as
    numbers; empty answers are left out (an optional fact not given is not stored)."""
    return {
        k: (v.isoformat() if isinstance(v, date) else str(v) if not isinstance(v, bool | list | int) else v)
        for k, v in facts.items()
        if v not in (None, "")
    }


def load(schema: list[dict], stored, *, ignored: Collection[str] = (), drop_unknown: bool = False) -> dict:
    """Facts as JSON (a stored version, the estimate's request) -> typed facts, or PortalError: first for
    what only JSON can get wrong (see `form_data_from_json`), then for what the form refuses. Names in
    `ignored` are dropped; with `drop_unknown`, so is every name the schema does not know."""
    if drop_unknown and isinstance(stored, dict):
        ignored = {*ignored, *stored}  # `ignored` only ever drops names the schema does not know
    data, errors = form_data_from_json(schema, stored, ignored=ignored)
    if errors:
        raise PortalError(ErrorCode.INVALID, errors={"facts": errors})
    return FactsForm(schema, data=data).parsed()


def form_data_from_json(schema: list[dict], payload, *, ignored: Collection[str] = ()) -> tuple[dict, dict]:
    """Map a JSON facts object onto data for `FactsForm(schema)`. Returns (data, errors) — errors for
    what the form cannot judge: a missing or unknown fact, a value of the wrong JSON type. Names in
    `ignored` are accepted and dropped (the identifiers an estimate does not need)."""
    if not isinstance(payload, dict):
        return {}, {None: [_("Facts must be a JSON object of fact names to values.")]}
    by_name = {d["name"]: d for d in schema}
    data, errors = {}, {}
    for name in payload:
        if name not in by_name and name not in ignored:
            errors[name] = [_("No fact named “%(name)s” is asked for this program and track.") % {"name": name}]
    for definition in schema:
        name, kind = definition["name"], definition["kind"]
        if name not in payload or payload[name] is None:
            if not definition.get("optional", False):
                errors[name] = [_("This fact is required.")]
            continue
        value = payload[name]
        if kind == "bool":
            if not isinstance(value, bool):
                errors[name] = [_("Answer true or false.")]
                continue
            value = "true" if value else "false"
        elif kind == "money":
            if isinstance(value, bool) or not isinstance(value, str | int | float):
                errors[name] = [_('Enter an amount as a decimal string, such as "1250000.00".')]
                continue
            value = str(value)
        elif kind == "count":
            if isinstance(value, bool) or not isinstance(value, str | int):
                errors[name] = [_("Enter a whole number.")]
                continue
            value = str(value)
        elif kind == "multichoice":
            if not isinstance(value, list):
                errors[name] = [_("Give a list of values.")]
                continue
        elif not isinstance(value, str):
            errors[name] = [_("Enter text.")]
            continue
        data[input_name(name)] = value
    return data, errors
