"""A confirmed award opens its project: the task statement starts from the call's template and the schedule's
instalments are laid out from the call's terms (50% on the letter, 50% after acceptance when it sets none)."""

from decimal import Decimal

from django.utils import timezone

from applications.models import AuditEvent, Call
from awards.models import AwardState
from awards.projects.models import ConditionKind, InstalmentState, Project, ProjectState, ProjectTerms
from awards.projects.opening import months_after, open_project
from awards.projects.terms import instalment_amounts, schedule_problems
from portal.accounts.models import OutboxMessage
from reviews.clock import working_days_left
from tests.awards.test_letters import confirmed_award
from tests.projects.builders import issued_project

THREE_INSTALMENTS = [
    {"label_en": "On the letter", "label_zh": "决定书出具后", "percent": "30", "condition": "letter_issued"},
    {
        "label_en": "After the mid-term report",
        "label_zh": "中期报告通过后",
        "percent": "40",
        "condition": "report_accepted",
        "report": 1,
    },
    {"label_en": "After acceptance", "label_zh": "验收通过后", "percent": "30", "condition": "acceptance_passed"},
]


def test_a_confirmed_award_opens_its_project_with_the_default_schedule(review_call, alice):
    award = confirmed_award(review_call, alice)
    assert award.state == AwardState.CONFIRMED
    project = Project.objects.get(award=award)
    assert (project.state, project.organisation_id, project.title) == (
        ProjectState.DRAFTING,
        award.organisation_id,
        award.application.title,
    )
    assert [(i.percent, i.amount, i.condition) for i in project.instalments.order_by("number")] == [
        (50, 2_000_000, ConditionKind.LETTER_ISSUED),
        (50, 2_000_000, ConditionKind.ACCEPTANCE_PASSED),
    ]
    assert set(project.instalments.values_list("state", flat=True)) == {InstalmentState.SCHEDULED}
    # 20 working days to submit the task statement, counted on the official calendar.
    assert working_days_left(timezone.localdate(), project.statement_due_on) == 20
    opened = AuditEvent.objects.get(application=award.application, action="project_opened")
    assert opened.data["project"] == project.pk
    mail = OutboxMessage.objects.get(event=opened)
    assert "task statement" in mail.body and "任务书" in mail.body
    # Confirming is once; opening again finds the same project.
    assert open_project(award) == project and Project.objects.filter(award=award).count() == 1


def test_the_call_sets_three_instalments_with_conditions_and_the_statement_template(review_call, alice):
    ProjectTerms.objects.create(
        call=review_call,
        schedule=THREE_INSTALMENTS,
        goals_template_zh="完成临床试验。",
        indicators_template=[{"name": "Patients enrolled", "unit": "patients", "target": "100"}],
        milestones_template=[{"label": "Mid-term", "months": 6}, {"label": "End", "months": 12}],
    )
    project = issued_project(review_call, alice)
    rows = list(project.instalments.order_by("number"))
    assert [(i.amount, i.condition, i.report_number) for i in rows] == [
        (1_200_000, ConditionKind.LETTER_ISSUED, None),
        (1_600_000, ConditionKind.REPORT_ACCEPTED, 1),
        (1_200_000, ConditionKind.ACCEPTANCE_PASSED, None),
    ]
    today = timezone.localdate()
    assert project.statement["goals"] == "完成临床试验。"
    assert project.statement["indicators"][0]["target"] == "100"
    assert [m["due_on"] for m in project.statement["milestones"]] == [
        months_after(today, 6).isoformat(),
        months_after(today, 12).isoformat(),
    ]


def test_instalments_add_up_to_the_award_exactly():
    assert instalment_amounts(
        Decimal(1_000_001), [{"percent": "33.33"}, {"percent": "33.33"}, {"percent": "33.34"}]
    ) == [
        333_300,
        333_300,
        333_401,
    ]


def test_an_administrator_is_told_what_is_wrong_with_a_schedule():
    assert schedule_problems(THREE_INSTALMENTS) == []
    assert schedule_problems([]) != []
    assert "100%" in " ".join(schedule_problems([{**THREE_INSTALMENTS[0], "percent": "60"}]))
    assert "which progress report" in " ".join(schedule_problems([{**THREE_INSTALMENTS[1], "report": "first"}]))
    assert "condition" in " ".join(schedule_problems([{**THREE_INSTALMENTS[0], "condition": "whenever"}]))
    assert "YYYY-MM-DD" in " ".join(schedule_problems([{**THREE_INSTALMENTS[0], "condition": "date", "on": "soon"}]))


def test_an_award_of_nothing_opens_no_project(review_call, alice):
    # The call's budget was spent before this approval: it is confirmed at 0, and nothing is to be paid.
    Call.objects.filter(pk=review_call.pk).update(budget=0)
    award = confirmed_award(Call.objects.get(pk=review_call.pk), alice)
    assert (award.amount, award.state) == (0, AwardState.CONFIRMED)
    assert not Project.objects.filter(award=award).exists() and open_project(award) is None


def test_months_after_keeps_the_day_or_takes_the_months_last():
    from datetime import date

    assert months_after(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert months_after(date(2026, 11, 15), 3) == date(2027, 2, 15)
