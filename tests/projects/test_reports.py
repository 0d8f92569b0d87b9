"""The project in the award report, its CSV and XLSX exports, and the dashboard: money paid against what the
schedules commit, projects by state, acceptance outcomes."""

import csv
import io

from django.urls import reverse
from openpyxl import load_workbook

from awards.exports import export_build, export_request
from awards.projects import acceptance
from tests.logins import login
from tests.projects.builders import acceptance_applied, all_reports_accepted, in_progress, issued_project, lead, pay


def english(client, admin):
    login(client, admin)
    client.cookies["django_language"] = "en"
    return client


def test_the_award_report_and_its_exports_show_the_project(
    client, review_call, alice, admin, django_capture_on_commit_callbacks
):
    running = in_progress(review_call, alice)
    english(client, admin)
    body = client.get(reverse("reports")).content.decode()
    assert "Project state" in body and "In progress" in body
    response = client.get(reverse("report-csv"))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    header, (row,) = rows[0], rows[1:]
    assert row[header.index("Project state / 项目状态")] == "in_progress"
    assert row[header.index("Project ends on / 项目结束日期")] == running.ends_on.isoformat()
    with django_capture_on_commit_callbacks(execute=False):
        export = export_request(user=admin, kind="xlsx", filters={})
    export = export_build(export_id=export.pk)
    sheet = list(load_workbook(export.file.path, read_only=True)["Awards 资助"].iter_rows(values_only=True))
    ends = sheet[1][sheet[0].index("Project ends on / 项目结束日期")]
    assert ends.date() == running.ends_on  # a date cell (openpyxl reads it back as a datetime)


def test_the_dashboard_shows_paid_against_committed_projects_by_state_and_acceptance_outcomes(
    client, review_call, alice, admin
):
    issued_project(review_call, alice)
    passed = in_progress(review_call, alice)
    pay(passed.instalments.get(number=1))
    passed = acceptance_applied(all_reports_accepted(passed, alice), alice)
    acceptance.acceptance_decide(project=passed, by=lead(passed), outcome="passed", reasons="All met.")
    body = english(client, admin).get(reverse("dashboard-admin")).content.decode()
    # 2,000,000 paid of the 8,000,000 the two schedules commit.
    assert "¥2,000,000 / ¥8,000,000 (25%)" in body
    assert "Projects by state" in body and "Task statement to draft" in body and "Acceptance passed" in body
    assert 'id="project-chart-data"' in body and "projects-dashboard.js" in body
