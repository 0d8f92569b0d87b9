import smtplib

from celery import shared_task
from django.db import InterfaceError, OperationalError, connection

from portal.accounts import inbox, outbox

# The worker's autodiscovery imports `<app>.tasks` only; importing the invitation task here registers it
# there too (it still takes messages queued by the release before the outbox).
from portal.accounts.team_tasks import send_invitation_email

# Task names are wire names, kept from before the accounts app was a package of its own: a message queued
# by the previous release still finds its task.
__all__ = [
    "send_digests",
    "send_invitation_email",
    "send_outbox_message",
    "sweep_outbox",
]

# Whatever may work a moment later: the mail server (SMTPException is an OSError, listed for the reader),
# the disk or network (OSError), the database (a restart, a terminated backend).
TRANSIENT = (smtplib.SMTPException, OSError, OperationalError, InterfaceError)


@shared_task(bind=True, name="portal.tasks.send_outbox_message", max_retries=8)
def send_outbox_message(self, message_id: int) -> bool:
    try:
        return outbox.outbox_send(message_id=message_id)
    except TRANSIENT as error:
        if not self.request.is_eager and not connection.in_atomic_block:
            connection.close()  # a broken connection stays broken; the retry opens a fresh one
        # 1, 2, 4 ... 128 s; past max_retries the sweep takes the row up again.
        raise self.retry(exc=error, countdown=min(600, 2**self.request.retries)) from error


@shared_task(name="portal.tasks.sweep_outbox")
def sweep_outbox() -> int:
    return outbox.outbox_sweep()


@shared_task(name="portal.accounts.tasks.send_digests")
def send_digests() -> int:
    return inbox.digest_send()
