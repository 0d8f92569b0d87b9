from datetime import timedelta

import pytest
import time_machine
from django.core.cache import cache
from django.test import override_settings
from django.utils import timezone

from portal.health import HEARTBEAT_KEY, record_heartbeat
from portal.tasks import heartbeat


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_healthz_is_ok_with_a_real_worker_on_redis(client, celery_worker_process):
    # Readiness reads the worker's heartbeat (the cache is flushed between tests: the worker writes a new one).
    heartbeat.delay().get(timeout=30)
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200, body
    assert body["checks"]["database"]["ok"] and body["checks"]["redis"]["ok"]
    assert celery_worker_process["name"] in body["checks"]["celery"]["workers"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_heartbeat_task_runs_on_the_worker_against_the_database(celery_worker_process):
    beat = heartbeat.delay().get(timeout=30)
    assert beat["database_time"] and beat["host"]
    assert beat["worker"] == celery_worker_process["name"]


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_a_starting_worker_writes_its_heartbeat_at_once_without_waiting_for_beat():
    import time

    from tests.workers import start_celery_worker, stop_celery_worker

    process, name, log = start_celery_worker("health-start", "celery-worker-health.log")
    try:
        deadline = time.monotonic() + 10
        while (cache.get(HEARTBEAT_KEY) or {}).get("worker") != name:
            assert time.monotonic() < deadline, "no heartbeat from the new worker"
            time.sleep(0.1)
    finally:
        stop_celery_worker(process, log)


@pytest.mark.django_db
def test_healthz_is_ready_on_a_fresh_heartbeat_and_503_on_a_stale_or_missing_one(client):
    assert client.get("/healthz").status_code == 503  # no worker has written one
    record_heartbeat(worker="w1@host")
    response = client.get("/healthz")
    assert response.status_code == 200, response.json()
    assert response.json()["checks"]["celery"]["workers"] == ["w1@host"]
    with time_machine.travel(timezone.now() + timedelta(minutes=4)):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["celery"]["ok"] is False
    assert "old" in response.json()["checks"]["celery"]["error"]


@pytest.mark.django_db
def test_healthz_never_asks_the_workers_over_the_broker(client, monkeypatch):
    from portal.celery import app

    def ping(*args, **kwargs):
        raise AssertionError("control.ping on the request path")

    monkeypatch.setattr(app.control, "ping", ping)
    record_heartbeat(worker="w1@host")
    assert client.get("/healthz").status_code == 200


@pytest.mark.django_db
def test_liveness_answers_without_database_or_redis(client, django_assert_num_queries, monkeypatch):
    def no_redis(*args, **kwargs):
        raise AssertionError("liveness touched the cache")

    monkeypatch.setattr(cache, "get", no_redis)
    monkeypatch.setattr(cache, "set", no_redis)
    with django_assert_num_queries(0):
        response = client.get("/healthz/live")
    assert response.status_code == 200 and response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_healthz_is_503_when_redis_is_unreachable(client):
    unreachable = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": "redis://127.0.0.1:1/0"}
    }
    with override_settings(CACHES=unreachable):
        from django.core.cache import caches

        caches._settings = None  # the cache handler reads CACHES once; make it read the override
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["redis"]["ok"] is False


@pytest.mark.django_db
def test_healthz_is_503_when_the_database_does_not_answer(client, monkeypatch):
    from django.db import OperationalError

    from portal import health

    def refused():
        raise OperationalError("connection refused")

    record_heartbeat(worker="w1@host")
    monkeypatch.setattr(health.connection, "cursor", refused)
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["checks"]["database"] == {"ok": False, "error": "connection refused"}
