"""The formal check's checklist (SPEC §5, "How a real call runs"), defined once: each item's code (the key of
`ReviewTask.checklist`, the form's `check_<code>` box, the API's `checklist`), its label and the hint the portal
gives from what it already knows. The officer confirms every item; each must hold to pass (`routing.py`)."""

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application
from reviews import selectors


def _documents(application: Application) -> str:
    wanted = {d["code"] for d in application.track.document_types}
    attached = {a.document_type for a in application.current_version.attachments.all()}
    if wanted <= attached:
        return _("All %(n)s required documents are attached.") % {"n": len(wanted)}
    return _("Missing: %(codes)s") % {"codes": ", ".join(sorted(wanted - attached))}


def _credit(application: Application) -> str:
    organisation = application.organisation
    if organisation.credit_flag or organisation.banned_until:
        return _("Flagged in the portal: on the serious-dishonesty list or banned. Do not pass.")
    return _("Not flagged in the portal; look the code up on the credit list too: %(uscc)s") % {
        "uscc": organisation.uscc
    }


def _milestone_window(application: Application) -> str:
    date = application.current_version.milestone_date
    return _("Checked at submission: milestone %(date)s.") % {"date": date or "—"}


def _duplicates(application: Application) -> str:
    count = selectors.duplicate_filings(application).count() if application.current_version.product_key else 0
    return _("%(n)s other filing(s) of this organisation for the same product key.") % {"n": count}


@dataclass(frozen=True)
class Item:
    code: str
    label: Promise
    hint: Callable[[Application], str]


CHECKLIST: tuple[Item, ...] = (
    Item("documents", gettext_lazy("Every required document is attached and legible"), _documents),
    Item("credit", gettext_lazy("Not on the serious-dishonesty list and not under a ban (credit check)"), _credit),
    Item("milestone_window", gettext_lazy("The milestone date falls inside the call's window"), _milestone_window),
    Item("duplicates", gettext_lazy("No duplicate filing of the same product or project"), _duplicates),
)
CODES: list[str] = [item.code for item in CHECKLIST]


def hints(application: Application) -> dict[str, str]:
    """What the portal already knows for each item of this application's formal check."""
    return {item.code: item.hint(application) for item in CHECKLIST}
