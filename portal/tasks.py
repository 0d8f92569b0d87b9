from celery import shared_task

# The worker's autodiscovery imports `<app>.tasks` only; importing the e-mail tasks here registers them
# there too, or every invitation, reset and verification e-mail would be refused as an unregistered task.
from portal.account_tasks import send_email_verification, send_password_reset_email
from portal.health import record_heartbeat
from portal.team_tasks import send_invitation_email

__all__ = ["heartbeat", "send_email_verification", "send_invitation_email", "send_password_reset_email"]


@shared_task(name="portal.tasks.heartbeat", bind=True)
def heartbeat(self) -> dict:
    """Proves a worker reaches both the broker and the database; beat runs it every minute."""
    return record_heartbeat(worker=self.request.hostname or "")
