"""Celery tasks of awards: thin, they take ids, call a service and own only the retries."""

from decimal import Decimal

from celery import shared_task
from django.db import OperationalError

from awards import certificates, exports, letters, notice, register, register_notice, services, sweeper


@shared_task(name="awards.tasks.compute_award", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=5)
def compute_award(application_id: int) -> str:
    # Awards are whole yuan; the amount comes back without the column's two decimals.
    return str(services.award_compute(application_id=application_id).amount.quantize(Decimal(1)))


@shared_task(
    name="awards.tasks.issue_letter",
    autoretry_for=(OperationalError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def issue_letter(decision_id: int) -> str:
    return letters.letter_issue(decision_id=decision_id).reference


@shared_task(name="awards.tasks.close_notices")
def close_notices() -> int:
    return len(notice.notices_close())


@shared_task(name="awards.tasks.build_export", autoretry_for=(OperationalError,), retry_backoff=True, max_retries=3)
def build_export(export_id: int) -> int:
    return exports.export_build(export_id=export_id).rows_done


@shared_task(name="awards.tasks.sweep_unfinished")
def sweep_unfinished() -> dict:
    return sweeper.sweep()


@shared_task(
    name="awards.tasks.issue_certificate",
    autoretry_for=(OperationalError, OSError),
    retry_backoff=True,
    max_retries=5,
)
def issue_certificate(decision_id: int) -> str:
    return certificates.certificate_issue(decision_id=decision_id).reference


@shared_task(name="awards.tasks.close_register_notices")
def close_register_notices() -> int:
    return len(register_notice.register_notices_close())


@shared_task(name="awards.tasks.expire_register_entries")
def expire_register_entries() -> int:
    return len(register.entries_expire())


@shared_task(name="awards.tasks.remind_renewals")
def remind_renewals() -> int:
    return len(register.renewal_reminders_send())
