"""Loaded with `-p tests.testenv` (pyproject addopts), before pytest-django reads the settings.

Tests keep off the Redis database and Celery queue of a running `make run`: the cache is cleared
between tests, which flushes the whole Redis database it lives in.
"""

import atexit
import os
import shutil
import tempfile
import uuid

# Whatever Redis the shell (or the Makefile) points at, tests use its database 15 (TEST_REDIS_DB, so two
# runs side by side on one machine do not flush each other's) and their own queue.
TEST_REDIS_DB = os.environ.setdefault("TEST_REDIS_DB", "15")
# Under pytest-xdist (`make test` runs two processes) each process gets a Redis database of its own, one below
# the last: a test's cache flush must not empty the other's cache or broker. (pytest-django gives each its own
# test database the same way: test_<name>_gw0, _gw1.)
_xdist = os.environ.get("PYTEST_XDIST_WORKER", "")
if _xdist.startswith("gw"):
    TEST_REDIS_DB = os.environ["TEST_REDIS_DB"] = str((int(TEST_REDIS_DB) - int(_xdist[2:])) % 16)
_redis = os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/0")
_base = _redis.rsplit("/", 1)[0] if _redis.count("/") > 2 else _redis.rstrip("/")
os.environ["REDIS_URL"] = f"{_base}/{TEST_REDIS_DB}"
# A queue of this run's own: the session's real worker consumes it; no other run's tasks land there.
os.environ["CELERY_QUEUE"] = f"portal-test-{uuid.uuid4().hex[:8]}"
os.environ.setdefault("ESTIMATE_THROTTLE", "10000/minute")

# Letters, uploads and exports of a test run go to a directory of its own, removed at its end, never beside
# the demo's in var/media. Set here, before the settings load, so the workers and the gunicorn the tests
# start inherit it through the environment (portal/settings.py reads MEDIA_ROOT from there); always
# replaced, since a shell that runs `make run` may point MEDIA_ROOT at the demo's.
os.environ["MEDIA_ROOT"] = tempfile.mkdtemp(prefix="portal-test-media-")
atexit.register(shutil.rmtree, os.environ["MEDIA_ROOT"], ignore_errors=True)

# The commissions' seal keys and the demo CA they chain to (awards/seal.py), made once per run in a directory of
# its own (tests/conftest.py, `_demo_seal_ca`), for the same reason and inherited the same way; a passphrase,
# so tests open the keys as production does.
os.environ["SEAL_DIR"] = tempfile.mkdtemp(prefix="portal-test-seal-")
os.environ["SEAL_PASSPHRASE"] = "test-seal-passphrase"
os.environ.pop("SEAL_TRUST_ROOTS", None)
atexit.register(shutil.rmtree, os.environ["SEAL_DIR"], ignore_errors=True)
