"""Reminders of review work by Celery beat, with the clock moved: the officers of a task's commission 2 working
days before its deadline and once it is overdue, an expert likewise for the scores; each once per deadline and
stage (one inbox item per person, one e-mail), never twice across beat runs, and none once the work is done."""

from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from applications import workflow
from portal.accounts.models import Notification, NotificationKind, OutboxMessage
from reviews import reminders, services, tasks
from reviews.clock import add_working_days, working_days_left
from reviews.models import ExpertAssignment, ReviewTask, TaskKind, TaskState
from tests import journeys
from tests.factories import officer
from tests.filings import submit

SHANGHAI = ZoneInfo("Asia/Shanghai")


def at_noon(day: date) -> datetime:
    return datetime.combine(day, time(12), tzinfo=SHANGHAI)


def day_with_left(due: date, left: int) -> date:
    """The latest day before `due` with `left` working days to go."""
    return next(d for d in (due - timedelta(days=n) for n in range(1, 40)) if working_days_left(d, due) == left)


def beat_at(day: date) -> int:
    """One run of the beat task, the clock at noon of `day` in Shanghai."""
    with time_machine.travel(at_noon(day), tick=False):
        return tasks.send_review_reminders()


def reminders_of(key_part: str):
    return Notification.objects.filter(kind=NotificationKind.REMINDER, key__contains=key_part)


def mails_of(key_part: str):
    return OutboxMessage.objects.filter(notifications__key__contains=key_part).distinct()


@pytest.fixture
def formal_check(filing_call, alice, stcsm_officer) -> ReviewTask:
    application = submit(filing_call, alice)
    return ReviewTask.objects.get(application=application, kind=TaskKind.FORMAL_CHECK)


def test_the_officers_of_the_tasks_commission_are_reminded_once_before_the_deadline_and_once_when_overdue(
    formal_check, stcsm_officer, smpa_officer
):
    colleague = officer("STCSM", username="stcsm-colleague")
    due = formal_check.due_on
    assert beat_at(day_with_left(due, 3)) == 0  # too early
    assert not reminders_of(f"task:{formal_check.pk}:").exists()

    soon = day_with_left(due, 2)
    assert beat_at(soon) == 1
    assert beat_at(soon) == 0  # the next hour: nothing new
    assert beat_at(day_with_left(due, 1)) == 0  # still due soon: already told
    due_soon = reminders_of(f"task:{formal_check.pk}:{due.isoformat()}:due-soon")
    assert sorted(due_soon.values_list("user__username", flat=True)) == sorted(
        [stcsm_officer.username, colleague.username]
    )
    assert mails_of(f"task:{formal_check.pk}:{due.isoformat()}:due-soon").count() == 1
    item = due_soon.get(user=stcsm_officer)
    assert item.link == f"/review/applications/{formal_check.application_id}/"
    assert f"is due on {due.isoformat()}" in item.body_en and "形式审查" in item.title_zh + item.body_zh

    assert beat_at(due + timedelta(days=1)) == 1
    assert beat_at(due + timedelta(days=6)) == 0  # still overdue: not sent again
    overdue = reminders_of(f"task:{formal_check.pk}:{due.isoformat()}:overdue")
    assert overdue.count() == 2 and mails_of(f"task:{formal_check.pk}:{due.isoformat()}:overdue").count() == 1
    assert "Overdue" in overdue.first().title_en
    # Nobody of another commission hears of it.
    assert not Notification.objects.filter(user=smpa_officer, kind=NotificationKind.REMINDER).exists()


def test_a_task_found_after_its_deadline_gets_the_overdue_reminder_only(formal_check, stcsm_officer):
    beat_at(formal_check.due_on + timedelta(days=3))
    keys = list(reminders_of(f"task:{formal_check.pk}:").values_list("key", flat=True))
    assert keys == [reminders.task_key(formal_check, reminders.OVERDUE)]


def test_no_reminder_once_the_task_is_done(formal_check, stcsm_officer):
    application = formal_check.application
    journeys.pass_formal_check(application)
    formal_check.refresh_from_db()
    assert formal_check.state == TaskState.DONE
    beat_at(formal_check.due_on + timedelta(days=2))
    assert not reminders_of(f"task:{formal_check.pk}:").exists()


def test_no_reminder_once_the_task_is_cancelled_and_none_written_outside_the_batch(formal_check, stcsm_officer):
    formal_check.cancel()
    assert reminders.task_reminders_send(now=at_noon(formal_check.due_on + timedelta(days=2))) == 0
    assert not reminders_of(f"task:{formal_check.pk}:").exists()


def test_a_moved_deadline_is_a_new_one(formal_check, stcsm_officer):
    due = formal_check.due_on
    beat_at(due + timedelta(days=1))
    later = add_working_days(due, 10)
    ReviewTask.objects.filter(pk=formal_check.pk).update(due_on=later)
    beat_at(later + timedelta(days=1))
    assert reminders_of(f"task:{formal_check.pk}:").filter(user=stcsm_officer).count() == 2


# --- experts' scores -------------------------------------------------------------------------------------------


@pytest.fixture
def assignment(expert_call, alice, invited_expert) -> ExpertAssignment:
    application = journeys.ready_for_decision(submit(expert_call, alice))
    workflow.transition(application=application, action="send_to_experts", by=journeys.lead(application))
    return ExpertAssignment.objects.get(application=application, expert=invited_expert)


def test_the_expert_is_reminded_of_scores_due_and_overdue_once_each(assignment, invited_expert):
    due = assignment.due_on
    key = f"assignment:{assignment.pk}:{due.isoformat()}"
    beat_at(day_with_left(due, 3))
    assert not reminders_of(key).exists()
    beat_at(day_with_left(due, 2))
    beat_at(day_with_left(due, 2))
    beat_at(due + timedelta(days=1))
    beat_at(due + timedelta(days=2))
    assert sorted(reminders_of(key).values_list("key", flat=True)) == [
        f"reminder:{key}:due-soon",
        f"reminder:{key}:overdue",
    ]
    assert set(reminders_of(key).values_list("user", flat=True)) == {invited_expert.pk}
    assert mails_of(key).count() == 2
    assert reminders_of(key).get(key__endswith="overdue").link == "/expert/"


def test_no_reminder_once_the_expert_has_scored(assignment, invited_expert):
    services.conflict_declare(assignment=assignment, by=invited_expert, has_conflict=False)
    assignment.refresh_from_db()
    services.score_submit(
        assignment=assignment, by=invited_expert, scores={"innovation": 80, "feasibility": 70}, comment="Sound."
    )
    beat_at(assignment.due_on + timedelta(days=1))
    assert not reminders_of(f"assignment:{assignment.pk}:").exists()


# --- the beat task on a real worker ----------------------------------------------------------------------------


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_the_beat_task_runs_the_service_on_the_worker(celery_worker_process, filing_call, alice, stcsm_officer):
    application = submit(filing_call, alice)
    task = ReviewTask.objects.get(application=application, kind=TaskKind.FORMAL_CHECK)
    # The worker's clock is the real one: the task's deadline is moved to yesterday instead.
    ReviewTask.objects.filter(pk=task.pk).update(due_on=timezone.localdate() - timedelta(days=1))
    assert tasks.send_review_reminders.delay().get(timeout=120) == 1
    assert tasks.send_review_reminders.delay().get(timeout=120) == 0
    assert reminders_of(f"task:{task.pk}:").filter(user=stcsm_officer).count() == 1
