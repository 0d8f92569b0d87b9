"""Who may do what in review: small functions answering (allowed, reason). Tested exhaustively in
tests/reviews/test_permissions.py. The workflow's own steps are checked by `applications.workflow`."""

from django.utils.translation import gettext as _

from applications import workflow
from applications.models import Application, State
from portal.accounts.predicates import is_admin, is_expert, is_finance, is_officer, is_officer_of, is_staff_of
from portal.bilingual import localized
from portal.errors import refuse
from reviews.models import AssignmentState, ExpertAssignment, Message, ReviewTask, TaskKind, TaskState
from reviews.selectors import has_officer, holds_task, is_routed_unit_staff, reopens_used

# SPEC §5: the enterprise may reopen a desk case once; a new difficulty is a new case.
REOPENS_ALLOWED = 1


def can_view_task(user, task: ReviewTask) -> tuple[bool, str]:
    if is_staff_of(user, task.commission_id):
        return True, ""
    return refuse("other_commission", _("This task belongs to another commission."))


def can_give_opinion(user, task: ReviewTask) -> tuple[bool, str]:
    if not is_officer_of(user, task.commission_id):
        return refuse(
            "not_officer_of_commission",
            _("Only an officer of %(commission)s may give its opinion.")
            % {"commission": localized(task.commission, "name")},
        )
    if task.kind != TaskKind.OPINION:
        return refuse("not_opinion_task", _("This task does not ask for an opinion."))
    if task.state != TaskState.OPEN:
        return refuse("already_answered", _("This opinion has already been given."))
    if task.application.state != State.DEPARTMENT_REVIEW:
        return refuse("not_in_department_review", _("Opinions are given during department review."))
    return True, ""


def can_confirm_budget(user, task: ReviewTask) -> tuple[bool, str]:
    if not (is_finance(user) and is_staff_of(user, task.commission_id) and task.commission.confirms_budget):
        return refuse("not_budget_confirmer", _("Only a finance officer of the Finance Bureau may confirm the budget."))
    if task.kind != TaskKind.BUDGET:
        return refuse("not_budget_task", _("This task is not a budget confirmation."))
    if task.state != TaskState.OPEN:
        return refuse("already_answered", _("The budget has already been answered for this application."))
    return True, ""


def can_assign_task(user, task: ReviewTask, assignee) -> tuple[bool, str]:
    if not is_staff_of(user, task.commission_id):
        return refuse("other_commission", _("This task belongs to another commission."))
    if assignee is not None and not is_staff_of(assignee, task.commission_id):
        return refuse("assignee_not_colleague", _("A task can be assigned only to a colleague of the same commission."))
    if task.state != TaskState.OPEN:
        return refuse("task_closed", _("Only open tasks can be assigned."))
    return True, ""


def can_decide(user, application: Application) -> tuple[bool, str]:
    if not workflow.is_lead_officer(user, application):
        return refuse("not_lead_officer", _("Only an officer of the lead commission decides."))
    if application.state not in (State.DEPARTMENT_REVIEW, State.EXPERT_REVIEW):
        return refuse("not_under_review", _("A decision is taken after department or expert review."))
    return True, ""


def can_proceed_without_opinion(user, task: ReviewTask) -> tuple[bool, str]:
    """The lead goes ahead without a co-reviewer's opinion only when nobody could give it: no officer of
    that commission is registered (otherwise the task waits for its answer or its deadline)."""
    if not workflow.is_lead_officer(user, task.application):
        return refuse("not_lead_officer", _("Only an officer of the lead commission decides."))
    if task.kind != TaskKind.OPINION or task.is_lead:
        return refuse("not_co_reviewer_opinion", _("Only a co-reviewer's opinion can be gone without."))
    if task.state != TaskState.OPEN:
        return refuse("task_not_open", _("This opinion is no longer awaited."))
    if task.application.state != State.DEPARTMENT_REVIEW:
        return refuse("not_in_department_review", _("Opinions are given during department review."))
    if has_officer(task.commission):
        return refuse(
            "commission_has_officer",
            _("%(commission)s has a registered officer: wait for its opinion or its deadline.")
            % {"commission": localized(task.commission, "name")},
        )
    return True, ""


def _is_expert_of(user, assignment: ExpertAssignment) -> bool:
    return is_expert(user) and assignment.expert_id == user.pk


def can_declare_conflict(user, assignment: ExpertAssignment) -> tuple[bool, str]:
    if not _is_expert_of(user, assignment):
        return refuse("other_expert", _("This assignment is another expert's."))
    if assignment.state != AssignmentState.AWAITING_DECLARATION:
        return refuse("already_declared", _("The conflict of interest has already been declared."))
    if assignment.application.state != State.EXPERT_REVIEW:
        # Declaring opens the file; once expert review is over there is nothing left to review.
        return refuse(
            "expert_review_over", _("Declarations are closed: the application is no longer in expert review.")
        )
    return True, ""


def can_view_expert_file(user, assignment: ExpertAssignment) -> tuple[bool, str]:
    if not _is_expert_of(user, assignment):
        return refuse("other_expert", _("This assignment is another expert's."))
    if assignment.state not in (AssignmentState.OPEN, AssignmentState.SCORED):
        return refuse("not_declared", _("Declare any conflict of interest before you see the application."))
    return True, ""


def can_score(user, assignment: ExpertAssignment) -> tuple[bool, str]:
    allowed, reason = can_view_expert_file(user, assignment)
    if not allowed:
        return False, reason
    if assignment.state != AssignmentState.OPEN:
        return refuse("already_scored", _("Your score has already been recorded."))
    if assignment.application.state != State.EXPERT_REVIEW:
        return refuse("expert_review_over", _("Scoring is closed: the application is no longer in expert review."))
    return True, ""


def can_invite_expert(user) -> tuple[bool, str]:
    if is_admin(user):
        return True, ""
    return refuse("not_admin", _("Only an administrator invites experts."))


# --- a service channel's case (reviews/desk.py) ---------------------------------------------------------


def can_route_case(user, application: Application) -> tuple[bool, str]:
    """The lead commission routes a case to the units concerned when it comes in and after a reopening."""
    if not application.call.program.is_channel:
        return refuse("not_a_case", _("Only a service channel's case is routed to units."))
    if not workflow.is_lead_officer(user, application):
        return refuse("not_lead_officer", _("Only an officer of the lead commission routes a case."))
    if workflow.step_of(application, workflow.Action.ROUTE) is None:
        return refuse("not_awaiting_routing", _("This case is not waiting to be routed."))
    return True, ""


def can_answer_task(user, task: ReviewTask) -> tuple[bool, str]:
    """An officer of the unit a case was routed to answers for that unit, once, while the case waits for it."""
    if task.kind != TaskKind.DESK_ANSWER:
        return refuse("not_desk_task", _("This task does not ask for an answer to a case."))
    if not is_officer_of(user, task.commission_id):
        return refuse(
            "not_officer_of_commission",
            _("Only an officer of %(unit)s may answer for it.") % {"unit": localized(task.commission, "name")},
        )
    if task.state != TaskState.OPEN:
        return refuse("already_answered", _("This unit has already answered the case."))
    if task.application.state != State.ROUTED:
        return refuse("not_awaiting_answers", _("The case is not waiting for answers."))
    return True, ""


def can_reopen_case(user, application: Application) -> tuple[bool, str]:
    """The enterprise may reopen its answered case once, saying why; the lead then routes it again."""
    if not workflow.is_applicant(user, application):
        return refuse("not_applicant", _("Only members of the enterprise that opened the case may reopen it."))
    if workflow.step_of(application, workflow.Action.REOPEN) is None:
        return refuse("not_answered", _("A case can be reopened once every unit has answered it."))
    if reopens_used(application) >= REOPENS_ALLOWED:
        return refuse(
            "reopened_once",
            _("This case was reopened once already and cannot be reopened again; open a new case for a new question."),
        )
    return True, ""


def can_close_case(user, application: Application) -> tuple[bool, str]:
    if not workflow.is_applicant(user, application):
        return refuse("not_applicant", _("Only members of the enterprise that opened the case may close it."))
    if workflow.step_of(application, workflow.Action.CLOSE) is None:
        return refuse("not_answered", _("A case can be closed once every unit has answered it."))
    return True, ""


def can_read_internal_notes(user, application: Application) -> tuple[bool, str]:
    """What units write for each other stays with the lead and the units the case was routed to."""
    if workflow.is_lead_officer(user, application) or is_routed_unit_staff(user, application):
        return True, ""
    return refuse("not_routed", _("Internal notes are for the lead commission and the units the case was routed to."))


# --- the thread of an application (reviews/threads.py) -----------------------------------------------------
# Who talks on a thread: the applicant's team (members who may apply for the organisation) and the staff of the
# commissions that hold or held a task on the application (the lead, whose project it becomes, co-reviewers, the
# Finance Bureau's budget task, a desk case's units). Administrators read everything and write nothing; experts,
# other commissions and other organisations get a 404 (the pages and the API ask `can_view_thread` first).


def can_view_thread(user, application: Application) -> tuple[bool, str]:
    if workflow.is_applicant(user, application) or holds_task(user, application) or is_admin(user):
        return True, ""
    return refuse("not_in_thread", _("Only the applicant's team and the commissions reviewing it read this thread."))


def can_read_internal_messages(user, application: Application) -> tuple[bool, str]:
    """Internal messages are the commissions' working notes: never for the applicant's team."""
    if holds_task(user, application) or is_admin(user):
        return True, ""
    return refuse("officers_only", _("Internal messages are for the reviewing commissions only."))


def can_post_message(user, application: Application) -> tuple[bool, str]:
    if holds_task(user, application):
        return True, ""
    if workflow.is_applicant(user, application):
        if application.first_submitted_at is None:
            return refuse("never_submitted", _("Messages to the commissions start once the application is submitted."))
        return True, ""
    if is_admin(user):
        return refuse("read_only", _("Administrators read threads; the applicant and the commissions write them."))
    return refuse("not_in_thread", _("Only the applicant's team and the commissions reviewing it write here."))


def can_request_clarification(user, application: Application) -> tuple[bool, str]:
    """An officer of a commission holding a task asks the applicant a question to answer by a date."""
    if not (is_officer(user) and holds_task(user, application)):
        return refuse("not_reviewing_officer", _("Only an officer of a reviewing commission asks for a clarification."))
    return True, ""


def can_answer_clarification(user, message: Message) -> tuple[bool, str]:
    if not workflow.is_applicant(user, message.application):
        return refuse("not_applicant", _("Only the applicant's team answers a clarification request."))
    if not message.is_request or message.internal:
        return refuse("not_a_request", _("This message asks for no answer."))
    if message.answered_at is not None:
        return refuse("already_answered", _("This clarification request has already been answered."))
    return True, ""
