from celery import shared_task

from portal.health import record_heartbeat


@shared_task(name="portal.tasks.heartbeat", bind=True)
def heartbeat(self) -> dict:
    """Proves a worker reaches both the broker and the database; beat runs it every minute."""
    return record_heartbeat(worker=self.request.hostname or "")
