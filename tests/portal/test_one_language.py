"""A page speaks one language at a time (issue 18): Django's own texts the portal shows (password rules, the
administration's headings, filters' empty choice) and the portal's error pages, in Chinese and in English."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation
from django.views.defaults import permission_denied

from tests.logins import login
from tests.portal.test_organisations import SIGN_UP, XUHUI


def sign_up(client: Client, language: str, password: str):
    client.cookies["django_language"] = language
    form = {**SIGN_UP, "uscc": XUHUI, "password": password, "password_again": password}
    return client.post(reverse("register"), form)


@pytest.mark.parametrize(
    ("language", "expected", "english"),
    [
        ("zh-hans", "密码长度太短。密码必须包含至少 10 个字符。", "This password is too short"),
        ("en", "This password is too short. It must contain at least 10 characters.", "密码长度太短"),
    ],
)
def test_a_short_password_is_refused_in_the_pages_language(client, catalogue, language, expected, english):
    page = sign_up(client, language, "Zq7short").content.decode()
    assert expected in page and english not in page


@pytest.mark.parametrize(
    ("language", "headings", "other"),
    [
        (
            "zh-hans",
            ["上海市生物医药产业扶持申报平台 · 系统管理", "目录、人员与记录", "申报批次与申报", "办理记录", "用户"],
            "Site administration",
        ),
        ("en", ["Shanghai Biomedical Support Portal: administration", "Catalogue, people and records"], "系统管理"),
    ],
)
def test_the_administrations_headings_are_in_the_pages_language(client, admin, language, headings, other):
    login(client, admin, language=language)
    page = client.get(reverse("admin:index")).content.decode()
    assert all(heading in page for heading in headings), [h for h in headings if h not in page]
    assert other not in page and "Django administration" not in page


@pytest.mark.parametrize(("language", "everything"), [("zh-hans", "全部"), ("en", "All")])
def test_filters_offer_all_never_dashes(client, catalogue, stcsm_officer, admin, language, everything):
    for person, page in ((stcsm_officer, "review-queue"), (admin, "reports")):
        login(client, person, language=language)
        body = client.get(reverse(page)).content.decode()
        assert f'<option value="" selected>{everything}</option>' in body, page
        assert "---------" not in body, page


@pytest.mark.parametrize(
    ("language", "heading", "other"),
    [("zh-hans", "找不到该页面", "Page not found"), ("en", "Page not found", "找不到该页面")],
)
def test_an_unknown_address_answers_the_portals_own_404_page(client, alice, language, heading, other):
    for person in (None, alice):
        if person:
            login(client, person, language=language)
        client.cookies["django_language"] = language
        response = client.get("/no-such-page/")
        page = response.content.decode()
        assert response.status_code == 404
        assert f"<h1>{heading}</h1>" in page and other not in page
        assert f'href="{reverse("home")}"' in page  # a way home


@pytest.mark.parametrize(("language", "heading"), [("zh-hans", "出错了"), ("en", "Something went wrong")])
@override_settings(ROOT_URLCONF="tests.portal.failing_urls")
def test_a_failure_answers_the_portals_own_500_page(db, language, heading):
    client = Client(raise_request_exception=False)
    client.cookies["django_language"] = language
    response = client.get("/test-only/fail/")
    page = response.content.decode()
    assert response.status_code == 500
    assert f"<h1>{heading}</h1>" in page and 'href="/"' in page
    assert "Traceback" not in page and "RuntimeError" not in page


@pytest.mark.parametrize(("language", "heading"), [("zh-hans", "无权访问"), ("en", "Not allowed")])
def test_a_refusal_answers_the_portals_own_403_page(rf, db, language, heading):
    # Pages answer outsiders 404 (portal/accounts/guards.py); a 403 comes from Django's handler, as here.
    request = rf.get("/somewhere/")
    request.user, request.session = AnonymousUser(), {}
    with translation.override(language):
        response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert f"<h1>{heading}</h1>" in response.content.decode()
