from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from applications.facts import MAX_MONEY_DIGITS
from portal.bilingual import localized


def track_choices(programs) -> list:
    """Grouped by policy: [(policy title, [("CODE:track", "CODE title — track title"), ...]), ...]."""
    groups: dict[str, list] = {}
    for program in programs:
        for track in program.tracks.all():
            label = f"{program.code} · {localized(program, 'title')}"
            if track.code:
                label += f" — {localized(track, 'title')}"
            groups.setdefault(localized(program.policy, "title"), []).append((f"{program.code}:{track.code}", label))
    return list(groups.items())


class TrackChoiceForm(forms.Form):
    measure = forms.ChoiceField(label=_("Support measure"))

    def __init__(self, *args, programs, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["measure"].choices = [("", _("Choose a program and track…")), *track_choices(programs)]

    def program_and_track(self) -> tuple[str, str]:
        program, _sep, track = self.cleaned_data["measure"].partition(":")
        return program, track


def _optional_money(label, help_text):
    return forms.DecimalField(
        label=label,
        help_text=help_text,
        required=False,
        min_value=Decimal(0),
        max_digits=MAX_MONEY_DIGITS,
        decimal_places=2,
        widget=forms.TextInput(attrs={"inputmode": "decimal"}),
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
