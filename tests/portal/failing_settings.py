"""The portal's settings with one extra URL that raises: tests of the error log need a real 500, and the
portal itself must have none (tests/portal/test_logging_config.py)."""

from portal.settings import *  # noqa: F403

ROOT_URLCONF = "tests.portal.failing_urls"
