"""Issue 3 in real headless Chromium: a grant manager signs her company up and brings a colleague in.

She first types the code with a wrong check character and is told so beside the field, registers with
the right one, invites a colleague from the Team page; the colleague opens the one-time link from the
e-mail in his own browser, creates his account and lands logged in as a member; the administrator's Team
page then lists him.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from portal.accounts.models import Organisation, User
from portal.accounts.uscc import make_uscc
from tests.browser.pages import shot
from tests.factories import PASSWORD, OrganisationFactory, member

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

JINGAN = make_uscc("91310106MA1GT5K2X")
LINK = re.compile(r"https?://[^/\s]+(/invitations/[A-Za-z0-9_\-]+/)")


def wrong_check_character(code: str) -> str:
    return code[:-1] + ("0" if code[-1] != "0" else "1")


def register(page, uscc: str) -> None:
    page.fill("#id_uscc", uscc)
    page.fill("#id_name", "静安细胞治疗有限公司")
    page.select_option("#id_kind", "enterprise")
    page.fill("#id_contact_name", "陈静")
    page.fill("#id_contact_phone", "021-62881234")
    page.fill("#id_contact_email", "office@jingan-cell.example.com")
    page.fill("#id_first_name", "陈静")
    page.fill("#id_username", "chenjing")
    page.fill("#id_email", "chenjing@jingan-cell.example.com")
    page.fill("#id_password", PASSWORD)
    page.fill("#id_password_again", PASSWORD)
    page.locator("main form button[type=submit]").click()


def invitation_path(email: str) -> str:
    [message] = [message for message in mail.outbox if message.to == [email]]
    paths = set(LINK.findall(message.body))
    assert len(paths) == 1, message.body
    return paths.pop()


def test_grant_manager_signs_up_and_a_colleague_joins_by_the_emailed_link(page, browser, live_server, eager_celery):
    # Another company is already registered; nobody of it appears anywhere below.
    other = OrganisationFactory(name="Other Pharma")
    member(other, admin=True, username="charlie", first_name="Charlie")

    page.goto("/")
    page.locator("header nav a[href='/register/']").click()
    assert page.url.endswith("/register/")

    # A wrong check character: the page says so beside the code, keeps what was typed, saves nothing.
    register(page, wrong_check_character(JINGAN))
    assert page.url.endswith("/register/")
    errors = page.locator(".field.has-error")
    assert errors.count() == 1
    assert errors.locator("#id_uscc").count() == 1
    expect(errors.locator(".error").first).to_be_visible()
    assert page.input_value("#id_name") == "静安细胞治疗有限公司"
    assert page.input_value("#id_password") == ""  # a password is never sent back
    # Every box of the form has the same width, the phone number's included.
    widths = {page.locator(f"#id_{name}").bounding_box()["width"] for name in ["uscc", "name", "contact_phone"]}
    assert len(widths) == 1, widths
    assert not Organisation.objects.filter(name="静安细胞治疗有限公司").exists()
    shot(page, "signup-01-wrong-check-character-zh")

    register(page, JINGAN)
    assert page.url.endswith("/applications/")
    assert page.locator("header .who").inner_text() == "陈静"
    expect(page.locator(".messages li.success")).to_be_visible()
    organisation = Organisation.objects.get(uscc=JINGAN)
    assert organisation.district == "jingan"
    shot(page, "signup-02-registered-zh")

    page.locator("header nav a[href='/organisation/team/']").click()
    page.fill("#id_email", "wang.min@jingan-cell.example.com")
    page.locator("form[action$='/invite/'] button[type=submit]").click()
    assert page.url.endswith("/organisation/team/")
    expect(page.locator(".messages li.success")).to_be_visible()
    assert page.locator("td", has_text="wang.min@jingan-cell.example.com").count() == 1
    shot(page, "signup-03-invited-zh")

    # The colleague, in his own browser (in English), opens the link from the e-mail.
    path = invitation_path("wang.min@jingan-cell.example.com")
    colleague = browser.new_context(
        base_url=live_server.url, locale="en-US", viewport={"width": 1100, "height": 900}
    ).new_page()
    colleague.goto(path)
    assert colleague.locator("html").get_attribute("lang") == "en"
    assert "静安细胞治疗有限公司" in colleague.locator("h1").inner_text()
    assert colleague.input_value("#id_email") == "wang.min@jingan-cell.example.com"
    shot(colleague, "signup-04-invitation-en")
    colleague.fill("#id_first_name", "Wang Min")
    colleague.fill("#id_username", "wangmin")
    colleague.fill("#id_password", PASSWORD)
    colleague.fill("#id_password_again", PASSWORD)
    colleague.locator("main form button[type=submit]").click()
    assert colleague.url.endswith("/applications/")
    assert colleague.locator("header .who").inner_text() == "Wang Min"
    expect(colleague.locator(".messages li.success")).to_be_visible()
    shot(colleague, "signup-05-joined-en")

    wang = User.objects.get(username="wangmin")
    assert wang.organisation == organisation and not wang.is_org_admin
    assert wang.has_perm("portal.apply_for", organisation)
    assert not wang.has_perm("portal.manage_team", organisation)

    # A member sees the team, without the administrator's controls; the link does not work twice.
    colleague.locator("header nav a[href='/organisation/team/']").click()
    assert colleague.locator("form[action$='/invite/']").count() == 0
    assert colleague.locator("td", has_text="Wang Min").count() == 1
    assert colleague.request.get(path).status == 404
    colleague.context.close()

    # The administrator's team page lists him, and no invitation waits any more.
    page.reload()
    rows = page.locator("table").first.locator("tbody tr")
    assert rows.count() == 2
    assert "Wang Min" in rows.nth(1).inner_text()
    assert page.locator("td", has_text="wang.min@jingan-cell.example.com").count() == 1  # his e-mail, as a member
    assert "Charlie" not in page.content()
    shot(page, "signup-06-team-with-colleague-zh")
