"""People and token clients of the API tests: the personas of tests/personas.py under the names the
permission tables use for them (relative to the review call)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from knox.models import AuthToken
from rest_framework.test import APIClient


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people(
    review_call, alice, bob, charlie, stcsm_officer, smpa_officer, commerce_officer, finance_officer, expert
) -> dict:
    return {
        "alice": alice,  # administrator of the applying organisation
        "bob": bob,  # her colleague
        "charlie": charlie,  # another organisation
        "lead_officer": stcsm_officer,  # the program's lead commission
        "co_reviewer": smpa_officer,  # a co-reviewing commission
        "unrelated_officer": commerce_officer,  # not routed to this program
        "finance_officer": finance_officer,
        "expert": expert,
        "anonymous": AnonymousUser(),
    }


def client_for(user) -> APIClient:
    """A client that authenticates with the user's token, as an integration would (none for anonymous)."""
    client = APIClient()
    if user.is_authenticated:
        _row, token = AuthToken.objects.create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def clients(people) -> dict:
    return {name: client_for(user) for name, user in people.items()}
