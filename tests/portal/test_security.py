"""Issue 7, security: production settings pass `check --deploy`, every page carries the CSP, logins lock
after repeated failures, administrators need a second factor, staff sessions time out, and the audit log
cannot be changed by anyone."""

import os
import subprocess
import sys
from datetime import timedelta

import pytest
import time_machine
from django.db import DatabaseError, transaction
from django.urls import reverse
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice
from knox.models import AuthToken

from applications.models import AuditEvent
from tests.factories import PASSWORD, TOTP_KEY, UserFactory, administrator, officer, totp_code
from tests.filings import make_draft
from tests.paths import ROOT

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def post_login(client, username, password, address="10.0.0.1"):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


# --- production settings ------------------------------------------------------------------------------


def test_check_deploy_is_clean_under_production_settings():
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "portal.settings",
        "DEBUG": "0",
        "SECRET_KEY": "k3y-" + "x7Qp9vR2mL" * 6,
        "ALLOWED_HOSTS": "biomed-support.sh.gov.cn",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_settings_refuse_to_start_without_a_secret_key():
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "portal.settings", "DEBUG": "0", "SECRET_KEY": ""}
    result = subprocess.run(
        [sys.executable, "manage.py", "check"], cwd=ROOT, env=env, capture_output=True, text=True, check=False
    )
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


# --- content security policy --------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["/", "/estimate/", "/calls/", LOGIN, "/api/docs/"])
def test_pages_carry_a_policy_that_allows_no_inline_or_foreign_script(client, url):
    response = client.get(url)
    assert response.status_code == 200
    policy = response["Content-Security-Policy"]
    directives = dict(part.strip().split(" ", 1) for part in policy.split(";"))
    assert directives["script-src"] == "'self'"
    assert directives["style-src"] == "'self'"
    assert directives["frame-ancestors"] == "'none'"
    assert "unsafe-inline" not in policy and "http" not in policy


def test_pages_forbid_framing_and_sniffing(client):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


# --- login lockout ------------------------------------------------------------------------------------


def test_five_wrong_passwords_lock_the_account_from_that_address(client, catalogue):
    user = UserFactory(username="grace")
    for _ in range(4):
        assert post_login(client, "grace", "wrong-password-1").status_code == 200
    assert post_login(client, "grace", "wrong-password-1").status_code == 429
    # The right password no longer helps from here, and the page says why.
    locked = post_login(client, "grace", PASSWORD)
    assert locked.status_code == 429
    assert "15" in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # Someone else cannot lock grace out of her own office: her address still works.
    assert post_login(client, "grace", PASSWORD, address="10.0.0.2").status_code == 302
    assert int(client.session["_auth_user_id"]) == user.pk


def test_lockout_ends_after_the_cool_off(client, catalogue):
    UserFactory(username="grace")
    for _ in range(5):
        post_login(client, "grace", "wrong-password-1")
    assert post_login(client, "grace", PASSWORD).status_code == 429
    with time_machine.travel(timezone.now() + timedelta(minutes=16)):
        assert post_login(client, "grace", PASSWORD).status_code == 302


def test_a_successful_login_resets_the_count(client, catalogue):
    UserFactory(username="grace")
    for _ in range(4):
        post_login(client, "grace", "wrong-password-1")
    assert post_login(client, "grace", PASSWORD).status_code == 302
    client.logout()
    for _ in range(4):
        post_login(client, "grace", "wrong-password-1")
    assert post_login(client, "grace", PASSWORD).status_code == 302


def test_the_api_token_endpoint_counts_towards_the_same_lockout(client, catalogue):
    UserFactory(username="grace")
    url = reverse("v1:auth-token")
    for _ in range(5):
        assert (
            client.post(url, {"username": "grace", "password": "nope-nope-1"}, REMOTE_ADDR="10.0.0.1").status_code
            == 400
        )
    refused = client.post(url, {"username": "grace", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1")
    assert refused.status_code in (400, 429)
    assert not AuthToken.objects.filter(user__username="grace").exists()


# --- two-factor sign-in ------------------------------------------------------------------------------


def test_an_administrator_enters_the_code_from_the_app_after_the_password(client, catalogue):
    ops = administrator(username="ops")
    response = post_login(client, "ops", PASSWORD)
    assert response.status_code == 302
    # Every page sends ops to the code page until the code is entered.
    reports = client.get(reverse("reports"))
    assert reports.status_code == 302 and reports.url.startswith(reverse("two-factor-verify"))
    assert client.get("/admin/").url.startswith(reverse("two-factor-verify"))
    api = client.get("/api/v1/awards/")
    assert api.status_code == 403 and api.json()["code"] == "two_factor_required"

    wrong = client.post(reverse("two-factor-verify"), {"token": "000000", "next": reverse("reports")})
    assert wrong.status_code == 200 and "验证码错误或已过期" in wrong.content.decode()
    TOTPDevice.objects.filter(user=ops).update(throttling_failure_count=0, throttling_failure_timestamp=None)
    right = client.post(reverse("two-factor-verify"), {"token": totp_code(ops), "next": reverse("reports")})
    assert right.status_code == 302 and right.url == reverse("reports")
    assert client.get(reverse("reports")).status_code == 200
    assert client.get("/admin/").status_code == 200


def test_an_administrator_without_an_app_must_set_one_up_first(client, catalogue):
    ops = UserFactory(username="ops", role="admin", is_staff=True)
    post_login(client, "ops", PASSWORD)
    response = client.get(reverse("reports"))
    assert response.url.startswith(reverse("two-factor-setup"))
    page = client.get(response.url)
    assert page.status_code == 200
    assert "<svg" in page.content.decode()  # the QR code, drawn by the portal itself
    device = TOTPDevice.objects.get(user=ops, confirmed=False)
    device.key = TOTP_KEY
    device.save()
    # Until a first code confirms the app, nothing else opens.
    assert client.post(reverse("two-factor-setup"), {"token": "12345x"}).status_code == 200
    assert client.get(reverse("reports")).status_code == 302
    done = client.post(reverse("two-factor-setup"), {"token": _code_for(device), "next": reverse("reports")})
    assert done.status_code == 302 and done.url == reverse("reports")
    assert TOTPDevice.objects.get(user=ops).confirmed
    assert client.get(reverse("reports")).status_code == 200


def _code_for(device):
    from django_otp.oath import totp

    return f"{totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits):06d}"


def test_officers_may_turn_on_two_factor_and_are_then_asked_for_it(client, catalogue):
    officer_user = officer("STCSM", username="olivia")
    post_login(client, "olivia", PASSWORD)
    # Optional for officers: without an app the queue opens straight away.
    assert client.get(reverse("review-queue")).status_code == 200
    assert client.get(reverse("two-factor-setup")).status_code == 200
    device = TOTPDevice.objects.get(user=officer_user, confirmed=False)
    device.key = TOTP_KEY
    device.save()
    assert client.post(reverse("two-factor-setup"), {"token": _code_for(device)}).status_code == 302
    client.logout()
    post_login(client, "olivia", PASSWORD)
    assert client.get(reverse("review-queue")).url.startswith(reverse("two-factor-verify"))


def test_applicants_are_not_offered_two_factor(client, alice):
    client.force_login(alice)
    assert client.get(reverse("two-factor-setup")).status_code == 403


def test_accounts_with_two_factor_get_no_api_token(client, catalogue):
    administrator(username="ops")
    response = client.post(reverse("v1:auth-token"), {"username": "ops", "password": PASSWORD})
    assert response.status_code == 403
    assert not AuthToken.objects.filter(user__username="ops").exists()


def test_the_code_page_only_redirects_inside_the_portal(client, catalogue):
    ops = administrator(username="ops")
    post_login(client, "ops", PASSWORD)
    response = client.post(reverse("two-factor-verify"), {"token": totp_code(ops), "next": "https://evil.example.com/"})
    assert response.status_code == 302 and response.url == "/"


# --- staff session timeout ----------------------------------------------------------------------------


def test_an_idle_officer_is_signed_out_after_thirty_minutes(client, catalogue):
    client.force_login(officer("STCSM"))
    assert client.get(reverse("review-queue")).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=20)):
        # Working keeps the session alive: the timeout counts from the last request.
        assert client.get(reverse("review-queue")).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(minutes=51)):
        response = client.get(reverse("review-queue"))
        assert response.status_code == 302 and response.url.startswith(LOGIN)


def test_an_applicant_keeps_a_working_day_session(client, alice):
    client.force_login(alice)
    assert client.get(reverse("dashboard")).status_code == 200
    with time_machine.travel(timezone.now() + timedelta(hours=3)):
        assert client.get(reverse("dashboard")).status_code == 200


# --- the audit log cannot be changed ------------------------------------------------------------------


@pytest.fixture
def event(filing_call, alice):
    from applications import workflow

    application = make_draft(filing_call, alice)
    workflow.transition(application=application, action="submit", by=alice)
    return AuditEvent.objects.filter(application=application).latest("pk")


def test_the_database_refuses_to_change_an_audit_event(event):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).update(reason="rewritten")
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditEvent.objects.filter(pk=event.pk).delete()
    with pytest.raises(ValueError, match="append-only"):
        event.save()
    assert AuditEvent.objects.get(pk=event.pk).reason == event.reason


def test_administrators_can_read_but_not_change_the_audit_log_in_the_admin(client, event):
    client.force_login(administrator(is_superuser=True))
    assert client.get(reverse("admin:applications_auditevent_changelist")).status_code == 200
    assert client.get(reverse("admin:applications_auditevent_change", args=[event.pk])).status_code == 200
    changed = client.post(reverse("admin:applications_auditevent_change", args=[event.pk]), {"reason": "x"})
    assert changed.status_code == 403
    deleted = client.post(reverse("admin:applications_auditevent_delete", args=[event.pk]), {"post": "yes"})
    assert deleted.status_code == 403
    bulk = client.post(
        reverse("admin:applications_auditevent_changelist"),
        {"action": "delete_selected", "_selected_action": [event.pk], "post": "yes"},
    )
    assert bulk.status_code in (200, 302)
    assert client.get(reverse("admin:applications_auditevent_add")).status_code == 403
    assert AuditEvent.objects.filter(pk=event.pk, reason=event.reason).exists()


def test_the_api_offers_no_way_to_rewrite_an_application_history(client, event, alice):
    client.force_login(alice)
    url = f"/api/v1/applications/{event.application_id}/"
    events = AuditEvent.objects.filter(application_id=event.application_id).count()
    for method in ("put", "patch", "delete"):
        response = getattr(client, method)(url, {"state": "draft"}, content_type="application/json")
        assert response.status_code in (400, 403, 405)
    event.application.refresh_from_db()
    assert event.application.state == "submitted"
    assert AuditEvent.objects.filter(application_id=event.application_id).count() == events
    assert AuditEvent.objects.filter(pk=event.pk, reason=event.reason).exists()


# --- password rules -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "password",
    ["short-1", "12345678901234", "password1234", "grace-chen-2026"],
    ids=["too short", "only digits", "common", "like the name"],
)
def test_weak_passwords_are_refused_at_sign_up(client, catalogue, password):
    from portal.accounts.models import Organisation
    from tests.portal.test_team_views import REGISTER

    form = {**REGISTER, "username": "grace-chen", "password": password, "password_again": password}
    response = client.post(reverse("register"), form)
    assert response.status_code == 200
    assert response.context["form"].errors["password"]
    assert not Organisation.objects.exists()
