"""A real `celery worker` process for the tests marked `worker`: on the local Redis and the test database."""

import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

from tests.paths import ARTIFACTS, ROOT


def start_celery_worker(queue: str, log_name: str, **extra_env):
    """A real `celery worker` process on the local Redis and the test database, consuming `queue`.
    Returns (process, node name, log file) once the worker answers a ping."""
    from django.db import connection as db_connection

    from portal.celery import app

    db = db_connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST']}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_QUEUE": queue,
        **extra_env,
    }
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    log = open(ARTIFACTS / log_name, "w")  # noqa: SIM115 -- open for the worker's whole life
    name = f"{queue}-{uuid.uuid4().hex[:4]}@{os.uname().nodename}"
    process = subprocess.Popen(  # noqa: S603
        [
            sys.executable,
            "-m",
            "celery",
            "-A",
            "portal",
            "worker",
            "-Q",
            queue,
            "-c",
            "1",
            "--pool",
            "solo",
            "-n",
            name,
            "-l",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )

    # A worker on a broker of its own (REDIS_URL in extra_env) cannot be pinged over the run's broker;
    # it says "ready" in its log instead.
    def ready() -> bool:
        if "REDIS_URL" in extra_env:
            time.sleep(0.2)
            return " ready." in Path(log.name).read_text(errors="replace")
        return bool(app.control.ping(destination=[name], timeout=0.5))

    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the Celery worker exited early; see {log.name}")
        if ready():
            return process, name, log
    process.kill()
    raise RuntimeError("the Celery worker did not answer within 60 s")


def stop_celery_worker(process, log) -> None:
    process.terminate()
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        process.kill()
    log.close()


def resume_celery_worker(queue: str, name: str) -> None:
    """Empty `queue` of what other tests left there, then let worker `name` consume it."""
    from portal.celery import app

    with app.connection_for_write() as connection:
        connection.default_channel.queue_purge(queue)
    app.control.add_consumer(queue, destination=[name], reply=True, timeout=10)


def pause_celery_worker(queue: str, name: str, timeout: float = 30) -> None:
    """Stop worker `name` taking tasks from `queue` and wait until it has none running or reserved.

    A solo-pool worker answers control messages only between tasks, so the replies come once the task it
    is running has ended."""
    from portal.celery import app

    app.control.cancel_consumer(queue, destination=[name], reply=True, timeout=timeout)
    deadline = time.monotonic() + timeout
    inspect = app.control.inspect(destination=[name], timeout=2)
    while time.monotonic() < deadline:
        # No reply at all means the worker is still inside a task.
        active, reserved = inspect.active(), inspect.reserved()
        if active and reserved and not active.get(name) and not reserved.get(name):
            return
        time.sleep(0.1)
    raise RuntimeError(f"the Celery worker {name} still had tasks {timeout} s after the test")
