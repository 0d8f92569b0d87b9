"""Reminders through the outbox, by Celery beat: to the enterprise 10 and 3 working days before a deadline and
once it is overdue; to the lead commission's officers when a review falls due. Each is sent once per deadline
and stage, however often beat runs."""

from datetime import timedelta

from django.utils import timezone

from awards.projects import reminders, tasks
from awards.projects.models import ProgressReport, Reminder, ReminderStage
from portal.accounts.models import OutboxMessage
from reviews.clock import add_working_days
from tests.projects.builders import file_report, lead, submitted


def test_a_report_is_reminded_ten_and_three_working_days_before_and_when_overdue(running, alice):
    report = running.reports.get(number=1)
    due = report.due_on
    day_10 = next(d for d in (due - timedelta(days=n) for n in range(60)) if add_working_days(d, 10) == due)
    assert reminders.reminders_send(today=day_10 - timedelta(days=10)) == 0  # too early for anything
    assert reminders.reminders_send(today=day_10) >= 1
    assert reminders.reminders_send(today=day_10) == 0  # the same day again: nothing new
    day_3 = next(d for d in (due - timedelta(days=n) for n in range(30)) if add_working_days(d, 3) == due)
    reminders.reminders_send(today=day_3)
    reminders.reminders_send(today=due + timedelta(days=1))
    reminders.reminders_send(today=due + timedelta(days=5))  # still overdue: not sent again
    sent = Reminder.objects.filter(project=running, subject="report:m1")
    assert sorted(sent.values_list("stage", flat=True)) == sorted(
        [ReminderStage.DUE_IN_10, ReminderStage.DUE_IN_3, ReminderStage.OVERDUE]
    )
    overdue = sent.get(stage=ReminderStage.OVERDUE).message
    assert overdue.event is not None and overdue.event.application.organisation == alice.organisation
    assert f"Overdue since {due.isoformat()}: File progress report “Milestone 1”." in overdue.body
    assert "no instalment of the project is paid" in overdue.body


def test_a_moved_deadline_is_a_new_one(running, alice):
    report = running.reports.get(number=1)
    reminders.reminders_send(today=report.due_on + timedelta(days=1))
    ProgressReport.objects.filter(pk=report.pk).update(due_on=report.due_on + timedelta(days=30))
    reminders.reminders_send(today=report.due_on + timedelta(days=31 + 7))
    assert Reminder.objects.filter(project=running, subject="report:m1", stage=ReminderStage.OVERDUE).count() == 2


def test_the_lead_commission_is_reminded_of_a_review_due(project, alice):
    submitted(project, alice)
    project.refresh_from_db()
    reminders.reminders_send(today=project.review_due_on + timedelta(days=1))
    reminder = Reminder.objects.get(project=project, subject="review:statement")
    assert reminder.to_officers and reminder.stage == ReminderStage.OVERDUE
    assert reminder.message.event is None and reminder.message.recipients == [lead(project).email]


def test_a_filed_report_is_the_commissions_to_review(running, alice):
    file_report(running.reports.get(number=1), alice)
    report = running.reports.get(number=1)
    reminders.reminders_send(today=report.review_due_on)
    assert Reminder.objects.filter(project=running, subject="review:report:m1", stage=ReminderStage.DUE_IN_3).exists()
    assert not Reminder.objects.filter(project=running, subject="report:m1").exists()


def test_the_beat_task_sends_through_the_outbox(running, alice, settings):
    before = OutboxMessage.objects.count()
    report = running.reports.get(number=1)
    ProgressReport.objects.filter(pk=report.pk).update(due_on=timezone.localdate() - timedelta(days=2))
    assert tasks.send_reminders() >= 1
    assert tasks.send_reminders() == 0
    assert OutboxMessage.objects.count() > before


def test_each_reminder_is_also_an_inbox_item_tied_to_its_mail(running, alice, bob):
    from portal.accounts.models import Notification, NotificationKind

    report = running.reports.get(number=1)
    reminders.reminders_send(today=report.due_on + timedelta(days=1))
    reminders.reminders_send(today=report.due_on + timedelta(days=2))
    sent = Reminder.objects.get(project=running, subject="report:m1", stage=ReminderStage.OVERDUE)
    items = Notification.objects.filter(key__startswith=f"reminder:project:{running.pk}:report:m1:")
    assert sorted(items.values_list("user__username", flat=True)) == ["alice", "bob"]
    assert {item.outbox_id for item in items} == {sent.message_id}
    assert all(item.kind == NotificationKind.REMINDER and item.link == f"/projects/{running.pk}/" for item in items)
    assert "Milestone 1" in items.get(user=alice).body_en
