"""Reminders of what a project owes, sent by Celery beat (tasks.send_reminders, hourly) through the outbox.

To the enterprise: a task statement, progress report or application for acceptance due in 10 and in 3 working
days, and overdue. To the lead commission's officers: a review (statement, report, variation, acceptance) due in
3 working days, and overdue. Each is sent once per thing, deadline and stage: the `Reminder` row (unique on
them) is written with its audit event and its mail, under the project's lock, so a second run, a retried task
or two workers at once send nothing more. A deadline that moves (a variation extends a milestone) is a new
deadline, reminded again. Only the most urgent stage is sent: a report found 2 days before its date gets the
3-day reminder, not the 10-day one as well."""

from datetime import date

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from applications.models import AuditEvent
from awards.projects.agenda import ENTERPRISE, Due, agenda
from awards.projects.lifecycle import ProjectAction, lock, notify_enterprise, notify_officers
from awards.projects.models import Project, Reminder, ReminderStage
from awards.projects.selectors import OPEN_STATES, with_agenda
from portal.accounts import inbox
from portal.accounts.models import NotificationKind
from reviews.clock import working_days_left
from reviews.reminders import officers_of


def stage_for(item: Due, today: date) -> ReminderStage | None:
    if today > item.due_on:
        return ReminderStage.OVERDUE
    left = working_days_left(today, item.due_on)
    if left <= 3:
        return ReminderStage.DUE_IN_3
    if left <= 10 and item.who == ENTERPRISE:
        return ReminderStage.DUE_IN_10
    return None


def _send(project_id: int, item: Due, stage: ReminderStage, today: date) -> bool:
    with transaction.atomic():
        project = lock(project_id)
        if Reminder.objects.filter(project=project, subject=item.subject, due_on=item.due_on, stage=stage).exists():
            return False
        to_officers = item.who != ENTERPRISE
        event = AuditEvent.record(
            application=project.application,
            action=ProjectAction.REMINDER_SENT,
            data={
                "project": project.pk,
                "subject": item.subject,
                "what": item.what,
                "due_on": item.due_on.isoformat(),
                "stage": stage,
                "to_officers": to_officers,
                "left": working_days_left(today, item.due_on),
            },
            public=not to_officers,
        )
        extra = {"due": item, "stage": stage}
        if to_officers:
            key = f"reminder:{project.pk}:{item.subject}:{item.due_on.isoformat()}:{stage}"
            message = notify_officers(project, event, dedupe_key=key, **extra)
        else:
            message = notify_enterprise(project, event, **extra)
        if message is not None:
            _to_inbox(project, event, item, stage, to_officers, message, extra)
        Reminder.objects.create(
            project=project,
            subject=item.subject,
            due_on=item.due_on,
            stage=stage,
            to_officers=to_officers,
            message=message,
        )
    return True


def _to_inbox(project, event, item: Due, stage, to_officers: bool, message, extra: dict) -> None:
    """The reminder's inbox item for each person its mail goes to, tied to that mail (issue 16)."""
    people = (
        officers_of(project.program.lead_id)
        if to_officers
        else list(project.organisation.members.filter(is_active=True))
    )
    texts = inbox.render_texts(
        "emails/project_subject.txt",
        "emails/project_event.txt",
        {"event": event, "project": project, "site_url": settings.SITE_URL, "to_officers": to_officers, **extra},
    )
    inbox.notify(
        users=people,
        kind=NotificationKind.REMINDER,
        key=f"reminder:project:{project.pk}:{item.subject}:{item.due_on.isoformat()}:{stage}"[:120],
        texts=texts,
        link=f"/projects/{project.pk}/",
        event=None if to_officers else event,
        outbox=message,
    )


def reminders_send(today: date | None = None) -> int:
    """Send what is due today; the number sent. Safe to run as often as beat likes."""
    today = today or timezone.localdate()
    sent = 0
    for project in with_agenda(Project.objects.filter(state__in=OPEN_STATES)).iterator(chunk_size=500):
        for item in agenda(project):
            if item.due_on is None:
                continue
            stage = stage_for(item, today)
            if stage is not None and _send(project.pk, item, stage, today):
                sent += 1
    return sent
