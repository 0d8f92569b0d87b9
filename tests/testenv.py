"""Loaded with `-p tests.testenv` (pyproject addopts), before pytest-django reads the settings.

Tests keep off the Redis database and Celery queue of a running `make run`: the cache is cleared
between tests, which flushes the whole Redis database it lives in.
"""

import os

os.environ.setdefault("REDIS_URL", "redis://127.0.0.1:6379/15")
os.environ.setdefault("CELERY_QUEUE", "portal-test")
os.environ.setdefault("ESTIMATE_THROTTLE", "10000/minute")
