"""Reachability of what the portal depends on, for /healthz and the worker heartbeat."""

import socket

from django.core.cache import cache
from django.db import connection
from django.utils import timezone

HEARTBEAT_KEY = "health:worker-heartbeat"


def check_database() -> dict:
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception as error:  # any failure means "down", and the reason is reported
        return {"ok": False, "error": str(error)[:200]}
    return {"ok": True}


def check_redis() -> dict:
    try:
        cache.set("health:ping", "pong", timeout=10)
        ok = cache.get("health:ping") == "pong"
    except Exception as error:
        return {"ok": False, "error": str(error)[:200]}
    return {"ok": ok}


def check_celery(timeout: float = 1.0) -> dict:
    from portal.celery import app

    try:
        replies = app.control.ping(timeout=timeout)
        heartbeat = cache.get(HEARTBEAT_KEY)
    except Exception as error:
        return {"ok": False, "error": str(error)[:200]}
    result = {"ok": bool(replies), "workers": sorted(name for reply in replies for name in reply)}
    if heartbeat:
        result["last_heartbeat"] = heartbeat
    return result


def record_heartbeat() -> dict:
    with connection.cursor() as cursor:
        cursor.execute("SELECT now()")
        (database_time,) = cursor.fetchone()
    beat = {"at": timezone.now().isoformat(), "host": socket.gethostname(), "database_time": database_time.isoformat()}
    cache.set(HEARTBEAT_KEY, beat, timeout=None)
    return beat
