import logging
import os

from celery import Celery
from celery.signals import task_postrun, task_prerun, worker_ready

from portal.health import record_heartbeat

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")

app = Celery("portal")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@task_prerun.connect
@task_postrun.connect
def _close_old_connections(task=None, **kwargs) -> None:
    """Each task is to a worker what a request is to the web: a database connection is kept while it is
    younger than CONN_MAX_AGE and healthy, and dropped otherwise (a restarted PostgreSQL). Celery's own
    Django fix-up would open a new connection for every task (CELERY_DB_REUSE_MAX in settings.py)."""
    from django.db import close_old_connections

    if task is not None and getattr(task.request, "is_eager", False):
        return  # run in its caller's process, inside the caller's transaction: not ours to close
    close_old_connections()


@worker_ready.connect
def _first_heartbeat(sender=None, **kwargs) -> None:
    """Readiness (/healthz) reads the worker's heartbeat: write one as soon as the worker consumes, not a
    minute later when beat first sends the task (`make run` waits for /healthz)."""
    from django.db import connection

    try:
        record_heartbeat(worker=getattr(sender, "hostname", "") or "")
    except Exception:  # the database or Redis is down: readiness says so until beat's next heartbeat
        logging.getLogger(__name__).exception("the worker's first heartbeat failed")
    finally:
        connection.close()  # the pool's processes are forked from this one: none may share its socket
