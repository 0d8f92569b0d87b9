"""The project pages as people use them: the enterprise drafts, submits and corrects its task statement, files
reports and asks for variations; the lead answers from the project's page; Finance pays from its list; the
experts of a panel declare and score. One language at a time, names never codes, errors that look like errors."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.models import Award
from awards.projects.models import Instalment, InstalmentState, ProgressReport, Project, ProjectState, ReportState
from tests.filings import EXE, pdf
from tests.projects.builders import (
    acceptance_applied,
    all_reports_accepted,
    finance,
    in_progress,
    issued_project,
    lead,
    pay,
    statement_content,
)


def english(client, user):
    client.force_login(user)
    client.cookies["django_language"] = "en"
    return client


def statement_post(content: dict, intent: str) -> dict:
    data = {
        "goals": content["goals"],
        "lead_name": content["lead"]["name"],
        "lead_phone": content["lead"]["phone"],
        "lead_email": content["lead"]["email"],
        "intent": intent,
    }
    for n, row in enumerate(content["indicators"], start=1):
        data.update({f"indicator_{n}_{k}": row[k] for k in ("name", "unit", "target")})
    for n, row in enumerate(content["milestones"], start=1):
        data.update({f"milestone_{n}_label": row["label"], f"milestone_{n}_due_on": row["due_on"]})
    return data


def test_the_enterprise_drafts_submits_and_corrects_its_task_statement(client, project, alice):
    english(client, alice)
    page = reverse("project-statement", args=[project.pk])
    body = client.get(page).content.decode()
    assert "Measurable indicators" in body and "First instalment, on the decision letter" in body
    # Submitting an empty statement: errors beside their fields, nothing submitted.
    response = client.post(page, {"goals": "", "intent": "submit"})
    body = response.content.decode()
    assert response.status_code == 200 and 'class="error"' in body
    assert "Name the project lead." in body and "Give at least one measurable indicator." in body
    assert Project.objects.get(pk=project.pk).state == ProjectState.DRAFTING
    response = client.post(page, statement_post(statement_content(), "submit"))
    assert response.status_code == 302
    assert Project.objects.get(pk=project.pk).state == ProjectState.STATEMENT_SUBMITTED
    # The lead returns it from the project page; the reason is required and shown to the enterprise.
    english(client, lead(project))
    decide = reverse("project-statement-decide", args=[project.pk])
    body = client.post(decide, {"statement-decision": "no", "statement-reason": ""}).content.decode()
    assert "Give the reason; it is recorded." in body and 'class="error"' in body
    client.post(decide, {"statement-decision": "no", "statement-reason": "Give the indicators a unit."})
    english(client, alice)
    body = client.get(page).content.decode()
    assert "Returned for correction:" in body and "Give the indicators a unit." in body
    client.post(page, statement_post(statement_content(), "submit"))
    english(client, lead(project))
    client.post(decide, {"statement-decision": "yes"})
    project.refresh_from_db()
    assert project.state == ProjectState.IN_PROGRESS and project.version.number == 1
    body = client.get(reverse("project-version", args=[project.pk, 1])).content.decode()
    assert "Dr Li Wei" in body and "Schedule of instalments" in body


def test_the_project_page_says_what_is_due_and_why_an_instalment_waits(client, running, alice):
    body = english(client, alice).get(reverse("project-detail", args=[running.pk])).content.decode()
    assert "What is due" in body and "File progress report “Milestone 1”" in body
    assert "It is paid once the acceptance is passed" in body
    assert "In progress" in body and "in_progress" not in body.replace('id="project-state"', "")


def test_a_report_with_evidence_is_filed_and_a_late_one_is_flagged(client, running, alice):
    report = running.reports.get(number=1)
    ProgressReport.objects.filter(pk=report.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    english(client, alice)
    page = reverse("project-report", args=[running.pk, report.pk])
    assert "This report is overdue." in client.get(page).content.decode()
    overview = client.get(reverse("project-detail", args=[running.pk])).content.decode()
    assert 'class="overdue"' in overview
    response = client.post(
        reverse("project-report-evidence", args=[running.pk, report.pk]), {"file": pdf("x.pdf", EXE)}, follow=True
    )
    assert "Only PDF, JPEG and PNG" in response.content.decode()
    client.post(reverse("project-report-evidence", args=[running.pk, report.pk]), {"file": pdf("trial.pdf")})
    response = client.post(page, {"value_i1": "40", "value_i2": "", "narrative": "Enrolment started."})
    assert "Give the value reached for “Clinical study report”." in response.content.decode()
    client.post(page, {"value_i1": "40", "value_i2": "0", "narrative": "Enrolment started."})
    report.refresh_from_db()
    assert report.state == ReportState.FILED and report.filed_late
    english(client, lead(running))
    body = client.get(page).content.decode()
    assert "filed late" in body and "trial.pdf" in body
    document = report.documents.get()
    assert client.get(reverse("project-document", args=[document.pk])).status_code == 200
    client.post(reverse("project-report-decide", args=[running.pk, report.pk]), {"report-decision": "yes"})
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.ACCEPTED


def test_finance_pays_what_is_payable_and_reads_why_the_rest_waits(client, running):
    english(client, finance())
    page = reverse("finance-instalments")
    body = client.get(page).content.decode()
    assert "Payable" in body and "It is paid once the acceptance is passed" in body
    first, last = running.instalments.order_by("number")
    today = timezone.localdate().isoformat()
    response = client.post(reverse("finance-instalment-pay", args=[last.pk]), {"paid_on": today}, follow=True)
    assert "was not paid: It is paid once the acceptance is passed" in response.content.decode()
    assert Instalment.objects.get(pk=last.pk).state == InstalmentState.SCHEDULED
    response = client.post(reverse("finance-instalment-pay", args=[first.pk]), {"paid_on": today}, follow=True)
    assert "Paid: 2,000,000 yuan" in response.content.decode()
    assert Award.objects.get(pk=running.award_id).paid == 2_000_000
    # The award's own payment form says how it is paid instead.
    body = client.get(reverse("finance-award", args=[running.award_id])).content.decode()
    assert "instalments of its project" in body and 'value="payment"' not in body


def test_the_officers_queue_puts_overdue_first(client, review_call, alice, charlie):
    waiting = issued_project(review_call, charlie)
    from tests.projects.builders import submitted

    submitted(waiting, charlie)
    late = in_progress(review_call, alice)
    ProgressReport.objects.filter(project=late, number=1).update(due_on=timezone.localdate() - timedelta(days=4))
    body = english(client, lead(late)).get(reverse("project-queue")).content.decode()
    assert body.index(f'id="queue-{late.pk}"') < body.index(f'id="queue-{waiting.pk}"')
    assert "1 overdue" in body and "Review the task statement" in body


def test_the_acceptance_panel_through_the_pages(client, running, alice, expert):
    pay(running.instalments.get(number=1))
    project = acceptance_applied(all_reports_accepted(running, alice), alice)
    english(client, lead(project))
    client.post(reverse("project-panel", args=[project.pk]), {"panel-experts": [expert.pk]})
    assert Project.objects.get(pk=project.pk).state == ProjectState.ACCEPTANCE_PANEL
    english(client, expert)
    seat = expert.acceptance_assignments.get()
    assert client.get(reverse("expert-acceptance", args=[seat.pk])).status_code == 404  # declare first
    client.post(reverse("expert-acceptance-declare", args=[seat.pk]), {"has_conflict": "false"})
    body = client.get(reverse("expert-acceptance", args=[seat.pk])).content.decode()
    assert "Phase II completed" in body and "Goals reached" in body
    client.post(
        reverse("expert-acceptance", args=[seat.pk]),
        {"score_goals": "85", "score_indicators": "80", "score_spending": "90"},
    )
    english(client, lead(project))
    decide = reverse("project-acceptance-decide", args=[project.pk])
    body = client.post(decide, {"acceptance-outcome": "passed", "acceptance-reasons": ""}).content.decode()
    assert "Give the reason; it is recorded." in body
    client.post(decide, {"acceptance-outcome": "passed", "acceptance-reasons": "The panel's average is 84."})
    assert Project.objects.get(pk=project.pk).state == ProjectState.PASSED


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_every_project_page_answers_in_one_language(client, running, alice, language):
    client.force_login(alice)
    client.cookies["django_language"] = language
    for name, args in [
        ("my-projects", []),
        ("project-detail", [running.pk]),
        ("project-version", [running.pk, 1]),
        ("project-report", [running.pk, running.reports.first().pk]),
        ("project-variation-new", [running.pk]),
        ("project-acceptance", [running.pk]),
    ]:
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert (f'lang="{"en" if language == "en" else "zh-Hans"}"') in response.content.decode()
