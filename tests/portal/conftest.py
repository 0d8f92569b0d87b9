"""Personas for organisations and their teams: alice (administrator) and bob work for Zhangjiang Demo
Biotech, charlie administers Other Pharma, dora has an account that belongs to no organisation."""

import re

import pytest

# The open BIO24 call of the filing tests: a removed colleague must lose its applications.
from tests.applications.conftest import drug_call  # noqa: F401
from tests.factories import PASSWORD, UserFactory

LINK = re.compile(r"https?://\S+/invitations/([A-Za-z0-9_\-]+)/")

# A new colleague's account, as typed on the invitation page or passed to the service.
NEW_ACCOUNT = {"username": "erin", "email": "erin@example.com", "password": PASSWORD, "first_name": "Erin Wang"}


@pytest.fixture
def dora(db):
    """An enterprise user whose account belongs to no organisation (for example removed from one)."""
    return UserFactory(username="dora")


def token_from(message) -> str:
    """The one-time token of the link in an invitation e-mail."""
    tokens = set(LINK.findall(message.body))
    assert len(tokens) == 1, message.body
    return tokens.pop()


@pytest.fixture
def invite(db, eager_celery, mailoutbox, django_capture_on_commit_callbacks):
    """Invite through the service as a page does: the e-mail leaves after commit, through Celery.
    Returns (invitation, the clear token read from the e-mail). `db` comes first: setting up the
    database starts a new outbox."""
    from portal.accounts.organisations import member_invite

    def invite(organisation, email, by):
        sent = len(mailoutbox)
        with django_capture_on_commit_callbacks(execute=True):
            invitation = member_invite(organisation=organisation, email=email, by=by)
        assert len(mailoutbox) == sent + 1
        return invitation, token_from(mailoutbox[-1])

    return invite
