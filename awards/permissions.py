"""Who may do what with awards: small functions answering (allowed, reason)."""

from django.utils.translation import gettext as _

from applications.models import Call
from applications.selectors import visible_applications
from awards.models import Award, Letter
from portal.accounts.models import Role


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_lead_of(user, call: Call) -> bool:
    return _active(user) and user.role == Role.OFFICER and user.commission_id == call.program.lead_id


def can_publish_notice(user, call: Call) -> tuple[bool, str]:
    if is_lead_of(user, call):
        return True, ""
    return False, _("Only an officer of the lead commission publishes the notice of a call's awards.")


def can_resolve_objection(user, award: Award) -> tuple[bool, str]:
    if is_lead_of(user, award.call):
        return True, ""
    return False, _("Only an officer of the lead commission resolves objections.")


def can_record_money(user, award: Award) -> tuple[bool, str]:
    if _active(user) and user.role == Role.FINANCE and user.commission and user.commission.confirms_budget:
        return True, ""
    return False, _("Only a finance officer of the Finance Bureau records payments and clawbacks.")


def can_view_letter(user, letter: Letter) -> tuple[bool, str]:
    """The organisation's members and the officers the application was routed to."""
    if _active(user) and visible_applications(user).filter(pk=letter.application_id).exists():
        if user.role == Role.EXPERT:
            return False, _("Experts do not receive decision letters.")
        return True, ""
    return False, _("You may not see this letter.")
