import os

import pytest

CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    # Sync Playwright runs an event loop in this thread; the test's own ORM calls (fixtures, checks)
    # are still synchronous, so Django's guard against ORM calls inside a running loop is lifted.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    # Debian's Chromium, not a downloaded build; the flags keep it off the (closed) network.
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser, live_server):
    # A Shanghai applicant's browser asks for Chinese.
    context = browser.new_context(base_url=live_server.url, locale="zh-CN", viewport={"width": 1100, "height": 900})
    page = context.new_page()
    # The CSP (script, style, images only from the portal, no inline code) must not break any page a
    # browser test visits: Chromium reports each blocked resource on the console.
    violations = []
    page.on("console", lambda message: "Content Security Policy" in message.text and violations.append(message.text))
    yield page
    context.close()
    assert not violations, violations
