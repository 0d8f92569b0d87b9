"""The team tests' invitations. Their people (alice and bob of org_a, charlie of org_b, dora of none) are
the personas of tests/personas.py."""

import pytest

from tests.portal.invitations import token_from


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
