"""The menu of every page (templates/base.html, from portal.accounts.context_processors.menu): each person
sees the links of the pages they may use, and the applicant who has not confirmed their address the banner
asking for it."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from portal.accounts.context_processors import Menu, menu_for
from portal.accounts.models import Commission, Role
from tests.factories import UserFactory, administrator, expert, member

PUBLIC = ["calls", "estimate", "notices", "registers"]
# Every person's links, by URL name, in the menu's order.
LINKS = {
    "anonymous": [*PUBLIC, "login", "register"],
    "alice": [*PUBLIC, "dashboard", "my-projects", "team", "alerts", "inbox", "api-tokens"],
    "unattached applicant": [*PUBLIC, "inbox", "api-tokens"],
    # An officer's commission may keep registers (the page lists none where it keeps none).
    "officer": [*PUBLIC, "review-queue", "project-queue", "led-registers", "inbox", "two-factor-setup", "api-tokens"],
    "finance officer": [
        *PUBLIC,
        "review-queue",
        "finance",
        "finance-instalments",
        "inbox",
        "two-factor-setup",
        "api-tokens",
    ],
    "expert": [*PUBLIC, "expert-home", "expert-acceptances", "inbox"],
    "administrator": [*PUBLIC, "reports", "dashboard-admin", "inbox", "two-factor-setup"],
    "unverified applicant": [*PUBLIC, "dashboard", "my-projects", "team", "alerts", "inbox", "api-tokens"],
}


@pytest.fixture
def personas(alice, org_a, db) -> dict:
    stcsm = Commission.objects.create(code="STCSM", name_en="Science", name_zh="科委")
    fin = Commission.objects.create(code="FIN", name_en="Finance", name_zh="财政局", confirms_budget=True)
    return {
        "anonymous": None,
        "alice": alice,
        "unattached applicant": UserFactory(username="dora"),
        "officer": UserFactory(role=Role.OFFICER, commission=stcsm),
        "finance officer": UserFactory(role=Role.FINANCE, commission=fin),
        "expert": expert(username="dr-wang"),
        "administrator": administrator(username="admin-ops"),
        "unverified applicant": member(org_a, username="erin", email_verified_at=None),
    }


def nav_links(html: str) -> list[str]:
    nav = re.search(r"<nav [^>]*>(.*?)</nav>", html, re.S).group(1)
    return re.findall(r'<a href="([^"]+)"', nav)


@pytest.mark.parametrize("persona", list(LINKS))
def test_each_person_sees_the_links_of_their_pages(client, personas, persona):
    user = personas[persona]
    if user is not None:
        client.force_login(user)
    html = client.get(reverse("home"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert nav_links(html) == [reverse(name) for name in LINKS[persona]]
    banner = reverse("email-verify-resend") in html
    assert banner is (persona == "unverified applicant")


def test_nobody_gets_an_empty_menu(db):
    assert menu_for(None) == menu_for(AnonymousUser()) == Menu()
    gone = UserFactory(role=Role.EXPERT, is_active=False)
    assert menu_for(gone) == Menu()
