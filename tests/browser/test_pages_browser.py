"""Issue 18 in headless Chromium: the main pages of each role, in both languages, on a desk (1280 px) and on a
phone (390 px). On the phone no page scrolls sideways: a wide table scrolls inside its own box. Every page is
kept as tests/artifacts/pages-<page>-<lang>-<width>.png and checked by axe-core (shot)."""

import pytest

from applications import filing
from reviews.models import ReviewTask
from tests import journeys, personas
from tests.awards.bulk import make_awards
from tests.browser.pages import log_in, shot
from tests.calls import bio24_call
from tests.factories import PASSWORD
from tests.filings import make_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

LANGUAGES = {"zh": "zh-hans", "en": "en"}
PHONE = 390


@pytest.fixture
def world(transactional_db):
    """An open call; Alice's organisation with a submitted application (long names, as real ones are) and a
    draft; the lead's formal check open on it; awards the Finance Bureau pays and the reports count."""
    from applications.catalogue import load_catalogue

    load_catalogue()
    call = bio24_call()
    alice = personas.alice()
    submitted = filing.application_submit(
        application=make_draft(call, alice, title="ZJ-101 注射液治疗晚期非小细胞肺癌的多中心随机对照II期临床试验"),
        by=alice,
    )
    make_draft(call, alice, title="ZJ-202 phase 2 (draft)", documents=False)
    lead = journeys.lead_of_call(call)
    make_awards(call, 6, decided_by=lead, creator=alice)
    task = ReviewTask.objects.filter(application=submitted).first()
    return {
        "applicant": (
            alice,
            [
                ("home", "/"),
                ("calls", "/calls/"),
                ("call", f"/calls/{call.pk}/"),
                ("my-applications", "/applications/"),
                ("application", f"/applications/{submitted.pk}/"),
                ("inbox", "/inbox/"),
            ],
        ),
        "officer": (
            lead,
            [
                ("review-queue", "/review/queue/"),
                ("review-task", f"/review/applications/{task.application_id}/"),
            ],
        ),
        "finance": (personas.finance_officer(), [("finance", "/finance/awards/")]),
        "administrator": (
            personas.admin(),
            [
                ("reports", "/reports/awards/"),
                ("dashboard", "/reports/dashboard/"),
            ],
        ),
    }


def visit_main_pages(browser, live_server, world, width):
    """Each role's main pages in both languages at `width`; the width of every page as the browser lays it out.
    Each person signs in once (an administrator's one-time code cannot be used twice) and switches language."""
    widths = {}
    for person, pages in world.values():
        context = browser.new_context(base_url=live_server.url, viewport={"width": width, "height": 900})
        page = context.new_page()
        log_in(page, person.username, PASSWORD)
        for lang, code in LANGUAGES.items():
            context.add_cookies([{"name": "django_language", "value": code, "url": live_server.url}])
            for name, url in pages:
                page.goto(url)
                page.wait_for_load_state("load")
                assert page.locator("html").get_attribute("lang") == ("en" if lang == "en" else "zh-Hans")
                shot(page, f"pages-{name}-{lang}-{width}")
                widths[f"{name} ({lang})"] = page.evaluate("document.documentElement.scrollWidth")
        context.close()
    return widths


def test_no_main_page_scrolls_sideways_on_a_phone(browser, live_server, world):
    widths = visit_main_pages(browser, live_server, world, PHONE)
    too_wide = {page: width for page, width in widths.items() if width > PHONE}
    assert not too_wide, f"wider than a {PHONE} px phone: {too_wide}"


def test_main_pages_on_a_desk(browser, live_server, world):
    widths = visit_main_pages(browser, live_server, world, 1280)
    assert all(width <= 1280 for width in widths.values()), widths
