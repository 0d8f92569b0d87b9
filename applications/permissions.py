"""Who may do what to an application: small functions answering (allowed, reason).

Visibility itself is `selectors.visible_applications`; these decide the actions on what is visible.
"""

from django.utils.translation import gettext as _

from applications import workflow
from applications.models import Application, Attachment, Call, Policy, Program, State
from applications.selectors import visible_applications
from portal.accounts.predicates import is_admin, is_lead_of, is_officer, may_apply_for
from portal.errors import refuse

EDITABLE = {State.DRAFT, State.RETURNED}


def can_view_application(user, application: Application) -> tuple[bool, str]:
    if visible_applications(user).filter(pk=application.pk).exists():
        return True, ""
    return refuse("not_visible", _("You may not see this application."))


def can_edit_application(user, application: Application) -> tuple[bool, str]:
    if not workflow.is_applicant(user, application):
        return refuse("not_applicant", _("Only members of the applying organisation may change an application."))
    if application.state not in EDITABLE:
        return refuse(
            "frozen",
            _("A submitted application is frozen; it can be corrected only after it is returned to you."),
        )
    return True, ""


def can_withdraw_application(user, application: Application) -> tuple[bool, str]:
    if workflow.step_of(application, workflow.Action.WITHDRAW) is None:
        return refuse(
            "wrong_state", _("An application can be withdrawn only after submission and before the decision.")
        )
    if not workflow.is_applicant(user, application):
        return refuse("not_applicant", _("Only members of the applying organisation may withdraw."))
    return True, ""


def can_download_attachment(user, attachment: Attachment) -> tuple[bool, str]:
    """Members of the organisation, and the officers the application is routed to once submitted."""
    allowed, reason = can_view_application(user, attachment.application)
    if not allowed:
        return False, reason
    if not workflow.is_applicant(user, attachment.application) and not attachment.versions.exists():
        return refuse("never_submitted", _("Only the applicant sees documents that were never submitted."))
    return True, ""


def can_read_reading_notes(user, program: Program) -> tuple[bool, str]:
    """A program's reading notes (how the portal reads a clause where the sources disagree) are working
    knowledge of the commissions and the administrators, not a public statement of the policy."""
    if is_officer(user) or is_admin(user):
        return True, ""
    return refuse("staff_only", _("Reading notes are for officers and administrators."))


def can_confirm_policy_amounts(user, policy: Policy) -> tuple[bool, str]:
    """Amounts taken from press reports become the basis of calls and awards only on an administrator's
    recorded reading of the official text."""
    if is_admin(user):
        return True, ""
    return refuse("admin_only", _("Only an administrator confirms a policy's amounts against the official text."))


def can_broadcast_to_call(user, call: Call) -> tuple[bool, str]:
    """The lead commission speaks for a call: its officers write to every applicant (applications/broadcasts.py)."""
    if is_lead_of(user, call.program):
        return True, ""
    return refuse("not_lead", _("Only officers of the commission that leads this call may write to its applicants."))


def can_view_broadcasts(user, call: Call) -> tuple[bool, str]:
    """What the lead commission told a call's applicants: its officers and the administrators read the record
    (each applicant reads its own in the inbox)."""
    if is_lead_of(user, call.program) or is_admin(user):
        return True, ""
    return refuse("not_lead", _("Only the lead commission and administrators see the announcements of a call."))


def can_manage_alerts(user, organisation) -> tuple[bool, str]:
    """Any member who may apply for the organisation chooses the calls it is alerted of: an alert files
    nothing and every member may already read every call, so it needs no team administrator."""
    if may_apply_for(user, organisation):
        return True, ""
    return refuse("not_member", _("Only members of the organisation choose its call alerts."))
