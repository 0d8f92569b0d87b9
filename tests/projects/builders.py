"""Projects further along, built through the services as a user would take them: for tests about a later step
(each step itself is tested where it lives)."""

from datetime import timedelta

from django.utils import timezone

from awards import notice
from awards.letters import letter_issue
from awards.models import Award
from awards.projects import acceptance, instalments, progress, statements
from awards.projects.models import Instalment, ProgressReport, Project
from awards.projects.terms import DEFAULT_ACCEPTANCE_RUBRIC
from awards.services import award_compute
from tests import journeys, personas
from tests.filings import pdf
from tests.journeys import approved_directly

Keys = {"n": 0}


def issued_project(call, by, *, rd_spending="10000000") -> Project:
    """A confirmed award (40% of 10M R&D = 4M) with its letter issued, and so its project open (drafting)."""
    Keys["n"] += 1
    (application,) = approved_directly(call, by, rd_spending=rd_spending, product_key=f"PRJ{Keys['n']}")
    award = award_compute(application_id=application.pk)
    notice.notice_publish(call=call, by=journeys.lead(application))
    notice.notices_close(today=timezone.localdate() + timedelta(days=30))
    letter_issue(decision_id=award.decision_id)
    return Project.objects.get(award=Award.objects.get(pk=award.pk))


def without_project(award: Award) -> Award:
    """The award as one confirmed before projects existed (its data migrated, no project): paid on the award alone
    (awards/money.py's own rules), which an award with a project is not."""
    Instalment.objects.filter(project__award=award).delete()
    Project.objects.filter(award=award).delete()
    return Award.objects.get(pk=award.pk)


def statement_content(*, milestones=2, first_in_days=60) -> dict:
    today = timezone.localdate()
    return {
        "goals": "完成II期临床试验并提交上市申请。 Complete the phase II trial and file for marketing approval.",
        "lead": {"name": "Dr Li Wei", "phone": "021-5080 0000", "email": "li.wei@example.com"},
        "indicators": [
            {"name": "Patients enrolled", "unit": "patients", "target": "120"},
            {"name": "Clinical study report", "unit": "", "target": "1"},
        ],
        "milestones": [
            {"label": f"Milestone {n}", "due_on": (today + timedelta(days=first_in_days * n)).isoformat()}
            for n in range(1, milestones + 1)
        ],
    }


def submitted(project: Project, by, **kwargs) -> Project:
    statements.statement_save(project=project, by=by, content=statement_content(**kwargs))
    return statements.statement_submit(project=project, by=by)


def in_progress(call, by, **kwargs) -> Project:
    project = issued_project(call, by)
    submitted(project, by, **kwargs)
    statements.statement_accept(project=project, by=lead(project))
    return Project.objects.get(pk=project.pk)


def lead(project: Project):
    return personas.officer_of(project.program.lead.code)


def finance():
    return personas.finance_officer()


def pay(instalment, on=None):
    return instalments.instalment_pay(instalment=instalment, by=finance(), paid_on=on or timezone.localdate())


def file_report(report: ProgressReport, by, *, values=None) -> ProgressReport:
    from awards.projects import documents

    documents.evidence_add(report=report, upload=pdf("evidence.pdf"), by=by)
    values = values or {"i1": "64", "i2": "0"}
    return progress.report_file(report=report, by=by, values=values, narrative="Enrolment on track.")


def all_reports_accepted(project: Project, by) -> Project:
    for report in project.reports.order_by("number"):
        file_report(report, by)
        progress.report_accept(report=report, by=lead(project))
    return Project.objects.get(pk=project.pk)


def acceptance_applied(project: Project, by) -> Project:
    from awards.projects import documents
    from awards.projects.models import DocumentKind

    for kind in (DocumentKind.FINAL_REPORT, DocumentKind.AUDIT_REPORT):
        documents.acceptance_document_add(project=project, kind=kind, upload=pdf(f"{kind}.pdf"), by=by)
    acceptance.acceptance_apply(
        project=project,
        by=by,
        summary="Phase II completed; 126 patients enrolled.",
        audited_spending="9800000",
        achieved={"i1": "126", "i2": "1"},
    )
    return Project.objects.get(pk=project.pk)


def full_scores(value=80) -> dict:
    return {c["code"]: value for c in DEFAULT_ACCEPTANCE_RUBRIC}
