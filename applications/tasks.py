from celery import shared_task

from applications import notifications


@shared_task(name="applications.tasks.send_event_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5)
def send_event_email(event_id: int) -> bool:
    return notifications.send_event_email(event_id)
