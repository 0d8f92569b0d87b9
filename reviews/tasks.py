"""Celery tasks of reviews: thin, they call a service and own only the retries."""

from celery import shared_task
from django.db import OperationalError

from reviews import reminders, threads


@shared_task(
    name="reviews.tasks.send_clarification_reminders",
    autoretry_for=(OperationalError,),
    retry_backoff=True,
    max_retries=3,
)
def send_clarification_reminders() -> int:
    return threads.clarification_reminders_send()


@shared_task(
    name="reviews.tasks.send_review_reminders", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3
)
def send_review_reminders() -> int:
    return reminders.review_reminders_send()
