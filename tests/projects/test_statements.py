"""The task statement: drafted by the enterprise from the call's template, returned for correction or accepted
by the lead commission, then frozen as a version; what the lead reads is what was submitted."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applications.models import AuditEvent
from awards.projects import statements
from awards.projects.models import Project, ProjectState, ReportState
from portal.accounts.models import OutboxMessage
from portal.errors import ErrorCode, PortalError
from tests.projects.builders import lead, statement_content, submitted


def refused(code, call, **kwargs):
    with pytest.raises(PortalError) as error:
        call(**kwargs)
    assert error.value.code == code, error.value.errors
    return error.value


def test_a_draft_keeps_what_was_typed_and_submission_says_what_is_missing(project, alice):
    statements.statement_save(
        project=project, by=alice, content={"goals": "  Phase II  ", "indicators": [{}, {"name": "x"}]}
    )
    project.refresh_from_db()
    assert project.statement["goals"] == "Phase II"
    assert project.statement["indicators"] == [{"key": "i1", "name": "x", "unit": "", "target": ""}]
    error = refused(ErrorCode.INVALID, statements.statement_submit, project=project, by=alice)
    assert set(error.errors) == {"lead_name", "indicators", "milestones"}
    assert Project.objects.get(pk=project.pk).state == ProjectState.DRAFTING


def test_milestones_are_in_the_future_and_in_order(project, alice):
    content = statement_content()
    content["milestones"][1]["due_on"] = (timezone.localdate() - timedelta(days=1)).isoformat()
    statements.statement_save(project=project, by=alice, content=content)
    error = refused(ErrorCode.INVALID, statements.statement_submit, project=project, by=alice)
    assert error.errors == {"milestones": ["Milestone 2 is in the past."]}
    content["milestones"][1]["due_on"] = content["milestones"][0]["due_on"]
    statements.statement_save(project=project, by=alice, content=content)
    error = refused(ErrorCode.INVALID, statements.statement_submit, project=project, by=alice)
    assert error.errors == {"milestones": ["Milestone 2 must come after the one before it."]}


def test_only_the_organisation_drafts_and_only_the_lead_decides(project, alice, bob, charlie, smpa_officer):
    for outsider in (charlie, smpa_officer, lead(project)):
        refused(ErrorCode.NOT_ALLOWED, statements.statement_save, project=project, by=outsider, content={})
    submitted(project, bob)  # her colleague files too
    for user in (alice, charlie, smpa_officer):
        refused(ErrorCode.NOT_ALLOWED, statements.statement_accept, project=project, by=user)
        refused(ErrorCode.NOT_ALLOWED, statements.statement_return, project=project, by=user, reason="No.")


def test_returned_once_then_accepted_and_frozen_as_version_one(project, alice):
    submitted(project, alice)
    # Submitted is frozen for the enterprise until the commission answers.
    refused(ErrorCode.NOT_ALLOWED, statements.statement_save, project=project, by=alice, content={})
    refused(ErrorCode.REQUIRED, statements.statement_return, project=project, by=lead(project), reason=" ")
    statements.statement_return(project=project, by=lead(project), reason="The indicators need a target date.")
    project.refresh_from_db()
    assert project.state == ProjectState.STATEMENT_RETURNED and project.review_due_on is None
    returned = AuditEvent.objects.get(application=project.application, action="statement_returned")
    assert (
        returned.reason == "The indicators need a target date."
        and OutboxMessage.objects.filter(event=returned).exists()
    )
    # Returned twice is not possible: it is with the enterprise.
    refused(ErrorCode.ILLEGAL_TRANSITION, statements.statement_return, project=project, by=lead(project), reason="x")

    submitted(project, alice, milestones=3)
    statements.statement_accept(project=project, by=lead(project))
    project.refresh_from_db()
    assert project.state == ProjectState.IN_PROGRESS
    assert (project.version.number, project.version.accepted_by) == (1, lead(project))
    frozen = project.version.content
    assert [m["key"] for m in frozen["milestones"]] == ["m1", "m2", "m3"]
    assert [s["amount"] for s in frozen["schedule"]] == ["2000000.00", "2000000.00"] and frozen["award"] == "4000000.00"
    # A report per milestone, due on its date (or the next working day), the last one the project's end.
    reports = list(project.reports.order_by("number"))
    assert [r.state for r in reports] == [ReportState.DUE] * 3
    assert project.ends_on == reports[-1].due_on
    assert all(r.due_on >= timezone.localdate() for r in reports)
    # Accepted is accepted: not again, and the draft is closed.
    refused(ErrorCode.NOT_ALLOWED, statements.statement_accept, project=project, by=lead(project))
    refused(ErrorCode.NOT_ALLOWED, statements.statement_save, project=project, by=alice, content={})
    actions = list(
        AuditEvent.objects.filter(application=project.application, data__project=project.pk).values_list(
            "action", flat=True
        )
    )
    assert actions == [
        "project_opened",
        "statement_submitted",
        "statement_returned",
        "statement_submitted",
        "statement_accepted",
    ]


def test_a_report_falls_due_on_the_next_working_day_after_a_holiday():
    from datetime import date

    # 2026-10-01: National Day; the holiday runs to 10-08 (chinese-calendar knows 2026).
    assert statements.report_due(date(2026, 10, 3)).isoformat() >= "2026-10-08"
    assert statements.report_due(date(2026, 9, 29)) == date(2026, 9, 29)
