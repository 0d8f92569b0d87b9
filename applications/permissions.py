"""Who may do what to an application: small functions answering (allowed, reason).

Visibility itself is `selectors.visible_applications`; these decide the actions on what is visible.
"""

from django.utils.translation import gettext as _

from applications import workflow
from applications.models import Application, Attachment, State
from applications.selectors import visible_applications

EDITABLE = {State.DRAFT, State.RETURNED}


def can_view_application(user, application: Application) -> tuple[bool, str]:
    if visible_applications(user).filter(pk=application.pk).exists():
        return True, ""
    return False, _("You may not see this application.")


def can_edit_application(user, application: Application) -> tuple[bool, str]:
    if not workflow.is_applicant(user, application):
        return False, _("Only members of the applying organisation may change an application.")
    if application.state not in EDITABLE:
        return False, _("A submitted application is frozen; it can be corrected only after it is returned to you.")
    return True, ""


def can_submit_application(user, application: Application) -> tuple[bool, str]:
    action = workflow.Action.RESUBMIT if application.state == State.RETURNED else workflow.Action.SUBMIT
    if workflow.step_for(application.state, action) is None:
        return False, _("This application cannot be submitted in its present state.")
    if not workflow.is_applicant(user, application):
        return False, _("Only members of the applying organisation may submit.")
    return True, ""


def can_withdraw_application(user, application: Application) -> tuple[bool, str]:
    if workflow.step_for(application.state, workflow.Action.WITHDRAW) is None:
        return False, _("An application can be withdrawn only after submission and before the decision.")
    if not workflow.is_applicant(user, application):
        return False, _("Only members of the applying organisation may withdraw.")
    return True, ""


def can_download_attachment(user, attachment: Attachment) -> tuple[bool, str]:
    """Members of the organisation, and the officers the application is routed to once submitted."""
    allowed, reason = can_view_application(user, attachment.application)
    if not allowed:
        return False, reason
    if not workflow.is_applicant(user, attachment.application) and not attachment.versions.exists():
        return False, _("Only the applicant sees documents that were never submitted.")
    return True, ""
