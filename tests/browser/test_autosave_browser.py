"""Issue 18 in headless Chromium: a draft saves itself a couple of seconds after typing stops (htmx, the same
draft save as the "Save draft" button), says when, and keeps what was typed across a reload."""

import re

import pytest
from playwright.sync_api import expect

from applications.models import Application
from tests import personas
from tests.browser.pages import log_in, shot
from tests.calls import bio24_call
from tests.factories import PASSWORD
from tests.filings import make_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(transactional_db):
    from applications.catalogue import load_catalogue

    load_catalogue()
    return make_draft(bio24_call(), personas.alice(), facts={"rd_spending": "5000000"}, documents=False)


@pytest.mark.parametrize(("language", "saved"), [("zh-hans", r"已于 \d\d:\d\d 保存"), ("en", r"Saved at \d\d:\d\d")])
def test_a_draft_saves_itself_after_typing_stops(page, live_server, draft, language, saved):
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, "alice", PASSWORD)
    page.goto(f"/applications/{draft.pk}/edit/")
    indicator = page.locator("#autosave")
    expect(indicator).to_be_empty()

    page.locator("#id_facts-product_key").press_sequentially("CXHL2400999")
    page.locator("#id_facts-rd_spending").fill("12000000")
    # Two seconds after the typing stops the draft is saved, without a click.
    expect(indicator).to_have_text(re.compile(saved), timeout=10_000)
    shot(page, f"autosave-01-saved-{language}")
    facts = Application.objects.get(pk=draft.pk).draft_facts
    assert facts["product_key"] == "CXHL2400999" and facts["rd_spending"] == "12000000"

    page.reload()
    expect(page.locator("#id_facts-product_key")).to_have_value("CXHL2400999")
    expect(page.locator("#id_facts-rd_spending")).to_have_value("12000000")
    assert page.locator(".messages").count() == 0  # saved in the background, not by a page load


def test_without_javascript_the_button_saves_the_draft(browser, live_server, draft):
    context = browser.new_context(base_url=live_server.url, locale="en-US", java_script_enabled=False)
    page = context.new_page()
    log_in(page, "alice", PASSWORD)
    page.goto(f"/applications/{draft.pk}/edit/")
    page.fill("#id_facts-product_key", "CXHL2400777")
    page.locator("button[name=action][value=save]").click()
    expect(page.locator(".messages")).to_contain_text("Draft saved.")
    assert Application.objects.get(pk=draft.pk).draft_facts["product_key"] == "CXHL2400777"
    context.close()
