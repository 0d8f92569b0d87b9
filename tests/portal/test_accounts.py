"""Issue 12, defect 13: a way back in after a forgotten password (Django's reset views, in both languages,
the same answer for known and unknown addresses, rate-limited), and e-mail verification at sign-up: until the
address is confirmed an applicant drafts but cannot submit."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from applications.models import State
from portal.accounts.models import User
from portal.accounts.organisations import invitation_accept
from portal.accounts.verification import email_verification_token
from tests.factories import PASSWORD, UserFactory, member
from tests.filings import DRUG_FACTS, make_draft
from tests.portal.test_team_views import REGISTER

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "another-long-secret-42"
RESET_LINK = re.compile(r"https?://\S+(/accounts/reset/[^/\s]+/[^/\s]+/)")
VERIFY_LINK = re.compile(r"https?://\S+(/accounts/verify-email/[^/\s]+/)")


def english(client):
    client.cookies["django_language"] = "en"
    return client


def post_login(client, username, password):
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR="10.0.0.9")


def ask_reset(client, email, address="10.0.0.1"):
    return client.post(reverse("password_reset"), {"email": email}, REMOTE_ADDR=address)


def link_in(message, pattern) -> str:
    [path] = set(pattern.findall(message.body))
    return path


@pytest.fixture
def mail(eager_celery, mailoutbox, django_capture_on_commit_callbacks):
    """Mails leave after commit, through Celery, as on the live site."""

    def run(call, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return call(*args, **kwargs)

    run.outbox = mailoutbox
    return run


# --- password reset -----------------------------------------------------------------------------------


def test_the_login_page_offers_a_password_reset(client, db):
    page = english(client).get(reverse("login")).content.decode()
    assert "Forgot your password?" in page and reverse("password_reset") in page
    assert "忘记密码？" in _chinese(client).get(reverse("login")).content.decode()


def _chinese(client):
    client.cookies["django_language"] = "zh-hans"
    return client


def test_a_forgotten_password_is_reset_by_the_link_in_the_mail(client, alice, mail):
    response = mail(ask_reset, english(client), alice.email)
    assert response.status_code == 302 and response.url == reverse("password_reset_done")
    [message] = mail.outbox
    assert message.to == [alice.email]
    assert "重置" in message.subject and "new password" in message.subject  # Chinese, then English
    assert "http://127.0.0.1:8000/accounts/reset/" in message.body  # SITE_URL, not the request's host
    link = link_in(message, RESET_LINK)
    form = client.get(link, follow=True)
    assert form.status_code == 200 and form.context["validlink"]
    done = client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert done.status_code == 302 and done.url == reverse("password_reset_complete")
    assert post_login(client, "alice", PASSWORD).status_code == 200  # the old password no longer works
    assert post_login(client, "alice", NEW_PASSWORD).status_code == 302
    client.logout()
    # The link worked once: the new password changed the token.
    used = english(client).get(link, follow=True)
    assert not used.context["validlink"] and "This link does not work" in used.content.decode()


def test_a_reset_link_expires_after_two_hours(client, alice, mail):
    # Every step under time-machine: Django's reset token counts in naive local time, which time-machine
    # reports in UTC while it travels; outside it the two would differ by the time zone.
    start = timezone.now()
    with time_machine.travel(start, tick=False):
        mail(ask_reset, english(client), alice.email)
    link = link_in(mail.outbox[0], RESET_LINK)
    with time_machine.travel(start + timedelta(hours=1, minutes=59), tick=False):
        assert client.get(link, follow=True).context["validlink"]
    with time_machine.travel(start + timedelta(hours=2, minutes=1), tick=False):
        assert not client.get(link, follow=True).context["validlink"]


def test_an_unknown_address_gets_the_same_answer_and_no_mail(client, alice, mail):
    known = mail(ask_reset, english(client), alice.email)
    unknown = mail(ask_reset, english(client), "nobody@example.com", address="10.0.0.2")
    assert (known.status_code, known.url) == (unknown.status_code, unknown.url)
    assert [m.to for m in mail.outbox] == [[alice.email]]
    page = client.get(unknown.url).content.decode()
    assert "If an account uses this address" in page


def test_too_many_requests_from_one_address_are_refused_with_a_message(client, db, mail, settings):
    settings.PASSWORD_RESET_RATE_PER_ADDRESS = "3/h"
    for k in range(3):
        assert mail(ask_reset, english(client), f"someone{k}@example.com").status_code == 302
    refused = mail(ask_reset, english(client), "someone9@example.com")
    assert refused.status_code == 429
    assert "Too many password reset requests" in refused.content.decode()
    # Another client address is not held up.
    assert mail(ask_reset, english(client), "someone9@example.com", address="10.0.0.7").status_code == 302


def test_too_many_requests_for_one_email_are_refused_from_any_address(client, alice, mail):
    for k in range(3):
        assert mail(ask_reset, english(client), alice.email, address=f"10.0.1.{k}").status_code == 302
    refused = mail(ask_reset, english(client), alice.email.upper(), address="10.0.1.9")
    assert refused.status_code == 429 and len(mail.outbox) == 3
    assert "请稍候一小时" in mail(ask_reset, _chinese(client), alice.email, address="10.0.2.1").content.decode()


def test_the_reset_pages_speak_chinese(client, db):
    page = _chinese(client).get(reverse("password_reset")).content.decode()
    assert "忘记密码？" in page and "发送链接" in page


# --- e-mail verification at sign-up ----------------------------------------------------------------------


def test_sign_up_sends_a_link_that_verifies_the_address(client, db, mail):
    response = mail(english(client).post, reverse("register"), REGISTER, follow=True)
    assert "open it to confirm your e-mail address" in response.content.decode()
    grace = User.objects.get(username="grace")
    assert grace.email_verified_at is None
    [message] = [m for m in mail.outbox if m.to == [REGISTER["email"]]]
    page = client.get(reverse("dashboard")).content.decode()
    assert "Send the link again" in page
    verified = client.get(link_in(message, VERIFY_LINK), follow=True)
    assert verified.status_code == 200 and "is confirmed" in verified.content.decode()
    grace.refresh_from_db()
    assert grace.email_verified_at is not None
    assert "Send the link again" not in client.get(reverse("dashboard")).content.decode()


def test_an_expired_or_tampered_link_verifies_nothing(client, org_a):
    dora = member(org_a, username="dora", email_verified_at=None)
    token = email_verification_token(dora)
    tampered = english(client).get(reverse("email-verify", args=[token[:-2] + "xx"]))
    assert tampered.status_code == 404 and "not valid or has expired" in tampered.content.decode()
    with time_machine.travel(timezone.now() + timedelta(days=3, minutes=1)):
        assert client.get(reverse("email-verify", args=[token])).status_code == 404
    # A link made for an earlier address proves nothing about the present one.
    old = signing.dumps({"user": dora.pk, "email": "old@example.com"}, salt="portal.accounts.email-verification")
    assert client.get(reverse("email-verify", args=[old])).status_code == 404
    dora.refresh_from_db()
    assert dora.email_verified_at is None


def test_the_link_is_sent_again_on_request(client, org_a, mail):
    dora = member(org_a, username="dora", email_verified_at=None)
    client.force_login(dora)
    response = mail(english(client).post, reverse("email-verify-resend"), {"next": reverse("dashboard")})
    assert response.status_code == 302 and response.url == reverse("dashboard")
    [message] = mail.outbox
    assert message.to == [dora.email] and "确认" in message.subject
    assert client.get(link_in(message, VERIFY_LINK)).status_code == 302
    dora.refresh_from_db()
    assert dora.email_verified_at is not None


def test_the_submit_button_says_why_and_offers_the_link_again(client, filing_call, org_a):
    dora = member(org_a, username="dora", email_verified_at=None)
    application = make_draft(filing_call, dora)
    client.force_login(dora)
    form = {"title": application.title, "action": "submit", **{f"facts-{k}": v for k, v in DRUG_FACTS.items()}}
    page = english(client).post(reverse("application-edit", args=[application.pk]), form, follow=True)
    body = page.content.decode()
    assert "Confirm your e-mail address" in body and "Send the link again" in body
    application.refresh_from_db()
    assert application.state == State.DRAFT
    dora.email_verified_at = timezone.now()
    dora.save()
    english(client).post(reverse("application-edit", args=[application.pk]), form)
    application.refresh_from_db()
    assert application.state == State.SUBMITTED


def test_an_invited_colleague_who_keeps_the_invited_address_is_verified(alice, invite, mail):
    _invitation, token = invite(alice.organisation, "erin@example.com", alice)
    sent = len(mail.outbox)
    erin = mail(invitation_accept, token=token, username="erin", email="erin@example.com", password=PASSWORD)
    assert erin.email_verified_at is not None and len(mail.outbox) == sent


def test_an_invited_colleague_who_gives_another_address_verifies_it(alice, invite, mail):
    _invitation, token = invite(alice.organisation, "erin@example.com", alice)
    sent = len(mail.outbox)
    erin = mail(invitation_accept, token=token, username="erin", email="erin@private.example.com", password=PASSWORD)
    assert erin.email_verified_at is None
    assert [m.to for m in mail.outbox[sent:]] == [["erin@private.example.com"]]


def test_resetting_the_password_by_mail_also_verifies_the_address(client, org_a, mail):
    dora = member(org_a, username="dora", email_verified_at=None)
    mail(ask_reset, english(client), dora.email)
    form = client.get(link_in(mail.outbox[0], RESET_LINK), follow=True)
    client.post(form.redirect_chain[-1][0], {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    dora.refresh_from_db()
    assert dora.email_verified_at is not None


def test_factories_make_verified_users(db):
    assert UserFactory().email_verified_at is not None


def test_account_mails_are_outbox_rows_whose_link_is_cleared_once_sent(client, alice, mail):
    from portal.accounts.models import OutboxKind, OutboxMessage

    mail(ask_reset, english(client), alice.email)
    [row] = OutboxMessage.objects.filter(kind=OutboxKind.PASSWORD_RESET)
    assert row.recipients == [alice.email] and row.sent_at is not None
    assert row.body == ""  # the one-time link is not kept in the database after the mail left
    assert mail.outbox[0].extra_headers["Message-ID"] == row.message_id
