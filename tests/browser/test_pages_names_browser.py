"""Issue 18, item 3 in real headless Chromium: the officer's review page names the commissions (task table,
opinions awaited) and the applicant's list names the track, in the page's language; never their codes."""

import re

import pytest
from playwright.sync_api import expect

from portal.bilingual import localized
from reviews.models import ReviewTask
from tests import journeys, personas
from tests.browser.pages import log_in, shot
from tests.calls import bio24_call
from tests.factories import PASSWORD
from tests.filings import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
# The co-reviewers of the BIO24 drug calls: none is part of a receipt number (the lead's code is).
CO_REVIEWERS = ["SMPA", "SHEITC", "DRC", "HEALTH", "FIN"]


@pytest.fixture
def in_review(transactional_db):
    from applications.catalogue import load_catalogue

    load_catalogue()
    alice = personas.alice()
    return journeys.pass_formal_check(submit(bio24_call(), alice, title="ZJ-101 注射液"))


def _language(page, live_server, language, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


@pytest.mark.parametrize(("language", "width"), [("zh-hans", 390), ("en", 1280)])
def test_the_review_page_names_the_commissions_in_the_pages_language(page, live_server, in_review, language, width):
    _language(page, live_server, language, width)
    log_in(page, personas.stcsm_officer().username, PASSWORD)
    page.goto(f"/review/applications/{in_review.pk}/")
    with_language = "zh" if language == "zh-hans" else "en"
    tasks = ReviewTask.objects.filter(application=in_review).select_related("commission")
    for task in tasks:
        expect(page.locator(f"#task-{task.pk} td").first).to_contain_text(
            localized(task.commission, "name", language=language)
        )
    # The opinions awaited, by name: "Waiting for the opinion of 上海市药品监督管理局 ..."
    readiness = page.locator("#decision .readiness")
    smpa = next(t.commission for t in tasks if t.commission.code == "SMPA")
    expect(readiness).to_contain_text(getattr(smpa, f"name_{with_language}"))
    for code in CO_REVIEWERS:
        expect(page.locator("main")).not_to_contain_text(re.compile(rf"\b{code}\b"))
    shot(page, f"names-review-page-{language}-{width}")


@pytest.mark.parametrize(("language", "width"), [("zh-hans", 390), ("en", 1280)])
def test_my_applications_names_the_track_not_its_code(page, live_server, in_review, language, width):
    _language(page, live_server, language, width)
    log_in(page, "alice", PASSWORD)
    page.goto("/applications/")
    row = page.locator("tr", has_text=in_review.receipt_number)
    expect(row).to_contain_text(localized(in_review.track, "title", language=language))
    expect(page.locator("main")).not_to_contain_text(in_review.track.code)  # "phase_2"
    shot(page, f"names-my-applications-{language}-{width}")
