import os

import pytest

# --- the people of tests/personas.py, one fixture each -------------------------------------------------------


@pytest.fixture
def org_a(db):
    from tests import personas

    return personas.org_a()


@pytest.fixture
def org_b(db):
    from tests import personas

    return personas.org_b()


@pytest.fixture
def alice(org_a):
    from tests import personas

    return personas.alice()


@pytest.fixture
def bob(org_a):
    from tests import personas

    return personas.bob()


@pytest.fixture
def charlie(org_b):
    from tests import personas

    return personas.charlie()


@pytest.fixture
def hana(db):
    from tests import personas

    return personas.hana()


@pytest.fixture
def dora(db):
    from tests import personas

    return personas.dora()


@pytest.fixture
def stcsm_officer(catalogue):
    from tests import personas

    return personas.stcsm_officer()


@pytest.fixture
def sheitc_officer(catalogue):
    from tests import personas

    return personas.sheitc_officer()


@pytest.fixture
def drc_officer(catalogue):
    from tests import personas

    return personas.drc_officer()


@pytest.fixture
def smpa_officer(catalogue):
    from tests import personas

    return personas.smpa_officer()


@pytest.fixture
def health_officer(catalogue):
    from tests import personas

    return personas.health_officer()


@pytest.fixture
def hsa_officer(catalogue):
    from tests import personas

    return personas.hsa_officer()


@pytest.fixture
def commerce_officer(catalogue):
    from tests import personas

    return personas.commerce_officer()


@pytest.fixture
def shdc_officer(catalogue):
    from tests import personas

    return personas.shdc_officer()


@pytest.fixture
def finance_officer(catalogue):
    from tests import personas

    return personas.finance_officer()


@pytest.fixture
def expert(db):
    from tests import personas

    return personas.expert()


@pytest.fixture
def admin(db):
    from tests import personas

    return personas.admin()


# --- the calls of tests/calls.py -----------------------------------------------------------------------------


@pytest.fixture
def review_call(catalogue):
    """A BIO24-DRUG-INNOVATIVE call without expert review and without a per-applicant limit."""
    from tests.calls import bio24_call

    return bio24_call()


@pytest.fixture
def expert_call(catalogue):
    """A BIO24-DRUG-INNOVATIVE call with expert review (its rubric: tests/calls.RUBRIC)."""
    from tests.calls import bio24_call

    return bio24_call(uses_expert_review=True)


@pytest.fixture
def desk_call(catalogue):
    """The internationalisation desk (INTL24-INTERNATIONALISATION-DESK, B II.5(12)), open now: STCSM routes."""
    from tests.calls import desk_call

    return desk_call()


@pytest.fixture
def filing_call(catalogue):
    """The open BIO24 call of the filing tests, limited to 3 applications per applicant."""
    from tests.calls import filing_call

    return filing_call()


@pytest.fixture(scope="session", autouse=True)
def _force_login_includes_the_second_factor():
    """`client.force_login` skips the password; for people with an authenticator app it skips the code
    too, as if they had entered it (tests/logins.py). Tests of two-factor sign-in itself go through the pages."""
    from django.test import Client

    from tests.logins import pass_second_factor

    original = Client.force_login

    def force_login(self, user, backend=None):
        original(self, user, backend)
        pass_second_factor(self, user)

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
def _demo_seal_ca():
    """The demo seal CA and a key for every commission of the catalogue, once per run, in the run's SEAL_DIR
    (tests/testenv.py): letters are sealed when issued, by the test process and by its workers alike."""
    import tomllib
    from types import SimpleNamespace

    from django.conf import settings

    from awards import seal

    commissions = tomllib.loads(settings.CATALOGUE_PATH.read_text())["commissions"]
    seal.demo_ca_ensure(
        [SimpleNamespace(code=c["code"], name_zh=c["name_zh"], name_en=c["name_en"]) for c in commissions]
    )


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


@pytest.fixture(scope="session")
def _celery_worker_session(django_db_setup, django_db_blocker):
    # One worker process for the whole run (starting one takes seconds); it consumes only while a test
    # that asks for it runs (`celery_worker_process`).
    from tests.workers import start_celery_worker, stop_celery_worker

    # The queue this test run sends to (tests/testenv.py), fixed before Celery reads its settings.
    queue = os.environ["CELERY_QUEUE"]
    process, name, log = start_celery_worker(queue, "celery-worker.log")
    yield {"process": process, "queue": queue, "name": name}
    stop_celery_worker(process, log)


@pytest.fixture
def celery_worker_process(_celery_worker_session):
    """A real `celery worker` process on the local Redis, using the test database.

    Tests that use it need `transactional_db`, so that what they write is committed and visible to
    the worker's own connection.

    Between such tests the worker does not consume: a transactional test without it still queues its
    side effects to the run's queue, and a worker running them would write into the next test's
    database while it is being truncated (a deadlock, or rows left behind). What other tests queued is
    purged before this test starts, and the worker is idle before its database is flushed.
    """
    from tests.workers import pause_celery_worker, resume_celery_worker

    resume_celery_worker(_celery_worker_session["queue"], _celery_worker_session["name"])
    yield _celery_worker_session
    pause_celery_worker(_celery_worker_session["queue"], _celery_worker_session["name"])
