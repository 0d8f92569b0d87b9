"""Who may do what in review: small functions answering (allowed, reason). Tested exhaustively in
tests/reviews/test_permissions.py. The workflow's own steps are checked by `applications.workflow`."""

from django.utils.translation import gettext as _

from applications import workflow
from applications.models import Application, State
from portal.accounts.models import Role
from reviews.models import AssignmentState, ExpertAssignment, ReviewTask, TaskKind, TaskState


def _active(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def is_staff_of(user, commission_id) -> bool:
    return _active(user) and user.role in (Role.OFFICER, Role.FINANCE) and user.commission_id == commission_id


def can_view_task(user, task: ReviewTask) -> tuple[bool, str]:
    if is_staff_of(user, task.commission_id):
        return True, ""
    return False, _("This task belongs to another commission.")


def can_give_opinion(user, task: ReviewTask) -> tuple[bool, str]:
    if not (is_staff_of(user, task.commission_id) and user.role == Role.OFFICER):
        return False, _("Only an officer of %(commission)s may give its opinion.") % {
            "commission": task.commission.code
        }
    if task.kind != TaskKind.OPINION:
        return False, _("This task does not ask for an opinion.")
    if task.state != TaskState.OPEN:
        return False, _("This opinion has already been given.")
    if task.application.state != State.DEPARTMENT_REVIEW:
        return False, _("Opinions are given during department review.")
    return True, ""


def can_confirm_budget(user, task: ReviewTask) -> tuple[bool, str]:
    if not (is_staff_of(user, task.commission_id) and user.role == Role.FINANCE and task.commission.confirms_budget):
        return False, _("Only a finance officer of the Finance Bureau may confirm the budget.")
    if task.kind != TaskKind.BUDGET:
        return False, _("This task is not a budget confirmation.")
    if task.state != TaskState.OPEN:
        return False, _("The budget has already been answered for this application.")
    return True, ""


def can_assign_task(user, task: ReviewTask, assignee) -> tuple[bool, str]:
    if not is_staff_of(user, task.commission_id):
        return False, _("This task belongs to another commission.")
    if assignee is not None and not is_staff_of(assignee, task.commission_id):
        return False, _("A task can be assigned only to a colleague of the same commission.")
    if task.state != TaskState.OPEN:
        return False, _("Only open tasks can be assigned.")
    return True, ""


def can_decide(user, application: Application) -> tuple[bool, str]:
    if not workflow.is_lead_officer(user, application):
        return False, _("Only an officer of the lead commission decides.")
    if application.state not in (State.DEPARTMENT_REVIEW, State.EXPERT_REVIEW):
        return False, _("A decision is taken after department or expert review.")
    return True, ""


def _is_expert_of(user, assignment: ExpertAssignment) -> bool:
    return _active(user) and user.role == Role.EXPERT and assignment.expert_id == user.pk


def can_declare_conflict(user, assignment: ExpertAssignment) -> tuple[bool, str]:
    if not _is_expert_of(user, assignment):
        return False, _("This assignment is another expert's.")
    if assignment.state != AssignmentState.AWAITING_DECLARATION:
        return False, _("The conflict of interest has already been declared.")
    if assignment.application.state != State.EXPERT_REVIEW:
        # Declaring opens the file; once expert review is over there is nothing left to review.
        return False, _("Declarations are closed: the application is no longer in expert review.")
    return True, ""


def can_view_expert_file(user, assignment: ExpertAssignment) -> tuple[bool, str]:
    if not _is_expert_of(user, assignment):
        return False, _("This assignment is another expert's.")
    if assignment.state not in (AssignmentState.OPEN, AssignmentState.SCORED):
        return False, _("Declare any conflict of interest before you see the application.")
    return True, ""


def can_score(user, assignment: ExpertAssignment) -> tuple[bool, str]:
    allowed, reason = can_view_expert_file(user, assignment)
    if not allowed:
        return False, reason
    if assignment.state != AssignmentState.OPEN:
        return False, _("Your score has already been recorded.")
    if assignment.application.state != State.EXPERT_REVIEW:
        return False, _("Scoring is closed: the application is no longer in expert review.")
    return True, ""


def can_invite_expert(user) -> tuple[bool, str]:
    if _active(user) and user.role == Role.ADMIN:
        return True, ""
    return False, _("Only an administrator invites experts.")
