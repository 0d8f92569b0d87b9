"""The estimate page in real headless Chromium, as an applicant uses it."""

import pytest
from playwright.sync_api import expect

from tests.browser.pages import shot
from tests.calls import bio24_call

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def loaded_catalogue(transactional_db):
    from applications.catalogue import load_catalogue

    load_catalogue()


def test_applicant_estimates_a_phase_2_drug_in_english(page, loaded_catalogue):
    page.goto("/estimate/")
    page.get_by_role("button", name="English").click()
    page.select_option("#id_measure", "BIO21-DRUG-INNOVATIVE:phase_2")
    page.get_by_role("button", name="Show its questions").click()
    page.fill("#id_facts-rd_spending", "-5")
    page.get_by_label("Chemical drug").check()
    page.get_by_role("group", name="Registered as a Class 1 (innovative) drug").get_by_label("Yes").check()
    page.get_by_role("group", name="Made in Shanghai").get_by_label("Yes").check()
    page.fill("#id_facts-milestone_date", "2023-03-01")  # policy A ended on 2024-05-31
    page.get_by_role("button", name="Estimate the award").click()
    expect(page.get_by_text("An amount cannot be negative.")).to_be_visible()
    shot(page, "estimate-en-field-error")

    page.fill("#id_facts-rd_spending", "10000000")
    page.get_by_role("button", name="Estimate the award").click()
    assert page.locator(".result .amount strong").inner_text() == "¥4,000,000"
    assert "40% × R&D spending (CNY) 10,000,000 = 4,000,000" in page.locator(".breakdown").inner_text()
    shot(page, "estimate-en-result")


def test_applicant_estimates_in_chinese_and_sees_the_cap(page, loaded_catalogue):
    page.goto("/estimate/?measure=BIO21-DRUG-INNOVATIVE:phase_3")
    assert page.locator("html").get_attribute("lang") == "zh-Hans"
    page.fill("#id_facts-rd_spending", "120000000")
    page.locator("input[name=facts-drug_category][value=biological]").check()
    page.locator("input[name=facts-class_1][value=true]").check()
    page.locator("input[name=facts-made_in_shanghai][value=true]").check()
    page.fill("#id_facts-milestone_date", "2023-03-01")
    page.locator("#estimate-form button[type=submit]").click()
    assert page.locator(".result .amount strong").inner_text() == "¥30,000,000"
    assert "III.1" in page.locator(".breakdown").inner_text()
    shot(page, "estimate-zh-capped")


@pytest.mark.parametrize(
    ("language", "terms"),
    [
        ("en", "On the terms of the open call “Innovative drugs (review)”"),
        ("zh-hans", "按正在受理的申报通知“创新药（评审）”的条件测算"),
    ],
)
def test_the_estimate_says_which_calls_terms_it_used(page, loaded_catalogue, live_server, language, terms):
    """A call that lowers phase 1's cap to 5,000,000 lowers the estimate, and the page names the call."""
    bio24_call(track_terms={"phase_1": {"cap": 5_000_000}})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page.goto("/estimate/?measure=BIO24-DRUG-INNOVATIVE:phase_1")
    page.fill("#id_facts-rd_spending", "100000000")
    page.locator("input[name=facts-drug_category][value=chemical]").check()
    page.locator("input[name=facts-class_1][value=true]").check()
    page.locator("#estimate-form button[type=submit]").click()
    assert page.locator(".result .amount strong").inner_text() == "¥5,000,000"
    assert terms in page.locator(".result .terms").inner_text()
    shot(page, f"estimate-{language}-call-terms")
