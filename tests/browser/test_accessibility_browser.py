"""Issue 18 in headless Chromium: axe-core finds no serious or critical WCAG 2.1 A/AA violation (shot() runs it
on every page the browser tests keep). Here, the pages where it found some, in both languages: a draft with a
document (its red "remove" link), and the second sign-in step (its "cancel and log out" link)."""

import re

import pytest

from tests import personas
from tests.browser.pages import accessibility_violations, log_in, shot
from tests.calls import bio24_call
from tests.factories import PASSWORD
from tests.filings import make_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def contrast(foreground: str, background: str) -> float:
    """WCAG's contrast ratio of two computed CSS colours ("rgb(…)"; a transparent background is the white card)."""

    def luminance(colour: str) -> float:
        parts = [float(x) for x in re.findall(r"[\d.]+", colour)]
        if len(parts) == 4 and parts[3] == 0:
            parts = [255, 255, 255]
        channels = [c / 255 for c in parts[:3]]
        r, g, b = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * r + 0.7152 * g + 0.0722 * b

    high, low = sorted([luminance(foreground), luminance(background)], reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_draft_with_documents_passes_axe(page, live_server, language):
    from applications.catalogue import load_catalogue

    load_catalogue()
    draft = make_draft(bio24_call(), personas.alice())
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, "alice", PASSWORD)
    page.goto(f"/applications/{draft.pk}/edit/")
    remove = page.locator("#documents button.danger").first
    # axe leaves a button's text over its own background to a person's review; this one is measured here.
    colours = remove.evaluate("e => [getComputedStyle(e).color, getComputedStyle(e).backgroundColor]")
    assert contrast(*colours) >= 4.5, colours
    assert accessibility_violations(page) == []
    shot(page, f"a11y-draft-with-documents-{language}")


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_second_sign_in_step_passes_axe(page, live_server, language):
    administrator = personas.admin()
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto("/accounts/login/")
    page.fill("#id_username", administrator.username)
    page.fill("#id_password", PASSWORD)
    page.locator("main form button[type=submit]").click()
    page.wait_for_url("**/accounts/two-factor/**")
    assert accessibility_violations(page) == []
    shot(page, f"a11y-two-factor-{language}")
