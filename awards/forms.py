from django import forms
from django.utils.translation import gettext_lazy as _

from awards.estimates import policy_ended
from portal.amounts import AmountField
from portal.bilingual import localized


def _policy_label(policy) -> str:
    title = localized(policy, "title")
    if policy_ended(policy):
        return _("%(title)s (ended on %(end)s)") % {"title": title, "end": policy.effective_to.isoformat()}
    return title


def track_choices(programs) -> list:
    """Grouped by policy: [(policy title, [("CODE:track", "CODE title — track title"), ...]), ...], the policies in
    force first; each measure of an ended policy says so itself (a phone's picker may not show the group's title)."""
    groups: dict[str, list] = {}
    ended: set[str] = set()
    for program in programs:
        for track in program.tracks.all():
            label = f"{program.code} · {localized(program, 'title')}"
            if track.code:
                label += f" — {localized(track, 'title')}"
            group = _policy_label(program.policy)
            if policy_ended(program.policy):
                ended.add(group)
                label = _("%(measure)s [ended on %(end)s]") % {
                    "measure": label,
                    "end": program.policy.effective_to.isoformat(),
                }
            groups.setdefault(group, []).append((f"{program.code}:{track.code}", label))
    return sorted(groups.items(), key=lambda item: item[0] in ended)


class TrackChoiceForm(forms.Form):
    measure = forms.ChoiceField(label=_("Support measure"))

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [("", _("Choose a program and track…")), *track_choices(programs)]

    def program_and_track(self) -> tuple[str, str]:
        program, _sep, track = self.cleaned_data["measure"].partition(":")
        return program, track


def _optional_money(label, help_text):
    return AmountField(label=label, help_text=help_text, required=False)


class PublishNoticeForm(forms.Form):
    """Publishing cannot be undone (the awards are public and open to objections): the lead confirms it first."""

    confirm = forms.BooleanField(
        label=_("I have checked the awards and their amounts: publish them for objections now"),
        help_text=_("Published awards are public at once and cannot be withdrawn from the notice."),
    )


class EstimateContextForm(forms.Form):
    awarded_this_year = _optional_money(
        _("Already awarded to your organisation under this program this year (CNY)"),
        _("Leave empty if none. The yearly cap per enterprise counts it."),
    )
    awarded_in_overlap_group = _optional_money(
        _("Already awarded for this product or project by programs that fund the same thing (CNY)"),
        _("Leave empty if none. A product or project is funded once, at the higher amount."),
    )


class ObjectionForm(forms.Form):
    """A written objection: anonymous ones are not accepted, so the objector says who they are."""

    name = forms.CharField(label=_("Your name"), max_length=100)
    organisation = forms.CharField(label=_("Your organisation (if you object for one)"), max_length=200, required=False)
    id_number = forms.CharField(
        label=_("Resident identity card number, or unified social credit code"),
        help_text=_("Your own ID card number; the organisation's unified social credit code if you object for it."),
        max_length=40,
    )
    phone = forms.CharField(label=_("Phone"), max_length=40)
    email = forms.EmailField(label=_("E-mail"), required=False)
    text = forms.CharField(
        label=_("The objection and its grounds"), widget=forms.Textarea(attrs={"rows": 6}), max_length=8000
    )
    signed = forms.BooleanField(
        label=_("I sign this objection with my name and confirm that what I state is true."), required=True
    )


class ResolveObjectionForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("Outcome"),
        choices=[("false", _("Dismissed: the award stands")), ("true", _("Upheld: back to the lead commission"))],
        coerce=lambda v: v == "true",
        widget=forms.RadioSelect,
    )
    resolution = forms.CharField(
        label=_("How it was resolved"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )


class DismissObjectionsForm(forms.Form):
    """One resolution for several objections, all dismissed (upholding one is decided on its own form)."""

    objections = forms.ModelMultipleChoiceField(queryset=None, widget=forms.CheckboxSelectMultiple)
    resolution = forms.CharField(
        label=_("Why they are dismissed"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )

    def __init__(self, *args, objections, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["objections"].queryset = objections


class PaymentForm(forms.Form):
    amount = AmountField(label=_("Amount (CNY)"))
    paid_on = forms.DateField(label=_("Paid on"), widget=forms.DateInput(attrs={"type": "date"}))
    reference = forms.CharField(label=_("Payment reference"), max_length=100, required=False)


class ClawbackForm(forms.Form):
    amount = AmountField(label=_("Amount (CNY)"))
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)
    fraud = forms.BooleanField(
        label=_("Fraud found (credit record and a three-year ban from applying)"), required=False
    )


class ResolveEntryObjectionForm(ResolveObjectionForm):
    """As an award's, in the words of a listing."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["upheld"].choices = [
            ("false", _("Dismissed: the listing goes ahead")),
            ("true", _("Upheld: back to the lead commission")),
        ]


class RegisterSearchForm(forms.Form):
    """The public register's search: a holder's name, what is listed, a product key or a certificate number."""

    q = forms.CharField(label=_("Search"), max_length=100, required=False)
    state = forms.ChoiceField(label=_("State"), required=False)

    def __init__(self, *args, states, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All")), *states]


class RemovalForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason for removal (the public register shows it)"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )


class VerifyUploadForm(forms.Form):
    """A copy of a letter to check against the issued PDF (awards/verification.pdf_check reads and refuses it)."""

    file = forms.FileField(
        label=_("PDF of the letter or certificate"),
        help_text=_("At most 10 MB. The file is compared and then discarded; nothing is stored."),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,.pdf"}),
    )
