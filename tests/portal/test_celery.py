"""The worker treats each task as the web treats a request (portal/celery.py): it keeps its database
connection from task to task while the connection is young and healthy, instead of Celery's default of a
new PostgreSQL backend for every task."""

import pytest
from django.db import connection

from portal.tasks import heartbeat

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def worker_backends() -> set:
    """The other sessions on the test database: the worker's."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pid, backend_start FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid()"
        )
        return set(cursor.fetchall())


def test_the_worker_keeps_its_database_connection_from_task_to_task(celery_worker_process):
    heartbeat.delay().get(timeout=60)
    after_one = worker_backends()
    heartbeat.delay().get(timeout=60)
    heartbeat.delay().get(timeout=60)
    assert after_one, "the worker holds a connection after its task"
    assert worker_backends() == after_one
