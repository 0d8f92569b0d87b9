"""Signing people in, in tests: the one place that passes the second factor for them.

`client.force_login` skips the password; tests/conftest.py makes it skip the authenticator code too (as if the
person had typed it) for everyone with a confirmed device, through `pass_second_factor`. Tests of two-factor
sign-in itself go through the pages (tests/portal/test_security.py, tests/browser/pages.log_in)."""

from django.test import Client

from portal.accounts.models import User


def pass_second_factor(client: Client, user: User) -> None:
    """Mark the client's session as verified with the user's authenticator app, if they have one."""
    from django_otp import DEVICE_ID_SESSION_KEY

    from portal.accounts.two_factor import confirmed_device

    device = confirmed_device(user)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()


def login(client: Client, user: User, language: str = "en") -> Client:
    """Log `user` in (past the second factor) with the pages in `language`."""
    client.force_login(user)
    client.cookies["django_language"] = language
    return client
