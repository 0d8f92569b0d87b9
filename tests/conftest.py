import os
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "tests" / "artifacts"


# Personas (healthchecks' alice/bob/charlie): alice administers Zhangjiang Demo Biotech, bob is her
# colleague, charlie administers Other Pharma and must never see their files.
@pytest.fixture
def org_a(db):
    from tests.factories import OrganisationFactory

    return OrganisationFactory(name="Zhangjiang Demo Biotech")


@pytest.fixture
def org_b(db):
    from tests.factories import OrganisationFactory

    return OrganisationFactory(name="Other Pharma")


@pytest.fixture
def alice(org_a):
    from tests.factories import member

    return member(org_a, admin=True, username="alice", first_name="Alice", last_name="Li")


@pytest.fixture
def bob(org_a):
    from tests.factories import member

    return member(org_a, username="bob", first_name="Bob", last_name="Zhang")


@pytest.fixture
def charlie(org_b):
    from tests.factories import member

    return member(org_b, admin=True, username="charlie")


@pytest.fixture(scope="session", autouse=True)
def _force_login_includes_the_second_factor():
    """`client.force_login` skips the password; for people with an authenticator app it skips the code
    too, as if they had entered it. Tests of two-factor sign-in itself go through the pages."""
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY

    from portal.accounts.two_factor import confirmed_device

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        device = confirmed_device(user)
        if device is not None:
            session = self.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

    Client.force_login = force_login
    yield
    Client.force_login = original


@pytest.fixture
def eager_celery():
    """Tasks run inline where they are queued (a live server's thread included), so e-mail lands in the
    test's outbox. Tests of the real worker use `celery_worker_process` instead."""
    from portal.celery import app

    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = False


@pytest.fixture
def catalogue(db):
    """The shipped catalogue, loaded as `make run` loads it."""
    from applications.catalogue import load_catalogue

    return load_catalogue()


@pytest.fixture(scope="session", autouse=True)
def _not_on_the_live_redis():
    from django.conf import settings

    assert settings.REDIS_URL.endswith("/" + os.environ["TEST_REDIS_DB"]), (
        "tests flush their Redis database; run them with -p tests.testenv"
    )


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Services speak the active language (Chinese by default); tests read them in English. Pages and
    the API still negotiate their language per request."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _clear_cache():
    # Throttle counters live in Redis; each test starts with none.
    from django.core.cache import cache

    cache.clear()
    yield


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


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup, django_db_blocker):
    """A real `celery worker` process on the local Redis, using the test database.

    Tests that use it need `transactional_db`, so that what they write is committed and visible to
    the worker's own connection.
    """
    # The queue this test run sends to (tests/testenv.py), fixed before Celery reads its settings.
    queue = os.environ["CELERY_QUEUE"]
    process, name, log = start_celery_worker(queue, "celery-worker.log")
    yield {"process": process, "queue": queue, "name": name}
    stop_celery_worker(process, log)
