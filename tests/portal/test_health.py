import pytest
from django.test import override_settings

from portal.tasks import heartbeat


@pytest.mark.worker
@pytest.mark.django_db(transaction=True)
def test_healthz_is_ok_with_a_real_worker_on_redis(client, celery_worker_process):
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
