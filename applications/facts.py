"""A program's facts as a Django form, generated from the catalogue's fact schema.

One validator for every door: the estimate page and the application form render it, and the API
feeds it JSON (after `form_data_from_json`), so a fact is valid or not in the same way everywhere.
"""

import math
from datetime import date
from decimal import Decimal

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from portal.amounts import MAX_WHOLE_DIGITS, AmountField, yuan
from portal.bilingual import localized

MAX_NUMBER = 10**MAX_WHOLE_DIGITS  # beyond the largest amount the portal stores
MAX_FACT_LENGTH = 1000
MAX_NAME_LENGTH = 100

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
        return forms.CharField(max_length=100, **common)
    raise ValueError(f"unknown fact kind {kind!r}")


def estimate_schema(schema: list[dict]) -> list[dict]:
    """The facts the estimate asks for (not the identifiers only a filing needs)."""
    return [d for d in schema if d.get("estimate", True)]


def facts_for_display(schema: list[dict], facts: dict) -> list[tuple[str, str]]:
    """(label, value) in the active language for a frozen version's facts: choices by their labels,
    booleans as yes/no, money with thousands separators."""
    by_name = {d["name"]: d for d in schema}
    rows = []
    for name, value in facts.items():
        definition = by_name.get(name, {"label_en": name, "label_zh": name, "kind": "text"})
        labels = {c["value"]: localized(c, "label") for c in definition.get("choices", [])}
        kind = definition.get("kind")
        if kind == "bool":
            shown = str(_("Yes") if value is True else _("No"))
        elif kind == "money":
            shown = yuan(Decimal(str(value)))
        elif kind == "multichoice":
            shown = ", ".join(labels.get(v, v) for v in value)
        else:
            shown = labels.get(value, str(value))
        rows.append((localized(definition, "label"), shown))
    return rows


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


class FactsForm(forms.Form):
    """A form with one field per fact; `cleaned_data` holds typed values (Decimal, bool, list, date)."""

    def __init__(self, schema: list[dict], *args, prefix: str | None = "facts", **kwargs):
        super().__init__(*args, prefix=prefix, **kwargs)
        self.schema = schema
        for definition in schema:
            # Optional facts (declared figures the dashboards read) may be left empty.
            self.fields[definition["name"]] = fact_field(definition, required=not definition.get("optional", False))


def form_data_from_json(schema: list[dict], payload, *, ignored: tuple[str, ...] = ()) -> tuple[dict, dict]:
    """Map a JSON facts object onto data for `FactsForm(schema)`. Returns (data, errors) — errors for
    what the form cannot judge: a missing or unknown fact, a value of the wrong JSON type. Names in
    `ignored` are accepted and dropped (the identifiers an estimate does not need)."""
    if not isinstance(payload, dict):
        return {}, {None: [_("Facts must be a JSON object of fact names to values.")]}
    by_name = {d["name"]: d for d in schema}
    data, errors = {}, {}
    for name in payload:
        if name not in by_name and name not in ignored:
            errors[name] = [_("This program has no fact named “%(name)s”.") % {"name": name}]
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
        elif kind == "multichoice":
            if not isinstance(value, list):
                errors[name] = [_("Give a list of values.")]
                continue
        elif not isinstance(value, str):
            errors[name] = [_("Enter text.")]
            continue
        data[f"facts-{name}"] = value
    return data, errors


def dump(facts: dict) -> dict:
    """Cleaned facts as stored on a frozen version (`ApplicationVersion.facts`): dates in ISO form, amounts and
    text as strings (a Decimal stays exact), booleans and lists as they are; unanswered facts left out."""
    return {
        k: (v.isoformat() if isinstance(v, date) else str(v) if not isinstance(v, bool | list) else v)
        for k, v in facts.items()
        if v not in (None, "")
    }
