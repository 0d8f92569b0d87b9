from celery import shared_task

from portal.health import record_heartbeat

# The worker's autodiscovery imports `<app>.tasks` only; importing the invitation task here registers it
# there too, or every invitation e-mail would be refused as an unregistered task.
from portal.team_tasks import send_invitation_email

__all__ = ["heartbeat", "send_invitation_email"]


@shared_task(name="portal.tasks.heartbeat", bind=True)
def heartbeat(self) -> dict:
    """Proves a worker reaches both the broker and the database; beat runs it every minute."""
    return record_heartbeat(worker=self.request.hostname or "")
