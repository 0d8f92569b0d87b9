"""The instalments of a project's schedule: whether one may be paid now and why not, and paying it.

An instalment is paid only when its condition holds (the letter issued, a progress report accepted, the
acceptance passed, a date reached), the task statement is accepted, the project has not failed and no progress
report is overdue. The payment itself is `awards.money.payment_record` (the award's lock, the paid total never
above the award); the instalment's own check and state change happen under the project's lock, so two finance
officers paying one instalment at once pay it once. An award with a project is paid by nothing else: the rule
registered with awards.money refuses a payment on the award alone (awards/projects/apps.py)."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import money
from awards.models import Award, Payment
from awards.projects import permissions
from awards.projects.lifecycle import ProjectAction, lock, project_step
from awards.projects.models import (
    ConditionKind,
    Instalment,
    InstalmentState,
    Project,
    ProjectState,
    ReportState,
)
from portal.accounts.models import User
from portal.errors import ErrorCode, PortalError

BEFORE_STATEMENT = (ProjectState.DRAFTING, ProjectState.STATEMENT_SUBMITTED, ProjectState.STATEMENT_RETURNED)
OUTSTANDING = (ReportState.DUE, ReportState.RETURNED)


def overdue_reports(project: Project, today: date) -> list:
    """Reports past their date and not filed (or returned and not filed again); read from `project.reports.all()`,
    which a list prefetches."""
    return [r for r in project.reports.all() if r.state in OUTSTANDING and r.due_on < today]


def _letter_issued(award: Award) -> bool:
    letter = getattr(award, "letter", None)
    return letter is not None and letter.rendered_at is not None


def why_not_payable(instalment: Instalment, today: date | None = None) -> str | None:
    """Why this instalment cannot be paid today, in words for the finance officer; None when it can."""
    today = today or timezone.localdate()
    project = instalment.project
    if instalment.state == InstalmentState.PAID:
        return _("This instalment is paid already.")
    if instalment.state == InstalmentState.CANCELLED:
        return _("This instalment is cancelled: the acceptance failed.")
    if project.state in BEFORE_STATEMENT:
        return _("No instalment is paid before the task statement is accepted.")
    if project.state in (ProjectState.FAILED, ProjectState.CLAWED_BACK):
        return _("The acceptance failed: nothing more is paid on this project.")
    late = overdue_reports(project, today)
    if late:
        return _(
            "The progress report “%(label)s” was due on %(date)s and is not filed: no instalment is paid until it is."
        ) % {"label": late[0].label, "date": late[0].due_on.isoformat()}
    condition = instalment.condition
    if condition == ConditionKind.LETTER_ISSUED and not _letter_issued(project.award):
        return _("It is paid once the decision letter is issued, and it is not yet.")
    if condition == ConditionKind.REPORT_ACCEPTED:
        report = next((r for r in project.reports.all() if r.number == instalment.report_number), None)
        if report is None or report.state != ReportState.ACCEPTED:
            return _("It is paid once progress report %(n)s (%(label)s) is accepted, and it is not yet.") % {
                "n": instalment.report_number,
                "label": report.label if report is not None else "—",
            }
    if condition == ConditionKind.ACCEPTANCE_PASSED and project.state != ProjectState.PASSED:
        if project.state == ProjectState.PASSED_WITH_CONDITIONS:
            return _("It is paid once the conditions of the acceptance are met, and the lead has not confirmed them.")
        return _("It is paid once the acceptance is passed, and the project has not passed it yet.")
    if condition == ConditionKind.DATE and today < instalment.due_from:
        return _("It is paid from %(date)s.") % {"date": instalment.due_from.isoformat()}
    return None


def condition_text(instalment: Instalment) -> str:
    """The condition in words: “the acceptance is passed”, “progress report 1 is accepted”, “from 2026-09-01”."""
    if instalment.condition == ConditionKind.REPORT_ACCEPTED:
        return _("progress report %(n)s is accepted") % {"n": instalment.report_number}
    if instalment.condition == ConditionKind.DATE:
        return _("from %(date)s") % {"date": instalment.due_from.isoformat()}
    return str(instalment.get_condition_display())


def _locked(instalment_id: int) -> tuple[Project, Instalment]:
    """The project's lock, then the instalment's row under it: what serialises two payers of one instalment."""
    instalment = Instalment.objects.only("project_id").get(pk=instalment_id)
    project = lock(instalment.project_id)
    instalment = (
        Instalment.objects.select_for_update(of=("self",))
        .select_related("project__award__letter")
        .prefetch_related("project__reports")
        .get(pk=instalment_id)
    )
    return project, instalment


@transaction.atomic
def instalment_pay(*, instalment: Instalment, by: User, paid_on: date, reference: str = "") -> Payment:
    project, instalment = _locked(instalment.pk)
    allowed, reason = permissions.can_pay_instalment(by, instalment)
    if not allowed:
        raise PortalError(ErrorCode.NOT_ALLOWED, reason)
    refusal = why_not_payable(instalment)
    if refusal:
        raise PortalError(ErrorCode.ILLEGAL_TRANSITION, refusal)
    payment = money.payment_record(
        award=project.award,
        by=by,
        amount=instalment.amount,
        paid_on=paid_on,
        reference=reference,
        instalment=instalment,
    )
    project_step(
        project=project,
        action=ProjectAction.INSTALMENT_PAID,
        by=by,
        subject=instalment,
        data={"number": instalment.number, "amount": str(instalment.amount), "paid_on": paid_on.isoformat()},
        payment=payment,
    )
    return payment


def cancel_unpaid(project: Project) -> int:
    """A failed acceptance: what was not paid will not be (the portal's own step, audited per instalment)."""
    cancelled = 0
    for instalment in project.instalments.select_for_update().filter(state=InstalmentState.SCHEDULED):
        project_step(
            project=project,
            action=ProjectAction.INSTALMENT_CANCELLED,
            by=None,
            subject=instalment,
            data={"number": instalment.number},
        )
        cancelled += 1
    return cancelled


def payment_rule(award: Award, instalment: object | None) -> str | None:
    """Registered with awards.money: an award with a project is paid only through one of its own scheduled
    instalments (instalment_pay has checked its condition under the project's lock)."""
    if isinstance(instalment, Instalment):
        if instalment.project.award_id == award.pk and instalment.state == InstalmentState.SCHEDULED:
            return None
        return _("This instalment does not belong to this award, or is not open for payment.")
    if Project.objects.filter(award_id=award.pk).exists():
        return _(
            "This award is paid by the instalments of its project's schedule: pay it from “Instalments”, where "
            "each instalment's condition is checked."
        )
    return None
