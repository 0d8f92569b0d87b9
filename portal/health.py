"""Reachability of what the portal depends on, for /healthz (readiness) and the worker heartbeat.

Every check is one round trip of a millisecond: a load balancer polls it several times a second."""

import socket
from datetime import datetime

from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.utils import timezone

HEARTBEAT_KEY = "health:worker-heartbeat"


def check_database() -> dict:
    """One round trip. Opening a cursor connects, or, on the connection kept between requests, runs Django's
    own health check (CONN_HEALTH_CHECKS: a SELECT 1 once per request, reconnecting if it fails): a
    SELECT 1 of ours would only double it."""
    try:
        connection.cursor().close()
    except Exception as error:  # any failure means "down", and the reason is reported
        return {"ok": False, "error": str(error)[:200]}
    return {"ok": True}


def check_redis_and_heartbeat() -> tuple[dict, dict | None]:
    """Redis answers, and what it holds as the worker's last heartbeat: one GET does both."""
    try:
        heartbeat = cache.get(HEARTBEAT_KEY)
    except Exception as error:
        return {"ok": False, "error": str(error)[:200]}, None
    return {"ok": True}, heartbeat


def check_celery(heartbeat: dict | None, stale_after: float | None = None) -> dict:
    """The worker's last heartbeat, as it wrote it (beat's task every minute, and the worker on start):
    read from Redis, where asking the workers over the broker waited out a timeout on every request."""
    stale_after = settings.HEARTBEAT_STALE_SECONDS if stale_after is None else stale_after
    if not heartbeat:
        return {"ok": False, "error": "no worker heartbeat", "workers": []}
    age = (timezone.now() - datetime.fromisoformat(heartbeat["at"])).total_seconds()
    result = {
        "ok": age <= stale_after,
        "workers": [heartbeat["worker"]] if heartbeat.get("worker") else [],
        "last_heartbeat": heartbeat,
        "age_seconds": round(age, 1),
    }
    if not result["ok"]:
        result["error"] = f"the last worker heartbeat is {age:.0f} s old (stale after {stale_after:.0f} s)"
    return result


def readiness() -> dict:
    """The checks of /healthz: one database round trip and one Redis GET."""
    redis, heartbeat = check_redis_and_heartbeat()
    return {"database": check_database(), "redis": redis, "celery": check_celery(heartbeat)}


def record_heartbeat(worker: str = "") -> dict:
    """Written by a worker that reached the database: what readiness reads."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        (database_time,) = cursor.fetchone()
    beat = {
        "at": timezone.now().isoformat(),
        "host": socket.gethostname(),
        "worker": worker,
        "database_time": database_time.isoformat(),
    }
    cache.set(HEARTBEAT_KEY, beat, timeout=None)
    return beat
