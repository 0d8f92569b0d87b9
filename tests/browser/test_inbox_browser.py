"""Issue 16 in real headless Chromium: an applicant's colleague files two applications; she sees the unread count
beside "收件箱" on her phone (390 px, Chinese), opens the inbox and an item, and the count goes down; at her desk
(1280 px, English) she reads the other one and the count is gone."""

import pytest

from portal.accounts.models import Notification
from tests.browser.pages import log_in, shot
from tests.factories import PASSWORD
from tests.filings import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def count_in_header(page) -> str:
    badge = page.locator("header.site .inbox-link .count")
    return badge.inner_text() if badge.count() else ""


def test_an_applicant_reads_her_inbox_on_the_phone_in_chinese_and_at_her_desk_in_english(
    page, browser, live_server, review_call, alice, bob
):
    first = submit(review_call, bob, title="Drug X phase 2")
    second = submit(review_call, bob, title="Drug Y phase 2")
    assert Notification.objects.filter(user=alice, read_at__isnull=True).count() == 2

    # On the phone, in Chinese.
    page.set_viewport_size({"width": 390, "height": 844})
    log_in(page, "alice", PASSWORD)
    assert count_in_header(page) == "2"
    page.locator("header.site .inbox-link").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "收件箱"
    rows = page.locator("table.inbox tbody tr.unread")
    assert rows.count() == 2
    assert f"申报 {second.receipt_number} 已收到" in rows.first.inner_text()
    assert "received" not in page.locator("table.inbox").inner_text()  # no English title of an item
    assert page.locator("table.inbox").inner_text().count("受理回执") == 2
    # No column is cut off at phone width: the page is not wider than the phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    shot(page, "inbox-390-zh")
    rows.first.locator("a").click()
    page.wait_for_load_state()
    assert second.receipt_number in page.locator("h1").inner_text() and "We received" not in page.content()
    assert count_in_header(page) == "1"
    shot(page, "inbox-item-390-zh")
    page.get_by_role("link", name="前往相关页面").click()
    page.wait_for_load_state()
    assert page.url.endswith(f"/applications/{second.pk}/")

    # At her desk, in English.
    context = browser.new_context(base_url=live_server.url, locale="en-US", viewport={"width": 1280, "height": 900})
    desk = context.new_page()
    try:
        log_in(desk, "alice", PASSWORD)
        assert count_in_header(desk) == "1"
        desk.locator("header.site .inbox-link").click()
        desk.wait_for_load_state()
        table = desk.locator("table.inbox").inner_text()
        assert f"Application {first.receipt_number} received" in table and "受理" not in table
        assert desk.locator("table.inbox tbody tr.unread").count() == 1
        shot(desk, "inbox-1280-en")
        desk.locator("table.inbox tbody tr.unread a").click()
        desk.wait_for_load_state()
        assert "We received your application" in desk.content() and "我们已收到" not in desk.content()
        assert count_in_header(desk) == ""
        shot(desk, "inbox-item-1280-en")
    finally:
        context.close()
    assert not Notification.objects.filter(user=alice, read_at__isnull=True).exists()
