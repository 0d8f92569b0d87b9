"""Progress reports on the milestones: indicator values, what was done and evidence (the attachment rules of
applications); accepted or returned with a reason; one filed after its date is marked late."""

from datetime import timedelta

import pytest
from django.utils import timezone

from awards.projects import documents, progress
from awards.projects.models import ProgressReport, ReportState
from portal.errors import ErrorCode, PortalError
from tests.filings import EXE, pdf
from tests.projects.builders import file_report, lead


def refused(code, call, **kwargs):
    with pytest.raises(PortalError) as error:
        call(**kwargs)
    assert error.value.code == code, error.value.errors
    return error.value


def first_report(project) -> ProgressReport:
    return project.reports.order_by("number").first()


def test_a_report_needs_every_indicator_a_narrative_and_evidence(running, alice):
    report = first_report(running)
    error = refused(ErrorCode.INVALID, progress.report_file, report=report, by=alice, values={"i1": "10"}, narrative="")
    assert set(error.errors) == {"value_i2", "narrative", "file"}
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.DUE


def test_evidence_follows_the_attachment_rules(running, alice, charlie):
    report = first_report(running)
    error = refused(ErrorCode.UPLOAD_REFUSED, documents.evidence_add, report=report, upload=pdf("x.pdf", EXE), by=alice)
    assert "PDF, JPEG and PNG" in str(error)
    refused(ErrorCode.NOT_ALLOWED, documents.evidence_add, report=report, upload=pdf(), by=charlie)
    stored = documents.evidence_add(report=report, upload=pdf("../../etc/passwd.pdf"), by=alice)
    assert stored.file.name.startswith("projects/") and "passwd" not in stored.file.name
    assert stored.original_name == "passwd.pdf" and len(stored.sha256) == 64


def test_filed_then_returned_with_a_reason_then_accepted(running, alice):
    report = file_report(first_report(running), alice)
    report.refresh_from_db()
    assert (report.state, report.filed_late, report.values) == (ReportState.FILED, False, {"i1": "64", "i2": "0"})
    assert report.review_due_on > timezone.localdate()
    refused(ErrorCode.NOT_ALLOWED, progress.report_file, report=report, by=alice, values={}, narrative="x")
    refused(ErrorCode.NOT_ALLOWED, progress.report_accept, report=report, by=alice)
    refused(ErrorCode.REQUIRED, progress.report_return, report=report, by=lead(running), reason="")
    progress.report_return(report=report, by=lead(running), reason="The evidence is unsigned.")
    report.refresh_from_db()
    assert (report.state, report.return_reason) == (ReportState.RETURNED, "The evidence is unsigned.")
    progress.report_file(report=report, by=alice, values={"i1": "70", "i2": "0"}, narrative="Signed now.")
    progress.report_accept(report=report, by=lead(running))
    report.refresh_from_db()
    assert (report.state, report.reviewed_by, report.return_reason) == (ReportState.ACCEPTED, lead(running), "")


def test_a_report_filed_after_its_date_is_late(running, alice):
    report = first_report(running)
    ProgressReport.objects.filter(pk=report.pk).update(due_on=timezone.localdate() - timedelta(days=3))
    file_report(ProgressReport.objects.get(pk=report.pk), alice)
    assert ProgressReport.objects.get(pk=report.pk).filed_late is True
