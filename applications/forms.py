import django_filters
from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from applications.models import AlertCriterion, Call
from portal.bilingual import localized

# A service channel's case is named by what it is about, not by a product or project.
CASE_SUBJECT = _("Subject of the case")


class NewApplicationForm(forms.Form):
    track = forms.ChoiceField(label=_("Track"))
    title = forms.CharField(
        label=_("Project or product name"),
        max_length=200,
        help_text=_("As it appears on the clinical trial approval, certificate or project approval."),
    )

    def __init__(self, *args, program, **kwargs):
        super().__init__(*args, **kwargs)
        if program.is_channel:
            self.fields["title"].label = CASE_SUBJECT
            self.fields["title"].help_text = _("In a few words, e.g. “Customs clearance of trial samples for the US”.")
        tracks = list(program.tracks.all())
        self.fields["track"].choices = [(t.code, localized(t, "title") or program.code) for t in tracks]
        if len(tracks) == 1:
            self.fields["track"].initial = tracks[0].code
            self.fields["track"].widget = forms.HiddenInput()
            # The one track of a program without tracks is named "": an empty answer is that track.
            self.fields["track"].required = tracks[0].code != ""


class TrackForm(forms.Form):
    """The track of a draft before its first submission: the questions and documents are the chosen track's."""

    track = forms.ChoiceField(
        label=_("Track"),
        help_text=_(
            "The questions and documents below are those of the track chosen; what you typed for another "
            "track is kept in the draft."
        ),
    )

    def __init__(self, *args, tracks, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["track"].choices = [(t.code, localized(t, "title") or t.code) for t in tracks]


class CallQueryForm(forms.Form):
    """The ?call=<id> of the new-application page: one of `calls`; anything else (junk, an id past the
    database's integer range) is simply not a valid choice."""

    call = forms.ModelChoiceField(queryset=None)

    def __init__(self, *args, calls, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["call"].queryset = calls


class TitleForm(forms.Form):
    title = forms.CharField(label=_("Project or product name"), max_length=200)

    def __init__(self, *args, program=None, **kwargs):
        super().__init__(*args, **kwargs)
        if program is not None and program.is_channel:
            self.fields["title"].label = CASE_SUBJECT


class AttachmentForm(forms.Form):
    document_type = forms.ChoiceField(label=_("Document"))
    file = forms.FileField(label=_("File (PDF, JPEG or PNG, at most 20 MB)"))

    def __init__(self, *args, track, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["document_type"].choices = [(d["code"], localized(d, "label")) for d in track.document_types]


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class ConfirmAmountsForm(forms.Form):
    """The Django admin's "confirm the amounts" action: which official text the administrator read."""

    against = forms.CharField(
        label=_("Official text the amounts were checked against"),
        max_length=300,
        help_text=_("Document number and where the text was read, e.g. the government's gazette."),
    )


OPEN, UPCOMING = "open", "upcoming"
CALL_STATUSES = [(OPEN, _("Open now")), (UPCOMING, _("Upcoming"))]


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
    status = django_filters.ChoiceFilter(
        choices=CALL_STATUSES,
        method="kept",
        help_text="open (the default): taking applications now; upcoming: announced, opening later.",
    )

    class Meta:
        model = Call
        fields = ["commission", "program", "kind", "policy", "status"]

    def led_by(self, queryset, name, value):
        return queryset.filter(program__lead__code=value.strip().upper())

    def kept(self, queryset, name, value):
        return queryset  # the status is applied in filter_queryset, with its default

    def filter_queryset(self, queryset):
        """Open calls unless `status=upcoming` is asked: what the filter gave before calls were announced."""
        queryset = super().filter_queryset(queryset)
        now = timezone.now()
        if self.form.cleaned_data.get("status") == UPCOMING:
            return queryset.filter(opens_at__gt=now)
        return queryset.filter(opens_at__lte=now, closes_at__gt=now)


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


class BroadcastForm(forms.Form):
    """The lead commission's announcement to a call's applicants, in the language its author writes."""

    subject = forms.CharField(label=_("Subject"), max_length=200)
    body = forms.CharField(label=_("Message"), max_length=5000, widget=forms.Textarea(attrs={"rows": 8}))


class AlertForm(forms.Form):
    """One criterion to be alerted by: what it is (kind, commission, measure) and its code. Whether the code names
    something is the service's to say (`alerts.alert_add`), as a field error."""

    criterion = forms.ChoiceField(label=_("Alert me of calls by"), choices=AlertCriterion.choices)
    value = forms.CharField(label=_("Which"), max_length=60)

    def __init__(self, *args, choices=None, **kwargs):
        super().__init__(*args, **kwargs)
        if choices is not None:
            self.fields["value"].widget = forms.Select(choices=[("", "—"), *choices])
