from celery import shared_task
from django.db import OperationalError

from applications import alerts, notifications, reminders


# Kept registered for messages queued by the previous release; new mail goes through the outbox
# (portal.tasks.send_outbox_message).
@shared_task(name="applications.tasks.send_event_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_event_email(event_id: int) -> bool:
    return notifications.send_event_email(event_id)


@shared_task(
    name="applications.tasks.send_draft_reminders", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def send_draft_reminders() -> int:
    return reminders.draft_reminders_send()


@shared_task(
    name="applications.tasks.send_call_alerts", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def send_call_alerts() -> int:
    return alerts.call_alerts_send()
