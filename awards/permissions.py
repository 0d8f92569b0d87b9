"""Who may do what with awards: small functions answering (allowed, reason)."""

from django.utils.translation import gettext as _

from applications.models import Call
from applications.selectors import visible_applications
from awards.models import Award, EntryState, Letter, RegisterEntry
from portal.accounts.predicates import (
    is_active_user,
    is_admin,
    is_budget_confirmer,
    is_expert,
    is_lead_of,
    may_apply_for,
)
from portal.errors import refuse


def can_publish_notice(user, call: Call) -> tuple[bool, str]:
    if is_lead_of(user, call.program):
        return True, ""
    return refuse(
        "not_lead_officer", _("Only an officer of the lead commission publishes the notice of a call's awards.")
    )


def can_resolve_objection(user, award: Award) -> tuple[bool, str]:
    if is_lead_of(user, award.call.program):
        return True, ""
    return refuse("not_lead_officer", _("Only an officer of the lead commission resolves objections."))


def can_record_money(user, award: Award) -> tuple[bool, str]:
    if is_budget_confirmer(user):
        return True, ""
    return refuse(
        "not_budget_confirmer", _("Only a finance officer of the Finance Bureau records payments and clawbacks.")
    )


def can_view_letter(user, letter: Letter) -> tuple[bool, str]:
    """The organisation's members and the officers the application was routed to."""
    if is_active_user(user) and visible_applications(user).filter(pk=letter.application_id).exists():
        if is_expert(user):
            return refuse("expert", _("Experts do not receive decision letters."))
        return True, ""
    return refuse("not_visible", _("You may not see this letter."))


# --- registers ----------------------------------------------------------------------------------------------------


def can_view_entry(user, entry: RegisterEntry) -> tuple[bool, str]:
    """An entry's page (its history, certificates): the holder's members, the lead commission that keeps the
    register, the commissions its file was routed to, and administrators. The public sees the register page."""
    if may_apply_for(user, entry.organisation) or is_lead_of(user, entry.program) or is_admin(user):
        return True, ""
    routed = is_active_user(user) and not is_expert(user)
    if routed and visible_applications(user).filter(pk=entry.application_id).exists():
        return True, ""
    return refuse("not_visible", _("You may not see this entry."))


def can_remove_entry(user, entry: RegisterEntry) -> tuple[bool, str]:
    """Dynamic management is the lead commission's: its officers take a valid entry off the register."""
    if not is_lead_of(user, entry.program):
        return refuse(
            "not_lead_officer", _("Only an officer of the lead commission removes an entry from its register.")
        )
    if entry.state != EntryState.VALID:
        return refuse("not_valid", _("Only a valid entry can be removed."))
    return True, ""


def can_resolve_entry_objection(user, entry: RegisterEntry) -> tuple[bool, str]:
    if is_lead_of(user, entry.program):
        return True, ""
    return refuse("not_lead_officer", _("Only an officer of the lead commission resolves objections."))
