"""Issue 18, item 9 in real headless Chromium: an unknown address answers the portal's own 404 page in the page's
language, with a way home; never Django's debug page listing the URLs (the live server runs with DEBUG off, as
`make run` now does)."""

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADING = {"zh-hans": "找不到该页面", "en": "Page not found"}
HOME = {"zh-hans": "返回首页", "en": "Go to the home page"}


@pytest.mark.parametrize(("language", "width"), [("zh-hans", 390), ("en", 1280)])
def test_an_unknown_address_shows_the_portals_404_page_with_a_way_home(page, live_server, language, width):
    from tests.browser.pages import shot

    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    response = page.goto("/no-such-page/")
    assert response.status == 404
    expect(page.locator("h1")).to_have_text(HEADING[language])
    expect(page.locator("main")).not_to_contain_text("URLconf")
    shot(page, f"errors-404-{language}-{width}")
    page.locator("main a", has_text=HOME[language]).click()
    expect(page).to_have_url(live_server.url + "/")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
