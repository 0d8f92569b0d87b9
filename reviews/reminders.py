"""Reminders of review work, sent by Celery beat (tasks.send_review_reminders, hourly) as inbox items and their
e-mail (portal/accounts/inbox.py).

To the officers of a task's commission: an open review task due in 2 working days or less, and once it is
overdue. To an expert: an assignment not yet scored due in 2 working days or less, and once overdue. Each is sent
once per thing, deadline and stage: the inbox item's key names them (`reminder:task:<id>:<due>:due-soon`), and a
person has one item per key, so a second run, a retried task or a second worker sends nothing more; the row of
the task (or assignment) is locked while it is written, and its state read again, so nothing is sent about work
done meanwhile. A deadline that moves is a new deadline, reminded again. Only the most urgent stage is sent: work
found after its deadline gets the overdue reminder, not the due-soon one as well."""

from datetime import date, datetime

from django.db import transaction
from django.utils import timezone

from portal.accounts import inbox, predicates
from portal.accounts.models import Notification, NotificationKind, User
from reviews.clock import add_working_days, working_days_left
from reviews.models import AssignmentState, ExpertAssignment, ReviewTask, TaskState

DUE_SOON_WORKING_DAYS = 2
DUE_SOON, OVERDUE = "due-soon", "overdue"
PENDING_ASSIGNMENT = [AssignmentState.AWAITING_DECLARATION, AssignmentState.OPEN]


def stage_for(due_on: date, today: date) -> str | None:
    if today > due_on:
        return OVERDUE
    if working_days_left(today, due_on) <= DUE_SOON_WORKING_DAYS:
        return DUE_SOON
    return None


def task_key(task: ReviewTask, stage: str) -> str:
    return f"reminder:task:{task.pk}:{task.due_on.isoformat()}:{stage}"


def assignment_key(assignment: ExpertAssignment, stage: str) -> str:
    return f"reminder:assignment:{assignment.pk}:{assignment.due_on.isoformat()}:{stage}"


def _due(rows, today: date, key_of) -> list[tuple[int, str]]:
    """(pk, stage) of the rows to remind now, less those already reminded (one query for the whole batch)."""
    staged = [(row, stage) for row in rows if (stage := stage_for(row.due_on, today)) is not None]
    told = set(
        Notification.objects.filter(key__in=[key_of(row, stage) for row, stage in staged]).values_list("key", flat=True)
    )
    return [(row.pk, stage) for row, stage in staged if key_of(row, stage) not in told]


def officers_of(commission_id: int) -> list[User]:
    staff = User.objects.filter(commission_id=commission_id, is_active=True)
    return [user for user in staff if predicates.is_officer_of(user, commission_id)]


def _send_task(task_id: int, stage: str, today: date) -> bool:
    with transaction.atomic():
        task = (
            ReviewTask.objects.select_for_update(of=("self",))
            .select_related("application", "commission")
            .filter(pk=task_id, state=TaskState.OPEN)
            .first()
        )
        if task is None or stage_for(task.due_on, today) != stage:
            return False
        texts = inbox.render_texts(
            "emails/reminder_subject.txt",
            "emails/reminder.txt",
            {"what": "task", "stage": stage, "task": task, "application": task.application, "due_on": task.due_on},
        )
        items = inbox.notify(
            users=officers_of(task.commission_id),
            kind=NotificationKind.REMINDER,
            key=task_key(task, stage),
            texts=texts,
            link=f"/review/applications/{task.application_id}/",
        )
    return bool(items)


def _send_assignment(assignment_id: int, stage: str, today: date) -> bool:
    with transaction.atomic():
        assignment = (
            ExpertAssignment.objects.select_for_update(of=("self",))
            .select_related("application", "expert")
            .filter(pk=assignment_id, state__in=PENDING_ASSIGNMENT)
            .first()
        )
        if assignment is None or stage_for(assignment.due_on, today) != stage:
            return False
        texts = inbox.render_texts(
            "emails/reminder_subject.txt",
            "emails/reminder.txt",
            {
                "what": "assignment",
                "stage": stage,
                "application": assignment.application,
                "due_on": assignment.due_on,
            },
        )
        items = inbox.notify(
            users=[assignment.expert],
            kind=NotificationKind.REMINDER,
            key=assignment_key(assignment, stage),
            texts=texts,
            link="/expert/",
        )
    return bool(items)


def task_reminders_send(*, now: datetime | None = None) -> int:
    """Remind the commissions of open tasks due soon or overdue; the number of reminders sent (a task and stage
    told to its officers). Safe to run as often as beat likes."""
    today = timezone.localdate(now or timezone.now())
    horizon = add_working_days(today, DUE_SOON_WORKING_DAYS)
    tasks = ReviewTask.objects.filter(state=TaskState.OPEN, due_on__lte=horizon).only("pk", "due_on")
    sent = 0
    for pk, stage in _due(tasks.iterator(chunk_size=500), today, task_key):
        sent += _send_task(pk, stage, today)
    return sent


def assignment_reminders_send(*, now: datetime | None = None) -> int:
    """Remind experts of assignments not yet scored, due soon or overdue; the number of reminders sent."""
    today = timezone.localdate(now or timezone.now())
    horizon = add_working_days(today, DUE_SOON_WORKING_DAYS)
    assignments = ExpertAssignment.objects.filter(state__in=PENDING_ASSIGNMENT, due_on__lte=horizon).only(
        "pk", "due_on"
    )
    sent = 0
    for pk, stage in _due(assignments.iterator(chunk_size=500), today, assignment_key):
        sent += _send_assignment(pk, stage, today)
    return sent


def review_reminders_send(*, now: datetime | None = None) -> int:
    """Both kinds, for the one beat task."""
    return task_reminders_send(now=now) + assignment_reminders_send(now=now)
