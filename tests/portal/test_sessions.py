"""A database blip while the session is saved is a transient error (503, try again), not "session deleted"."""

import pytest
from django.contrib.sessions.models import Session
from django.db import OperationalError

from tests.factories import officer

pytestmark = pytest.mark.usefixtures("catalogue")  # officers belong to its commissions


def _officer_client(client):
    # A staff session is saved on every request (its idle timeout is set anew), so any page will do.
    client.force_login(officer("STCSM", username="stcsm-session"))
    return client


def blip_once(monkeypatch) -> list:
    """From now, the next UPDATE of a session row fails as a dropped connection does."""
    original, calls = Session.save, []

    def save(self, *args, **kwargs):
        if kwargs.get("force_update") and not calls:
            calls.append(self.pk)
            raise OperationalError("server closed the connection unexpectedly")
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Session, "save", save)
    return calls


@pytest.mark.parametrize(("language", "text"), [("en", "Please try again in a moment"), ("zh-hans", "请稍后再试")])
def test_a_database_blip_while_saving_the_session_asks_to_try_again(client, monkeypatch, language, text):
    _officer_client(client)
    blipped = blip_once(monkeypatch)
    client.cookies["django_language"] = language
    response = client.get("/")
    assert response.status_code == 503
    assert response["Retry-After"] == "5"
    assert text in response.content.decode()
    assert blipped  # the blip did happen
    # The session survived: the next request is served, still signed in.
    response = client.get("/")
    assert response.status_code == 200 and response.wsgi_request.user.username == "stcsm-session"


def test_the_api_gets_the_same_answer_as_json(client, monkeypatch):
    _officer_client(client)
    blip_once(monkeypatch)
    client.cookies["django_language"] = "en"
    response = client.get("/api/v1/applications/")
    assert response.status_code == 503 and response["Retry-After"] == "5"
    assert response.json()["code"] == "temporarily_unavailable"


def test_a_session_deleted_during_the_request_is_still_django_s_400(client, monkeypatch):
    """Signed out in another tab while this request ran: Django's SessionInterrupted, as Django intends."""
    _officer_client(client)
    original = Session.save

    def save(self, *args, **kwargs):
        if kwargs.get("force_update"):
            Session.objects.filter(pk=self.pk).delete()
        return original(self, *args, **kwargs)

    monkeypatch.setattr(Session, "save", save)
    assert client.get("/").status_code == 400
