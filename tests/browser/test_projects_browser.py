"""Issue 15 in real headless Chromium: after the award. One grant from the letter to acceptance, in Chinese at desk
width: the task statement returned once and accepted, the first instalment paid and the second refused before
acceptance, a progress report filed late after its reminder, a variation approved, acceptance passed with an expert
and the last instalment paid. A second grant, in English at 390 px: its acceptance fails and Finance records the
clawback."""

from datetime import timedelta

import pytest
from django.utils import timezone

from awards.models import Award, AwardState
from awards.projects import reminders
from awards.projects.models import (
    InstalmentState,
    ProgressReport,
    Project,
    ProjectState,
    Reminder,
    ReminderStage,
    ReportState,
    VariationState,
)
from tests import personas
from tests.browser.pages import log_in, shot
from tests.calls import bio24_call
from tests.factories import PASSWORD
from tests.filings import PDF
from tests.projects import builders

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


OPEN: list = []  # the contexts a test opened, closed after it (their keep-alive connections hold the server's)


@pytest.fixture(autouse=True)
def _close_contexts():
    yield
    while OPEN:
        OPEN.pop().close()


def person(browser, live_server, user, *, locale, width=1280):
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": width, "height": 900})
    OPEN.append(context)
    page = context.new_page()
    violations = []
    page.on("console", lambda m: "Content Security Policy" in m.text and violations.append(m.text))
    log_in(page, user.username, PASSWORD)
    page.violations = violations
    return page


def submit(page, form: str) -> None:
    page.locator(f"{form} button[type=submit]").last.click()
    page.wait_for_load_state()


def main_text(page) -> str:
    return page.locator("main").inner_text()


def fits(page, width: int) -> None:
    """Nothing of the page's own content sticks out to the right of a phone's screen (tables scroll in their box)."""
    overflow = page.evaluate("document.documentElement.scrollWidth")
    assert overflow <= width + 1, f"the page is {overflow} px wide at {width} px"


@pytest.fixture
def world(live_server, eager_celery):
    from applications.catalogue import load_catalogue

    load_catalogue()
    for code in ["STCSM", "SMPA", "SHEITC", "DRC", "FIN"]:
        personas.officer_of(code)
    return {"call": bio24_call(), "alice": personas.alice(), "expert": personas.expert()}


def test_one_grant_from_the_letter_to_acceptance_in_chinese(browser, live_server, world, tmp_path):
    evidence = tmp_path / "进展证明.pdf"
    evidence.write_bytes(PDF)
    project = builders.issued_project(world["call"], world["alice"])
    lead_user, finance_user, expert_user = builders.lead(project), builders.finance(), world["expert"]
    alice = person(browser, live_server, world["alice"], locale="zh-CN")
    lead = person(browser, live_server, lead_user, locale="zh-CN")
    finance = person(browser, live_server, finance_user, locale="zh-CN")

    # The enterprise finds its new project and drafts the task statement from the call's template.
    alice.goto("/projects/")
    assert "提交任务书" in main_text(alice)
    shot(alice, "projects-01-my-projects-zh")
    alice.locator(f"#project-{project.pk} a").first.click()
    alice.locator(f"a[href='/projects/{project.pk}/statement/']").click()
    content = builders.statement_content()
    alice.fill("#id_goals", content["goals"])
    alice.fill("#id_lead_name", content["lead"]["name"])
    alice.fill("#id_lead_email", content["lead"]["email"])
    for n, row in enumerate(content["indicators"], start=1):
        alice.fill(f"#id_indicator_{n}_name", row["name"])
        alice.fill(f"#id_indicator_{n}_unit", row["unit"])
        alice.fill(f"#id_indicator_{n}_target", row["target"])
    for n, row in enumerate(content["milestones"], start=1):
        alice.fill(f"#id_milestone_{n}_label", row["label"])
        alice.fill(f"#id_milestone_{n}_due_on", row["due_on"])
    shot(alice, "projects-02-statement-draft-zh")
    alice.locator("button[name=intent][value=submit]").click()
    alice.wait_for_load_state()
    assert Project.objects.get(pk=project.pk).state == ProjectState.STATEMENT_SUBMITTED

    # The lead returns it once, with the reason; the enterprise reads it, corrects and submits again.
    lead.goto(f"/projects/{project.pk}/")
    lead.check("#statement-decision input[value=no]")
    lead.fill("#id_statement-reason", "请为临床研究报告指标注明单位。")
    submit(lead, "#statement-decision")
    assert Project.objects.get(pk=project.pk).state == ProjectState.STATEMENT_RETURNED
    alice.goto(f"/projects/{project.pk}/statement/")
    assert "请为临床研究报告指标注明单位。" in main_text(alice)
    shot(alice, "projects-03-statement-returned-zh")
    alice.fill("#id_indicator_2_unit", "份")
    alice.locator("button[name=intent][value=submit]").click()
    alice.wait_for_load_state()
    lead.goto(f"/projects/{project.pk}/")
    lead.check("#statement-decision input[value=yes]")
    submit(lead, "#statement-decision")
    project.refresh_from_db()
    assert project.state == ProjectState.IN_PROGRESS and project.version.number == 1
    shot(lead, "projects-04-statement-accepted-zh")

    # Finance pays the first instalment (on the letter); the second is refused before acceptance, with why.
    first, last = project.instalments.order_by("number")
    finance.goto("/finance/instalments/")
    submit(finance, f"#instalment-{first.pk}")
    assert "已拨付" in main_text(finance)
    submit(finance, f"#instalment-{last.pk}")
    assert "该期资金在验收通过后拨付，项目尚未通过验收。" in main_text(finance)
    shot(finance, "projects-05-second-instalment-refused-zh")
    assert first.__class__.objects.get(pk=first.pk).state == InstalmentState.PAID
    assert last.__class__.objects.get(pk=last.pk).state == InstalmentState.SCHEDULED

    # Months pass: the first report's date goes by unfiled. Beat's reminder goes out; the report is flagged.
    report = project.reports.get(number=1)
    ProgressReport.objects.filter(pk=report.pk).update(due_on=timezone.localdate() - timedelta(days=5))
    assert reminders.reminders_send() >= 1
    reminder = Reminder.objects.get(project=project, subject="report:m1", stage=ReminderStage.OVERDUE)
    assert "逾期" in reminder.message.body and "no instalment of the project is paid" in reminder.message.body
    lead.goto("/review/projects/")
    assert lead.locator(f"#queue-{project.pk}.overdue").count() == 1
    shot(lead, "projects-06-queue-overdue-first-zh")
    alice.goto(f"/projects/{project.pk}/")
    assert alice.locator(f"#report-{report.pk}.overdue").count() == 1 and "已发送的提醒" in main_text(alice)
    shot(alice, "projects-07-report-overdue-reminded-zh")
    alice.goto(f"/projects/{project.pk}/reports/{report.pk}/")
    alice.set_input_files("#evidence input[type=file]", str(evidence))
    submit(alice, "#evidence")
    alice.fill("#id_value_i1", "64")
    alice.fill("#id_value_i2", "0")
    alice.fill("#id_narrative", "入组进度落后，已增加两家临床中心。")
    submit(alice, "#report-form")
    report.refresh_from_db()
    assert report.state == ReportState.FILED and report.filed_late
    lead.goto(f"/projects/{project.pk}/reports/{report.pk}/")
    assert "逾期提交" in main_text(lead) and "进展证明.pdf" in main_text(lead)
    lead.check("#report-decision input[value=yes]")
    submit(lead, "#report-decision")
    assert ProgressReport.objects.get(pk=report.pk).state == ReportState.ACCEPTED

    # A variation: the second milestone is extended; approved, it makes version 2 of the statement.
    later = (project.reports.get(number=2).due_on + timedelta(days=30)).isoformat()
    alice.goto(f"/projects/{project.pk}/variations/new/")
    alice.check("input[name=kind][value=extend_milestone]")
    alice.select_option("#id_milestone", "m2")
    alice.fill("#id_due_on", later)
    alice.fill("#id_grounds", "增加临床中心后需延长一个月完成随访。")
    submit(alice, "#variation-form")
    variation = project.variations.get()
    lead.goto(f"/projects/{project.pk}/")
    lead.check(f"#variation-decision-{variation.pk} input[value=yes]")
    submit(lead, f"#variation-decision-{variation.pk}")
    variation.refresh_from_db()
    assert variation.state == VariationState.APPROVED and Project.objects.get(pk=project.pk).version.number == 2
    shot(lead, "projects-08-variation-approved-zh")

    # The second report on time, then the acceptance with its final and audit reports.
    report = project.reports.get(number=2)
    builders.file_report(report, world["alice"])
    lead.goto(f"/projects/{project.pk}/reports/{report.pk}/")
    lead.check("#report-decision input[value=yes]")
    submit(lead, "#report-decision")
    alice.goto(f"/projects/{project.pk}/acceptance/")
    for kind in ("final_report", "audit_report"):
        alice.select_option("#id_kind", kind)
        alice.set_input_files("#acceptance-document input[type=file]", str(evidence))
        submit(alice, "#acceptance-document")
    alice.fill("#id_summary", "II期临床完成，入组126例，已提交上市申请。")
    alice.fill("#id_audited_spending", "9,800,000")
    alice.fill("#id_achieved_i1", "126")
    alice.fill("#id_achieved_i2", "1")
    submit(alice, "#acceptance-form")
    # An amount with separators is refused beside its field, and nothing is applied for.
    assert alice.locator("#acceptance-form .has-error #id_audited_spending").count() == 1
    assert Project.objects.get(pk=project.pk).state == ProjectState.IN_PROGRESS
    shot(alice, "projects-09-acceptance-amount-refused-zh")
    alice.fill("#id_audited_spending", "9800000")
    submit(alice, "#acceptance-form")
    assert Project.objects.get(pk=project.pk).state == ProjectState.ACCEPTANCE_APPLIED

    # The lead checks it with an expert, who declares no conflict and scores on the acceptance rubric.
    lead.goto(f"/projects/{project.pk}/")
    lead.check(f"#panel-form input[value='{expert_user.pk}']")
    submit(lead, "#panel-form")
    expert = person(browser, live_server, expert_user, locale="zh-CN")
    expert.goto("/expert/acceptances/")
    seat = expert_user.acceptance_assignments.get()
    expert.check(f"#declare-{seat.pk} input[value=false]")
    submit(expert, f"#declare-{seat.pk}")
    for criterion, value in (("goals", "88"), ("indicators", "85"), ("spending", "90")):
        expert.fill(f"#id_score_{criterion}", value)
    shot(expert, "projects-10-expert-scores-acceptance-zh")
    submit(expert, "#score")
    lead.goto(f"/projects/{project.pk}/")
    lead.check("#acceptance-decision input[value=passed]")
    lead.fill("#id_acceptance-reasons", "专家组平均分87.2，各项指标均已完成。")
    submit(lead, "#acceptance-decision")
    assert Project.objects.get(pk=project.pk).state == ProjectState.PASSED
    shot(lead, "projects-11-acceptance-passed-zh")

    # Passed: the last instalment is paid, and the award is disbursed in full.
    finance.goto("/finance/instalments/")
    submit(finance, f"#instalment-{last.pk}")
    award = Award.objects.get(pk=project.award_id)
    assert (award.state, award.paid) == (AwardState.DISBURSED, award.amount)
    alice.goto(f"/projects/{project.pk}/")
    assert "验收通过" in main_text(alice)
    shot(alice, "projects-12-project-passed-zh")
    for page in (alice, lead, finance, expert):
        assert not page.violations, page.violations


def test_a_second_grant_fails_its_acceptance_and_its_clawback_is_recorded_at_390px(browser, live_server, world):
    project = builders.in_progress(world["call"], world["alice"])
    builders.pay(project.instalments.get(number=1))
    project = builders.acceptance_applied(builders.all_reports_accepted(project, world["alice"]), world["alice"])
    lead = person(browser, live_server, builders.lead(project), locale="en-US", width=390)
    finance = person(browser, live_server, builders.finance(), locale="en-US", width=390)

    lead.goto(f"/projects/{project.pk}/")
    fits(lead, 390)
    lead.check("#acceptance-decision input[value=failed]")
    submit(lead, "#acceptance-decision")
    assert "Give the reason; it is recorded." in main_text(lead)  # the reasons are required: nothing decided
    assert Project.objects.get(pk=project.pk).state == ProjectState.ACCEPTANCE_APPLIED
    lead.check("#acceptance-decision input[value=failed]")
    lead.fill("#id_acceptance-reasons", "The clinical study report was not delivered.")
    submit(lead, "#acceptance-decision")
    assert Project.objects.get(pk=project.pk).state == ProjectState.FAILED
    assert "Clawback" in main_text(lead) and "2,000,000" in main_text(lead)
    shot(lead, "projects-13-acceptance-failed-en-390")

    finance.goto("/finance/instalments/")
    fits(finance, 390)
    proposal = Project.objects.get(pk=project.pk).clawback_proposal
    shot(finance, "projects-14-repayment-to-record-en-390")
    submit(finance, f"#proposal-{proposal.pk}")
    assert "The repayment of 2,000,000 yuan is recorded." in main_text(finance)
    project.refresh_from_db()
    award = Award.objects.get(pk=project.award_id)
    assert project.state == ProjectState.CLAWED_BACK
    assert (award.state, award.clawed_back) == (AwardState.CLAWED_BACK, 2_000_000)
    finance.goto(f"/projects/{project.pk}/")
    fits(finance, 390)
    assert "Failed: money clawed back" in main_text(finance)
    shot(finance, "projects-15-clawed-back-en-390")
    for page in (lead, finance):
        assert not page.violations, page.violations
