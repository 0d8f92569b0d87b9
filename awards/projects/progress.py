"""Progress reports, one per milestone of the task statement: the enterprise files the indicators' values, what
was done and its evidence; the lead commission accepts or returns them with a reason. A report filed after its
date is marked late; one still unfiled after it is overdue (flagged in the officer's queue and holding back every
instalment: instalments.why_not_payable)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.projects import permissions
from awards.projects.lifecycle import ProjectAction, lock, project_step
from awards.projects.models import DocumentKind, ProgressReport
from awards.projects.statements import TEXT_LIMIT
from awards.projects.terms import terms_for
from portal.accounts.models import User
from portal.errors import ErrorCode, PortalError
from reviews.clock import add_working_days


def _refuse(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PortalError(ErrorCode.NOT_ALLOWED, reason)


def _locked(report: ProgressReport) -> ProgressReport:
    project = lock(report.project_id)
    report = ProgressReport.objects.select_for_update(of=("self",)).get(pk=report.pk)
    report.project = project
    return report


def indicators_of(project) -> list[dict]:
    """The indicators of the statement in force (the accepted version, else the working copy)."""
    content = project.version.content if project.version_id else project.statement
    return content.get("indicators", [])


def report_values_problems(project, values: dict) -> dict[str, list[str]]:
    problems = {}
    for indicator in indicators_of(project):
        if not str(values.get(indicator["key"], "")).strip():
            problems[f"value_{indicator['key']}"] = [
                _("Give the value reached for “%(name)s”.") % {"name": indicator["name"]}
            ]
    return problems


@transaction.atomic
def report_file(*, report: ProgressReport, by: User, values: dict, narrative: str) -> ProgressReport:
    report = _locked(report)
    project = report.project
    _refuse(permissions.can_file_report(by, report))
    values = {i["key"]: str(values.get(i["key"], "")).strip()[:100] for i in indicators_of(project)}
    narrative = (narrative or "").strip().replace("\x00", "")[:TEXT_LIMIT]
    problems = report_values_problems(project, values)
    if not narrative:
        problems["narrative"] = [_("Say what was done since the last report.")]
    if not report.documents.filter(kind=DocumentKind.EVIDENCE).exists():
        problems["file"] = [_("Attach at least one document as evidence.")]
    if problems:
        raise PortalError(ErrorCode.INVALID, errors=problems)
    now = timezone.now()
    late = timezone.localdate() > report.due_on
    due = add_working_days(timezone.localdate(), terms_for(project.call).review_days)
    project_step(
        project=project,
        action=ProjectAction.REPORT_FILED,
        by=by,
        subject=report,
        data={"report": report.key, "late": late, "review_due_on": due.isoformat()},
        values=values,
        narrative=narrative,
        filed_at=now,
        filed_by=by,
        filed_late=late,
        review_due_on=due,
        return_reason="",
    )
    return report


@transaction.atomic
def report_accept(*, report: ProgressReport, by: User) -> ProgressReport:
    report = _locked(report)
    _refuse(permissions.can_decide_report(by, report))
    project_step(
        project=report.project,
        action=ProjectAction.REPORT_ACCEPTED,
        by=by,
        subject=report,
        data={"report": report.key},
        reviewed_at=timezone.now(),
        reviewed_by=by,
        review_due_on=None,
    )
    return report


@transaction.atomic
def report_return(*, report: ProgressReport, by: User, reason: str) -> ProgressReport:
    report = _locked(report)
    _refuse(permissions.can_decide_report(by, report))
    project_step(
        project=report.project,
        action=ProjectAction.REPORT_RETURNED,
        by=by,
        subject=report,
        reason=reason,
        data={"report": report.key},
        reviewed_at=timezone.now(),
        reviewed_by=by,
        review_due_on=None,
        return_reason=(reason or "").strip(),
    )
    return report
