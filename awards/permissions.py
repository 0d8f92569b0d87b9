"""Who may do what with awards: small functions answering (allowed, reason)."""

from django.utils.translation import gettext as _

from applications.models import Call
from applications.selectors import visible_applications
from awards.models import Award, Letter
from portal.accounts.predicates import is_active_user, is_budget_confirmer, is_expert, is_lead_of
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
