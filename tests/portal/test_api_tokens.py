"""Issue 12, defect 5: API tokens. Commission staff need their second factor for one, administrators and
experts get none; every token expires (staff: a working day, applicants: a month); each owner lists and
revokes their own tokens, on a page and through the API, and nobody else's."""

from datetime import timedelta

import pytest
import time_machine
from django.conf import settings
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken
from rest_framework.test import APIClient

from tests.factories import PASSWORD, TOTP_KEY, expert, officer, totp_code

pytestmark = pytest.mark.django_db

TOKEN_URL = "/api/v1/auth-token/"


def ask(username, password=PASSWORD, **extra):
    body = {"username": username, "password": password, **extra}
    return APIClient().post(TOKEN_URL, body, format="json", HTTP_ACCEPT_LANGUAGE="en")


def with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


@pytest.fixture
def olivia(catalogue):
    """An STCSM officer with an authenticator app."""
    user = officer("STCSM", username="olivia")
    TOTPDevice.objects.create(user=user, name="phone", key=TOTP_KEY, confirmed=True)
    return user


def test_an_officer_with_only_the_password_gets_no_token(olivia):
    response = ask("olivia")
    assert response.status_code == 400 and response.json()["code"] == "required"
    assert "code" in response.json()
    assert not AuthToken.objects.filter(user=olivia).exists()


def test_an_officer_without_an_authenticator_app_is_told_to_set_one_up(catalogue):
    staff = officer("STCSM", username="otto")
    response = ask("otto", code="123456")
    assert response.status_code == 403
    assert "Set it up in the portal first" in response.json()["non_field_errors"][0]
    assert not AuthToken.objects.filter(user=staff).exists()


def test_a_wrong_code_gets_no_token(olivia):
    wrong = "000000" if totp_code(olivia) != "000000" else "111111"
    response = ask("olivia", code=wrong)
    assert response.status_code == 400 and response.json()["code"] == "invalid"
    assert not AuthToken.objects.filter(user=olivia).exists()


def test_password_and_code_give_a_token_that_works_for_a_working_day(olivia):
    response = ask("olivia", code=totp_code(olivia))
    assert response.status_code == 200
    body = response.json()
    client = with_token(body["token"])
    assert client.get("/api/v1/review-tasks/").status_code == 200
    row = AuthToken.objects.get(user=olivia)
    assert timedelta(hours=8) == settings.API_TOKEN_TTL_STAFF
    assert abs(row.expiry - row.created - timedelta(hours=8)) < timedelta(seconds=5)
    assert row.digest != body["token"] and body["token"].startswith(row.token_key)  # only a hash is stored
    with time_machine.travel(timezone.now() + timedelta(hours=7, minutes=50)):
        assert client.get("/api/v1/review-tasks/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=8, minutes=1)):
        assert client.get("/api/v1/review-tasks/").status_code == 403


def test_an_applicants_token_expires_after_thirty_days(alice):
    response = ask("alice")
    assert response.status_code == 200
    client = with_token(response.json()["token"])
    with time_machine.travel(timezone.now() + timedelta(days=29)):
        assert client.get("/api/v1/organisations/me/").status_code == 200
    with time_machine.travel(timezone.now() + timedelta(days=30, minutes=1)):
        assert client.get("/api/v1/organisations/me/").status_code == 403


def test_permanent_tokens_of_before_are_gone(alice):
    # DRF's authtoken (tokens without expiry, kept in clear) is no longer installed; its table is dropped.
    from django.db import connection

    assert "authtoken_token" not in connection.introspection.table_names()
    assert "rest_framework.authtoken" not in settings.INSTALLED_APPS


def test_experts_get_no_token(catalogue):
    expert(username="dr-wang")
    response = ask("dr-wang")
    assert response.status_code == 403
    assert not AuthToken.objects.filter(user__username="dr-wang").exists()


def test_the_owner_lists_and_revokes_tokens_on_the_page(client, alice):
    first, second = ask("alice").json()["token"], ask("alice").json()["token"]
    client.force_login(alice)
    page = client.get(reverse("api-tokens"), HTTP_ACCEPT_LANGUAGE="en")
    keys = [row.token_key for row in AuthToken.objects.filter(user=alice)]
    assert page.status_code == 200 and all(key in page.content.decode() for key in keys)
    assert first not in page.content.decode()  # the token itself is shown once, when issued
    revoked = AuthToken.objects.get(user=alice, token_key=first[:15])
    response = client.post(reverse("api-token-revoke", args=[revoked.token_key]))
    assert response.status_code == 302
    assert with_token(first).get("/api/v1/organisations/me/").status_code == 403
    assert with_token(second).get("/api/v1/organisations/me/").status_code == 200


def test_the_token_page_speaks_chinese(client, alice):
    ask("alice")
    client.force_login(alice)
    page = client.get(reverse("api-tokens"), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "API 令牌" in page and "撤销" in page


def test_the_owner_lists_and_revokes_through_the_api(alice):
    token = ask("alice").json()["token"]
    client = with_token(token)
    listed = client.get("/api/v1/auth-tokens/").json()
    assert [row["token_key"] for row in listed] == [token[:15]]
    assert set(listed[0]) == {"token_key", "created", "expiry"}
    assert client.delete(f"/api/v1/auth-tokens/{token[:15]}/").status_code == 204
    assert client.get("/api/v1/auth-tokens/").status_code == 403


def test_bob_neither_sees_nor_revokes_alices_tokens(client, alice, bob):
    alice_token = ask("alice").json()["token"]
    bob_token = ask("bob").json()["token"]
    assert [row["token_key"] for row in with_token(bob_token).get("/api/v1/auth-tokens/").json()] == [bob_token[:15]]
    assert with_token(bob_token).delete(f"/api/v1/auth-tokens/{alice_token[:15]}/").status_code == 404
    client.force_login(bob)
    assert alice_token[:15] not in client.get(reverse("api-tokens")).content.decode()
    assert client.post(reverse("api-token-revoke", args=[alice_token[:15]])).status_code == 404
    assert with_token(alice_token).get("/api/v1/organisations/me/").status_code == 200
