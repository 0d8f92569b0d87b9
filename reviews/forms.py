"""Forms of the officers' and experts' pages. They check shapes only; rules live in the services."""

import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import CALL_BLOBS, Call, Program
from portal.accounts.districts import DISTRICT_CHOICES
from portal.accounts.models import Commission
from portal.amounts import AmountField
from portal.bilingual import localized
from reviews.checklist import CHECKLIST, CODES
from reviews.models import Outcome, ReviewTask, TaskKind
from reviews.routing import programs_reviewed_by


class QueueFilter(django_filters.FilterSet):
    """Filters of a commission's queue. The queryset it narrows is already the commission's own."""

    q = django_filters.CharFilter(label=_("Organisation, USCC or receipt number"), method="search")
    call = django_filters.ModelChoiceFilter(
        label=_("Call"), field_name="application__call", queryset=Call.objects.none()
    )
    program = django_filters.ModelChoiceFilter(
        label=_("Program"), field_name="application__call__program", queryset=Program.objects.none()
    )
    kind = django_filters.ChoiceFilter(label=_("Stage"), choices=TaskKind.choices)
    district = django_filters.ChoiceFilter(
        label=_("District"), field_name="application__organisation__district", choices=DISTRICT_CHOICES
    )
    overdue = django_filters.BooleanFilter(label=_("Overdue only"), method="only_overdue", widget=forms.CheckboxInput)
    mine = django_filters.BooleanFilter(label=_("Assigned to me"), method="only_mine", widget=forms.CheckboxInput)

    class Meta:
        model = ReviewTask
        fields = ["q", "call", "program", "kind", "district", "overdue", "mine"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        # Calls of the programs this commission reviews, as routing decides. Reading them off the
        # commission's tasks instead joined every task and application: seconds at 100,000 applications.
        calls = Call.objects.filter(program__in=programs_reviewed_by(user.commission_id).values("pk"))
        self.filters["call"].queryset = calls.select_related("program").defer(*CALL_BLOBS)
        self.filters["program"].queryset = Program.objects.filter(pk__in=calls.values("program_id"))

    def search(self, queryset, name, value):
        value = value.strip()
        if not value:
            return queryset
        return queryset.filter(
            Q(application__organisation__name__icontains=value)
            | Q(application__organisation__uscc__iexact=value.upper())
            | Q(application__receipt_number__iexact=value)
        )

    def only_overdue(self, queryset, name, value):
        return queryset.filter(due_on__lt=timezone.localdate()) if value else queryset

    def only_mine(self, queryset, name, value):
        return queryset.filter(assigned_to=self.user) if value else queryset


class AssignForm(forms.Form):
    tasks = forms.ModelMultipleChoiceField(queryset=ReviewTask.objects.none(), widget=forms.MultipleHiddenInput)
    assignee = forms.ModelChoiceField(label=_("Assign to"), queryset=None, required=False, empty_label=_("Nobody"))

    def __init__(self, *args, tasks, colleagues, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tasks"].queryset = tasks
        self.fields["assignee"].queryset = colleagues


class FormalCheckForm(forms.Form):
    reason = forms.CharField(
        label=_("Reasons the applicant reads (required to return)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=2000,
    )

    def __init__(self, *args, hints=None, **kwargs):
        super().__init__(*args, **kwargs)
        for item in CHECKLIST:
            self.fields[f"check_{item.code}"] = forms.BooleanField(
                label=item.label, required=False, help_text=(hints or {}).get(item.code, "")
            )
        self.order_fields([f"check_{code}" for code in CODES] + ["reason"])

    def checklist(self) -> dict:
        return {code: self.cleaned_data.get(f"check_{code}", False) for code in CODES}


class OpinionForm(forms.Form):
    opinion = forms.ChoiceField(
        label=_("Opinion"),
        choices=[(Outcome.SUPPORT, _("Support")), (Outcome.OBJECT, _("Object"))],
        widget=forms.RadioSelect,
    )
    reasons = forms.CharField(
        label=_("Reasons (required to object)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )


class WaiveOpinionForm(forms.Form):
    reason = forms.CharField(
        label=_("Why the decision proceeds without this opinion"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
    )


class BudgetForm(forms.Form):
    confirmed = forms.TypedChoiceField(
        label=_("Budget"),
        choices=[("true", _("Confirmed: the budget can carry this award")), ("false", _("Not available"))],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000)


class DecisionForm(forms.Form):
    recommended_amount = AmountField(
        label=_("Recommend a lower amount (CNY, optional)"),
        required=False,
        help_text=_("Leave empty to award what the formula gives. A lower amount needs its reason."),
    )
    reason = forms.CharField(
        label=_("Reasons (required to reject or to lower the amount)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        required=False,
        max_length=4000,
    )

    def __init__(self, *args, is_grant: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not is_grant:
            # A recognition has no amount to lower: the decision is the listing itself.
            del self.fields["recommended_amount"]
            self.fields["reason"].label = _("Reasons (required to reject)")


class DeclarationForm(forms.Form):
    has_conflict = forms.TypedChoiceField(
        label=_("Conflict of interest"),
        choices=[
            ("false", _("I have no conflict of interest with this applicant")),
            ("true", _("I have a conflict of interest")),
        ],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("What the conflict is"), required=False, max_length=2000)


class ScoreForm(forms.Form):
    comment = forms.CharField(
        label=_("Comments"), widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=4000
    )

    def __init__(self, *args, rubric, **kwargs):
        super().__init__(*args, **kwargs)
        for criterion in rubric:
            self.fields[f"score_{criterion['code']}"] = forms.IntegerField(
                label=_("%(criterion)s (weight %(weight)s)")
                % {"criterion": localized(criterion, "label"), "weight": criterion["weight"]},
                min_value=0,
                max_value=100,
            )
        self.order_fields([f"score_{c['code']}" for c in rubric] + ["comment"])
        self.rubric = rubric

    def scores(self) -> dict:
        return {c["code"]: self.cleaned_data[f"score_{c['code']}"] for c in self.rubric}


# --- a service channel's case ------------------------------------------------------------------------------


class UnitsWidget(forms.CheckboxSelectMultiple):
    """The units to route to, by name; a unit nobody is registered for is shown but cannot be ticked."""

    def __init__(self, *args, unstaffed=frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        self.unstaffed = unstaffed

    def create_option(self, name, value, label, selected, index, subindex=None, attrs=None):
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        if getattr(value, "value", value) in self.unstaffed:
            option["attrs"]["disabled"] = True
        return option


class RouteForm(forms.Form):
    units = forms.ModelMultipleChoiceField(
        label=_("Units concerned"),
        queryset=Commission.objects.none(),
        help_text=_("Each unit answers within its working-day deadline; the enterprise reads every answer at once."),
    )

    def __init__(self, *args, units, unstaffed: frozenset[int] = frozenset(), **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["units"]
        field.widget = UnitsWidget(unstaffed=unstaffed)
        field.queryset = units  # after the widget: setting the queryset gives the widget its choices
        no_officer = _("no officer registered")
        field.label_from_instance = lambda unit: (
            f"{localized(unit, 'name')} ({no_officer})" if unit.pk in unstaffed else localized(unit, "name")
        )


class AnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer to the enterprise"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=4000,
        help_text=_("The enterprise reads it, with your unit's name, once every unit has answered."),
    )
    internal_note = forms.CharField(
        label=_("Internal note (optional)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        max_length=4000,
        help_text=_("For the lead commission and the other units only; never shown to the enterprise."),
    )


class ReopenForm(forms.Form):
    reason = forms.CharField(
        label=_("What is still unresolved"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_("A case can be reopened once; the lead commission then routes it again."),
    )


# --- the thread of an application (reviews/thread_pages.py) ---------------------------------------------


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field (Django's documented pattern); each is checked by the service."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000)
    files = MultipleFileField(label=_("Files (PDF, JPEG or PNG, at most 20 MB each)"))


class OfficerMessageForm(MessageForm):
    internal = forms.BooleanField(
        label=_("Internal: for the reviewing commissions only, never shown to the applicant"), required=False
    )
    due_on = forms.DateField(
        label=_("Clarification request: the applicant answers by (leave empty for a plain message)"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, may_request: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not may_request:
            del self.fields["due_on"]


class ClarificationAnswerForm(MessageForm):
    body = forms.CharField(label=_("Your answer"), widget=forms.Textarea(attrs={"rows": 4}), max_length=10_000)
