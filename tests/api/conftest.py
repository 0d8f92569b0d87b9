"""People, calls and token clients of the API tests. Applicants (alice, bob, charlie) come from tests/conftest.py."""

import pytest
from django.contrib.auth.models import AnonymousUser
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests import journeys
from tests.factories import expert
from tests.reviews.conftest import bio24_call


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def review_call(catalogue):
    """An open BIO24-DRUG-INNOVATIVE call without expert review: STCSM leads, SMPA co-reviews, FIN confirms."""
    return bio24_call()


@pytest.fixture
def people(review_call, alice, bob, charlie) -> dict:
    return {
        "alice": alice,  # administrator of the applying organisation
        "bob": bob,  # her colleague
        "charlie": charlie,  # another organisation
        "lead_officer": journeys.staff("STCSM"),  # the program's lead commission
        "co_reviewer": journeys.staff("SMPA"),  # a co-reviewing commission
        "unrelated_officer": journeys.staff("COMMERCE"),  # not routed to this program
        "finance_officer": journeys.staff("FIN"),
        "expert": expert(username="dr-wang"),
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
