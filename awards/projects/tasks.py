"""Celery tasks of projects: thin, they call a service and own only the retries."""

from celery import shared_task
from django.db import OperationalError

from awards.projects import reminders


@shared_task(name="projects.tasks.send_reminders", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def send_reminders() -> int:
    return reminders.reminders_send()
