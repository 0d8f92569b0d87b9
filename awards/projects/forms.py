"""Forms of the project pages. They check shapes only (a date is a date, an amount an amount); the rules live in
the services, whose PortalError lands on the form's fields (`PortalError.add_to_form`)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from awards.projects.models import AcceptanceOutcome, DocumentKind, VariationKind
from awards.projects.terms import MAX_ROWS
from portal.accounts.models import Role, User
from portal.amounts import AmountField

ROWS_SHOWN_EMPTY = 2  # blank rows offered below those typed, up to MAX_ROWS


def _text(label, max_length=200, **kwargs):
    return forms.CharField(label=label, max_length=max_length, required=False, **kwargs)


def _textarea(label, rows=4, max_length=4000, required=False):
    return forms.CharField(
        label=label, widget=forms.Textarea(attrs={"rows": rows}), max_length=max_length, required=required
    )


class StatementForm(forms.Form):
    """The task statement: goals, the project lead, indicators and milestones as rows of fields (no JavaScript
    needed: blank rows are offered and dropped when left empty)."""

    goals = _textarea(_("Goals of the project"), rows=5)
    lead_name = _text(_("Full name"), 100)
    lead_phone = _text(_("Phone"), 40)
    lead_email = _text(_("E-mail"), 254)

    def __init__(self, *args, content: dict, **kwargs):
        indicators, milestones = content.get("indicators", []), content.get("milestones", [])
        self.indicator_rows = min(MAX_ROWS, len(indicators) + ROWS_SHOWN_EMPTY)
        self.milestone_rows = min(MAX_ROWS, len(milestones) + ROWS_SHOWN_EMPTY)
        initial = {
            "goals": content.get("goals", ""),
            "lead_name": content.get("lead", {}).get("name", ""),
            "lead_phone": content.get("lead", {}).get("phone", ""),
            "lead_email": content.get("lead", {}).get("email", ""),
        }
        for n, row in enumerate(indicators, start=1):
            initial.update({f"indicator_{n}_{k}": row.get(k, "") for k in ("name", "unit", "target")})
        for n, row in enumerate(milestones, start=1):
            initial.update(
                {f"milestone_{n}_label": row.get("label", ""), f"milestone_{n}_due_on": row.get("due_on", "")}
            )
        super().__init__(*args, initial=initial, **kwargs)
        for n in range(1, self.indicator_rows + 1):
            self.fields[f"indicator_{n}_name"] = _text(_("Indicator %(n)s") % {"n": n})
            self.fields[f"indicator_{n}_unit"] = _text(_("Unit"), 40)
            self.fields[f"indicator_{n}_target"] = _text(_("Target"), 100)
        for n in range(1, self.milestone_rows + 1):
            self.fields[f"milestone_{n}_label"] = _text(_("Milestone %(n)s") % {"n": n})
            self.fields[f"milestone_{n}_due_on"] = _text(_("Date"), 10, widget=forms.DateInput(attrs={"type": "date"}))

    def indicator_fields(self):
        return [
            [self[f"indicator_{n}_{k}"] for k in ("name", "unit", "target")] for n in range(1, self.indicator_rows + 1)
        ]

    def milestone_fields(self):
        return [
            [self[f"milestone_{n}_label"], self[f"milestone_{n}_due_on"]] for n in range(1, self.milestone_rows + 1)
        ]

    def content(self) -> dict:
        data = self.cleaned_data
        return {
            "goals": data["goals"],
            "lead": {"name": data["lead_name"], "phone": data["lead_phone"], "email": data["lead_email"]},
            "indicators": [
                {k: data[f"indicator_{n}_{k}"] for k in ("name", "unit", "target")}
                for n in range(1, self.indicator_rows + 1)
            ],
            "milestones": [
                {"label": data[f"milestone_{n}_label"], "due_on": data[f"milestone_{n}_due_on"]}
                for n in range(1, self.milestone_rows + 1)
            ],
        }


class DecisionForm(forms.Form):
    """The lead's answer on a statement, a report or a variation: yes, or no with the reason."""

    decision = forms.ChoiceField(widget=forms.RadioSelect)
    reason = _textarea(_("Reason (the enterprise reads it; required to return or refuse)"), rows=3)

    def __init__(self, *args, yes, no, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["decision"].label = _("Decision")
        self.fields["decision"].choices = [("yes", yes), ("no", no)]


def statement_decision_form(*args, **kwargs) -> DecisionForm:
    return DecisionForm(*args, yes=_("Accept the task statement"), no=_("Return it for correction"), **kwargs)


def report_decision_form(*args, **kwargs) -> DecisionForm:
    return DecisionForm(*args, yes=_("Accept the report"), no=_("Return it for correction"), **kwargs)


def variation_decision_form(*args, **kwargs) -> DecisionForm:
    return DecisionForm(*args, yes=_("Approve the variation"), no=_("Refuse it"), **kwargs)


class ReportForm(forms.Form):
    narrative = _textarea(_("What was done since the last report"), rows=5)

    def __init__(self, *args, indicators: list[dict], initial_values: dict | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        values = initial_values or {}
        fields = {}
        for indicator in indicators:
            unit = f" ({indicator['unit']})" if indicator.get("unit") else ""
            fields[f"value_{indicator['key']}"] = _text(
                _("%(name)s: value reached%(unit)s — target %(target)s")
                % {"name": indicator["name"], "unit": unit, "target": indicator["target"]},
                100,
                initial=values.get(indicator["key"], ""),
            )
        self.fields = {**fields, **self.fields}
        self.indicators = indicators

    def values(self) -> dict:
        return {i["key"]: self.cleaned_data.get(f"value_{i['key']}", "") for i in self.indicators}


class UploadForm(forms.Form):
    file = forms.FileField(label=_("Document (PDF, JPEG or PNG)"))


class AcceptanceDocumentForm(UploadForm):
    kind = forms.ChoiceField(
        label=_("Which document"),
        choices=[
            (DocumentKind.FINAL_REPORT, DocumentKind.FINAL_REPORT.label),
            (DocumentKind.AUDIT_REPORT, DocumentKind.AUDIT_REPORT.label),
        ],
    )
    field_order = ["kind", "file"]


class VariationForm(forms.Form):
    kind = forms.ChoiceField(label=_("What is to change"), choices=VariationKind.choices, widget=forms.RadioSelect)
    milestone = forms.ChoiceField(label=_("Milestone to extend"), required=False)
    due_on = forms.DateField(label=_("New date"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    name = _text(_("New project lead, or the indicator's name"), 200)
    phone = _text(_("New lead's phone"), 40)
    email = _text(_("New lead's e-mail"), 254)
    indicator = forms.ChoiceField(label=_("Indicator to change"), required=False)
    unit = _text(_("Indicator's unit"), 40)
    target = _text(_("Indicator's new target"), 100)
    grounds = _textarea(_("Why the change is needed"), rows=4)

    def __init__(self, *args, content: dict, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["milestone"].choices = [("", "—")] + [
            (m["key"], f"{m['label']} ({m['due_on']})") for m in content.get("milestones", [])
        ]
        self.fields["indicator"].choices = [("", "—")] + [
            (i["key"], f"{i['name']} → {i['target']}") for i in content.get("indicators", [])
        ]

    def change(self) -> dict:
        data = self.cleaned_data
        due = data.get("due_on")
        return {
            "milestone": data.get("milestone"),
            "due_on": due.isoformat() if due else "",
            "name": data.get("name"),
            "phone": data.get("phone"),
            "email": data.get("email"),
            "indicator": data.get("indicator"),
            "unit": data.get("unit"),
            "target": data.get("target"),
        }


class AcceptanceForm(forms.Form):
    summary = _textarea(_("Final report: what the project achieved against its goals"), rows=6)
    audited_spending = AmountField(label=_("Spending as audited (CNY)"), required=False)

    def __init__(self, *args, indicators: list[dict], **kwargs):
        super().__init__(*args, **kwargs)
        for indicator in indicators:
            self.fields[f"achieved_{indicator['key']}"] = _text(
                _("%(name)s: value reached — target %(target)s") % indicator, 100
            )
        self.indicators = indicators

    def achieved(self) -> dict:
        return {i["key"]: self.cleaned_data.get(f"achieved_{i['key']}", "") for i in self.indicators}


RETURN = "return"


class AcceptanceDecisionForm(forms.Form):
    outcome = forms.ChoiceField(
        label=_("Decision"),
        choices=[*AcceptanceOutcome.choices, (RETURN, _("Return the application for completion"))],
        widget=forms.RadioSelect,
    )
    reasons = _textarea(_("Reasons (required)"), rows=3)
    conditions = _textarea(_("Conditions (when passed with conditions)"), rows=2)
    fraud = forms.BooleanField(
        label=_("Fraud found (credit record and a three-year ban from applying)"), required=False
    )


class PanelForm(forms.Form):
    experts = forms.ModelMultipleChoiceField(
        label=_("Experts of the panel"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["experts"].queryset = User.objects.filter(role=Role.EXPERT, is_active=True).order_by("username")


class ReasonForm(forms.Form):
    reason = _textarea(_("Reason (recorded)"), rows=3)


class ClawbackAmendForm(forms.Form):
    amount = AmountField(label=_("Amount to claw back (CNY)"))
    reason = _textarea(_("Why this amount (recorded)"), rows=3)


class PayForm(forms.Form):
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Payment reference"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("initial", {"paid_on": timezone.localdate()})
        super().__init__(*args, **kwargs)
