"""Issue 14, correction 7 in real headless Chromium: the filing page asks the chosen track's questions, and
choosing another track brings that track's questions, documents and estimate in place (htmx, served by the
portal itself), keeping what was typed."""

import pytest

from applications.models import Application
from tests.browser.pages import log_in, shot
from tests.calls import filing_call
from tests.factories import PASSWORD, OrganisationFactory, member
from tests.filings import make_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def draft(transactional_db):
    from applications.catalogue import load_catalogue

    load_catalogue()
    alice = member(OrganisationFactory(name="张江示范生物科技有限公司"), admin=True, username="alice")
    return make_draft(filing_call(), alice, track="phase_1", facts={}, title="CAR-T 007", documents=False)


@pytest.mark.parametrize(("language", "width"), [("en", 1280), ("zh-hans", 390)])
def test_choosing_another_track_swaps_its_questions_in_place_and_keeps_what_was_typed(
    page, live_server, draft, language, width
):
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    log_in(page, "alice", PASSWORD)
    page.goto(f"/applications/{draft.pk}/edit/")
    assert page.locator("input[name=facts-drug_category]").count() == 3
    assert page.locator("input[name=facts-cell_gene_therapy]").count() == 0
    page.fill("#id_facts-rd_spending", "20000000")
    page.locator("input[name=facts-drug_category][value=biological]").check()
    page.fill("#id_facts-product_key", "CAR-T-007")
    page.fill("#id_facts-milestone_date", "2025-03-01")
    page.evaluate("window.notReloaded = true")  # gone if the page were loaded again

    page.select_option("#id_track", "cgt_early")
    page.locator("input[name=facts-cell_gene_therapy]").first.wait_for()
    assert page.evaluate("window.notReloaded") is True
    assert page.locator("input[name=facts-drug_category]").count() == 0
    assert page.input_value("#id_facts-rd_spending") == "20000000"
    assert Application.objects.get(pk=draft.pk).track.code == "cgt_early"
    page.locator("input[name=facts-cell_gene_therapy][value=true]").check()
    page.locator("input[name=facts-class_1][value=true]").check()
    page.locator(".estimate .amount strong").wait_for()
    assert page.locator(".estimate .amount strong").inner_text() == "¥8,000,000"  # 40% of 20M, under 15M
    shot(page, f"track-switch-cgt-{language}-{width}")

    page.select_option("#id_track", "phase_1")
    page.locator("input[name=facts-drug_category]").first.wait_for()
    assert page.locator("input[name=facts-drug_category][value=biological]").is_checked()  # kept in the draft
    assert page.locator("input[name=facts-cell_gene_therapy]").count() == 0
    assert page.evaluate("window.notReloaded") is True
    shot(page, f"track-switch-phase-1-{language}-{width}")
