"""Issue 16, item 5 in real headless Chromium: the lead commission's officer writes to the call's applicants in
Chinese, at phone width, confirms, and finds it in the record; the applicant's member has it in the inbox."""

import pytest

from applications.models import Broadcast
from portal.accounts.models import Notification, NotificationKind
from tests import personas
from tests.browser.pages import log_in, shot
from tests.calls import filing_call
from tests.factories import PASSWORD
from tests.filings import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize(("locale", "width"), [("zh-CN", 390), ("en-US", 1280)])
def test_the_lead_officer_announces_a_deadline_change(browser, live_server, locale, width):
    from applications.catalogue import load_catalogue

    load_catalogue()
    call = filing_call()
    alice, bob = personas.alice(), personas.bob()
    submit(call, alice)
    lead = personas.stcsm_officer()

    context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page, lead.username, PASSWORD)
    page.goto(f"/review/calls/{call.pk}/broadcasts/")
    main = page.locator("main")
    assert ("致申报单位的公告" if locale == "zh-CN" else "Announcements to applicants") in main.inner_text()
    # Nothing typed: the form says so, nothing is sent.
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert not Broadcast.objects.exists()
    page.fill("#id_subject", "截止时间延后至6月30日")
    page.fill("#id_body", "本批次截止时间延后至6月30日17:00。\n已上传的材料继续有效。")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert ("将发送给 2 人" if locale == "zh-CN" else "2 people") in main.inner_text()
    shot(page, f"broadcast-confirm-{locale}-{width}")
    assert not Broadcast.objects.exists()
    page.locator("main form button[type=submit]").last.click()
    page.wait_for_load_state()
    shot(page, f"broadcast-sent-{locale}-{width}")
    assert "截止时间延后至6月30日" in main.inner_text()
    broadcast = Broadcast.objects.get()
    assert (
        broadcast.recipient_count == 2
        and broadcast.body == "本批次截止时间延后至6月30日17:00。\n已上传的材料继续有效。"
    )
    items = Notification.objects.filter(kind=NotificationKind.BROADCAST)
    assert sorted(items.values_list("user__username", flat=True)) == sorted([alice.username, bob.username])
    box = page.locator("main table").bounding_box()
    assert box["x"] >= 0
    context.close()
