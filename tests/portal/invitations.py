"""Invitation e-mails as the team tests read them, and the account a new colleague opens."""

import re

from tests.factories import PASSWORD

LINK = re.compile(r"https?://\S+/invitations/([A-Za-z0-9_\-]+)/")

# A new colleague's account, as typed on the invitation page or passed to the service.
NEW_ACCOUNT = {"username": "erin", "email": "erin@example.com", "password": PASSWORD, "first_name": "Erin Wang"}


def token_from(message) -> str:
    """The one-time token of the link in an invitation e-mail."""
    tokens = set(LINK.findall(message.body))
    assert len(tokens) == 1, message.body
    return tokens.pop()
