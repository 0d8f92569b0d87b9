"""Who may do what with a project, and why not: small functions answering (allowed, reason), built from the
lifecycle's roles (lifecycle.ROLE_CHECKS, themselves the predicates of portal/accounts/predicates.py). The writer
checks role and state again; these give the pages their buttons and the refusals their words."""

from django.utils.translation import gettext as _

from awards.projects.lifecycle import is_applicant, is_finance, is_lead
from awards.projects.models import (
    ClawbackProposal,
    Instalment,
    PanelAssignment,
    ProgressReport,
    Project,
    ProjectDocument,
    ProjectState,
    ProposalState,
    ReportState,
    Variation,
    VariationState,
)
from portal.accounts.predicates import is_admin, is_expert
from portal.errors import refuse
from reviews.models import AssignmentState

OK = (True, "")
EDITABLE = (ProjectState.DRAFTING, ProjectState.STATEMENT_RETURNED)


def _applicant(user, project: Project) -> tuple[bool, str] | None:
    if not is_applicant(user, project):
        return refuse("not_member", _("Only members of the funded organisation may do this."))
    return None


def _lead(user, project: Project) -> tuple[bool, str] | None:
    if not is_lead(user, project):
        return refuse("not_lead_officer", _("Only an officer of the lead commission may do this."))
    return None


def can_edit_statement(user, project: Project) -> tuple[bool, str]:
    if refused := _applicant(user, project):
        return refused
    if project.state not in EDITABLE:
        return refuse(
            "statement_not_editable",
            _("The task statement can be changed only while it is drafted or returned for correction."),
        )
    return OK


def can_decide_statement(user, project: Project) -> tuple[bool, str]:
    if refused := _lead(user, project):
        return refused
    if project.state != ProjectState.STATEMENT_SUBMITTED:
        return refuse("statement_not_submitted", _("No task statement waits for a decision."))
    return OK


def can_file_report(user, report: ProgressReport) -> tuple[bool, str]:
    if refused := _applicant(user, report.project):
        return refused
    if report.project.state != ProjectState.IN_PROGRESS:
        return refuse("project_not_in_progress", _("Progress reports are filed while the project is in progress."))
    if report.state not in (ReportState.DUE, ReportState.RETURNED):
        return refuse("report_not_open", _("This report has been filed; it can be filed again only if returned."))
    return OK


def can_decide_report(user, report: ProgressReport) -> tuple[bool, str]:
    if refused := _lead(user, report.project):
        return refused
    if report.state != ReportState.FILED:
        return refuse("report_not_filed", _("This report does not wait for a decision."))
    return OK


def can_request_variation(user, project: Project) -> tuple[bool, str]:
    if refused := _applicant(user, project):
        return refused
    if project.state != ProjectState.IN_PROGRESS:
        return refuse("project_not_in_progress", _("A variation is asked for while the project is in progress."))
    if project.variations.filter(state=VariationState.REQUESTED).exists():
        return refuse("variation_open", _("A variation already waits for the commission's answer."))
    return OK


def can_decide_variation(user, variation: Variation) -> tuple[bool, str]:
    if refused := _lead(user, variation.project):
        return refused
    if variation.state != VariationState.REQUESTED:
        return refuse("variation_answered", _("This variation has been answered."))
    return OK


def can_prepare_acceptance(user, project: Project) -> tuple[bool, str]:
    """Upload the final and audit reports: while the project is in progress, reports accepted or not yet."""
    if refused := _applicant(user, project):
        return refused
    if project.state != ProjectState.IN_PROGRESS:
        return refuse("project_not_in_progress", _("Acceptance is applied for once, at the end of the project."))
    return OK


def can_apply_for_acceptance(user, project: Project) -> tuple[bool, str]:
    if refused := _applicant(user, project):
        return refused
    if project.state != ProjectState.IN_PROGRESS:
        return refuse("project_not_in_progress", _("Acceptance is applied for once, at the end of the project."))
    open_reports = project.reports.exclude(state=ReportState.ACCEPTED)
    if open_reports.exists():
        return refuse(
            "reports_not_accepted",
            _("Every progress report must be accepted first (%(n)s still open).") % {"n": open_reports.count()},
        )
    return OK


def can_send_to_panel(user, project: Project) -> tuple[bool, str]:
    if refused := _lead(user, project):
        return refused
    if project.state != ProjectState.ACCEPTANCE_APPLIED:
        return refuse("no_acceptance_waiting", _("No acceptance application waits for the commission."))
    return OK


def can_decide_acceptance(user, project: Project) -> tuple[bool, str]:
    if refused := _lead(user, project):
        return refused
    if project.state not in (ProjectState.ACCEPTANCE_APPLIED, ProjectState.ACCEPTANCE_PANEL):
        return refuse("no_acceptance_waiting", _("No acceptance application waits for the commission."))
    return OK


def can_confirm_conditions(user, project: Project) -> tuple[bool, str]:
    if refused := _lead(user, project):
        return refused
    if project.state != ProjectState.PASSED_WITH_CONDITIONS:
        return refuse("no_conditions", _("This project has no conditions of acceptance to confirm."))
    return OK


def can_amend_clawback(user, proposal: ClawbackProposal) -> tuple[bool, str]:
    if refused := _lead(user, proposal.project):
        return refused
    if proposal.state != ProposalState.PROPOSED:
        return refuse("repayment_recorded", _("The repayment has been recorded; the proposal is closed."))
    return OK


def can_pay_instalment(user, instalment: Instalment) -> tuple[bool, str]:
    """Who pays; whether the instalment's condition holds is `instalments.why_not_payable`."""
    if not is_finance(user, instalment.project):
        return refuse("not_budget_confirmer", _("Only a finance officer of the Finance Bureau records payments."))
    return OK


def can_record_repayment(user, proposal: ClawbackProposal) -> tuple[bool, str]:
    if not is_finance(user, proposal.project):
        return refuse("not_budget_confirmer", _("Only a finance officer of the Finance Bureau records repayments."))
    if proposal.state != ProposalState.PROPOSED:
        return refuse("repayment_recorded", _("The repayment has been recorded already."))
    return OK


def _seat_holder(user, seat: PanelAssignment) -> bool:
    return is_expert(user) and seat.expert_id == user.pk


def can_declare_on_panel(user, seat: PanelAssignment) -> tuple[bool, str]:
    if not _seat_holder(user, seat):
        return refuse("other_expert", _("This panel seat is another expert's."))
    if seat.state != AssignmentState.AWAITING_DECLARATION:
        return refuse("already_declared", _("The conflict of interest has already been declared."))
    if seat.project.state != ProjectState.ACCEPTANCE_PANEL:
        return refuse("panel_over", _("Declarations are closed: the panel has finished."))
    return OK


def can_view_panel_file(user, seat: PanelAssignment) -> tuple[bool, str]:
    if not _seat_holder(user, seat):
        return refuse("other_expert", _("This panel seat is another expert's."))
    if seat.state not in (AssignmentState.OPEN, AssignmentState.SCORED):
        return refuse("not_declared", _("Declare any conflict of interest before you see the acceptance file."))
    return OK


def can_score_on_panel(user, seat: PanelAssignment) -> tuple[bool, str]:
    allowed, reason = can_view_panel_file(user, seat)
    if not allowed:
        return False, reason
    if seat.state != AssignmentState.OPEN:
        return refuse("already_scored", _("Your score has already been recorded."))
    if seat.project.state != ProjectState.ACCEPTANCE_PANEL:
        return refuse("panel_over", _("Scoring is closed: the panel has finished."))
    return OK


def can_download_document(user, document: ProjectDocument) -> tuple[bool, str]:
    """The organisation's members, the lead commission's officers, the Finance Bureau and administrators; an
    expert of the acceptance's panel once they declared no conflict."""
    project = document.project
    if is_applicant(user, project) or is_lead(user, project) or is_finance(user, project) or is_admin(user):
        return OK
    if (
        is_expert(user)
        and document.acceptance_id is not None
        and PanelAssignment.objects.filter(
            acceptance_id=document.acceptance_id,
            expert_id=user.pk,
            state__in=[AssignmentState.OPEN, AssignmentState.SCORED],
        ).exists()
    ):
        return OK
    return refuse("not_visible", _("You may not see this document."))
