"""Settings for the test run: the portal's own, with a fast password hasher (tests create hundreds of
users; the production hasher spends ~100 ms on each on purpose)."""

from portal.settings import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
