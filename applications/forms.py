import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from applications.models import Call
from portal.bilingual import localized


class NewApplicationForm(forms.Form):
    track = forms.ChoiceField(label=_("Track"))
    title = forms.CharField(
        label=_("Project or product name"),
        max_length=200,
        help_text=_("As it appears on the clinical trial approval, certificate or project approval."),
    )

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        tracks = list(program.tracks.all())
        self.fields["track"].choices = [(t.code, localized(t, "title") or program.code) for t in tracks]
        if len(tracks) == 1:
            self.fields["track"].initial = tracks[0].code
            self.fields["track"].widget = forms.HiddenInput()
            # The one track of a single-track program is unnamed (code ""): nothing to choose, nothing required.
            self.fields["track"].required = bool(tracks[0].code)


class CallQueryForm(forms.Form):
    """The ?call=<id> of the new-application page: one of `calls`; anything else (junk, an id past the
    database's integer range) is simply not a valid choice."""

    call = forms.ModelChoiceField(queryset=None)

    def __init__(self, *args, calls, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = calls


class TitleForm(forms.Form):
    title = forms.CharField(label=_("Project or product name"), max_length=200)


class AttachmentForm(forms.Form):
    document_type = forms.ChoiceField(label=_("Document"))
    file = forms.FileField(label=_("File (PDF, JPEG or PNG, at most 20 MB)"))

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_type"].choices = [(d["code"], localized(d, "label")) for d in program.document_types]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ConfirmAmountsForm(forms.Form):
    """The Django admin's "confirm the amounts" action: which official text the administrator read."""

    against = forms.CharField(
        label=_("Official text the amounts were checked against"),
        max_length=300,
        help_text=_("Document number and where the text was read, e.g. the government's gazette."),
    )


class CallFilter(django_filters.FilterSet):
    """Which open calls a visitor asks for, the same on the calls page and at GET /api/v1/calls/. A call is
    the lead commission's (SPEC §4: the first unit a clause lists leads and issues the call; co-reviewers
    give opinions, and FIN co-reviews every program, so "FIN's calls" would be all of them)."""

    commission = django_filters.CharFilter(
        method="led_by", help_text="Code of the commission that leads the program, e.g. STCSM."
    )
    program = django_filters.CharFilter(field_name="program__code", help_text="Program code.")
    kind = django_filters.CharFilter(field_name="program__kind", help_text="Kind of support.")
    policy = django_filters.CharFilter(field_name="program__policy__code", help_text="Policy code.")

    class Meta:
        model = Call
        fields = ["commission", "program", "kind", "policy"]

    def led_by(self, queryset, name, value):
        return queryset.filter(program__lead__code=value.strip().upper())


class CallFilterForm(forms.Form):
    """The calls page's filters as choices (a value not offered is a field error there); `CallFilter`
    applies what it cleaned."""

    commission = forms.ChoiceField(label=_("Lead commission"), required=False)
    kind = forms.ChoiceField(label=_("Kind of support"), required=False)
    policy = forms.ChoiceField(label=_("Policy"), required=False)

    def __init__(self, *args, commissions, policies, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("All")), *[(k["kind"], localized(k, "kind_label")) for k in kinds]]
        self.fields["commission"].choices = [("", _("All")), *[(c.code, localized(c, "name")) for c in commissions]]
        self.fields["policy"].choices = [("", _("All")), *[(p.code, localized(p, "title")) for p in policies]]
