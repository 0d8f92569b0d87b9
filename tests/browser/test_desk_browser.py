"""Issue 14's internationalisation desk (B II.5(12)) in real headless Chromium: an enterprise opens a case on the
filing pages, STCSM routes it to two units, both answer, and the enterprise reads the two answers by the units'
names, then reopens the case once and the reopen button is gone. English at desk width, Chinese at phone width."""

import pytest
from playwright.sync_api import expect

from applications.models import Application, State
from tests import journeys, personas
from tests.browser.pages import log_in, shot
from tests.calls import desk_call
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DIFFICULTY = "Our phase 2 trial samples are held at export clearance for the US central laboratory."
NOTE = "Internal: checked with the Pudong port office."
ANSWERS = {
    "SMPA": "We confirm the trial's approval (CXHL2400123) to Customs; the FDA's IND letter suffices for the US.",
    "CUSTOMS": "Apply for the special-items health quarantine approval online; inspection then takes one working day.",
}


def context_for(browser, live_server, locale, width):
    return browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": width, "height": 900})


def fits(page, selector: str, width: int) -> None:
    box = page.locator(selector).bounding_box()
    assert box is not None and box["x"] >= 0 and box["x"] + box["width"] <= width, (selector, box)


@pytest.mark.parametrize(
    ("locale", "width", "names"),
    [
        (
            "en-US",
            1280,
            {"SMPA": "Municipal Medical Products Administration", "CUSTOMS": "Shanghai Customs"},
        ),
        ("zh-CN", 390, {"SMPA": "上海市药品监督管理局", "CUSTOMS": "中华人民共和国上海海关"}),
    ],
)
def test_an_enterprise_opens_a_desk_case_two_units_answer_and_it_reopens_once(
    browser, live_server, eager_celery, locale, width, names
):
    from applications.catalogue import load_catalogue

    load_catalogue()
    call = desk_call()
    alice = personas.alice()
    lead, officers = personas.stcsm_officer(), {code: personas.officer_of(code) for code in names}
    tag = f"desk-{locale}-{width}"

    # --- the enterprise opens the case: a draft, then its submission, with a receipt -------------------------
    enterprise = context_for(browser, live_server, locale, width)
    page = enterprise.new_page()
    log_in(page, alice.username, PASSWORD)
    page.goto("/calls/")
    page.locator(f"a.button[href$='?call={call.pk}']").click()
    page.fill("#id_title", "ZJ-101 samples held at export")
    page.locator("main form button[type=submit]").click()
    assert "/edit/" in page.url
    page.fill("#id_facts-desk_difficulty", DIFFICULTY)
    page.fill("#id_facts-desk_market", "United States")
    page.locator("input[name=facts-desk_area][value=customs]").check()
    assert page.locator("#estimate").count() == 0  # a case has nothing to estimate
    fits(page, "#application-form", width)
    shot(page, f"{tag}-1-open")
    page.locator("button[name=action][value=submit]").click()
    assert "/receipt/" in page.url
    case = Application.objects.get(receipt_number=page.locator("#receipt-number").inner_text())
    assert case.state == State.SUBMITTED
    shot(page, f"{tag}-2-receipt")

    # --- the lead routes it to two units ---------------------------------------------------------------------
    staff = context_for(browser, live_server, locale, width)
    desk = staff.new_page()
    log_in(desk, lead.username, PASSWORD)
    desk.goto("/review/queue/")
    desk.locator(f"a[href^='/review/applications/{case.pk}/']").first.click()
    for name in names.values():
        desk.locator("#route .unit", has_text=name).locator("input").check()
    fits(desk, "#route", width)
    shot(desk, f"{tag}-3-route")
    desk.locator("#route button[type=submit]").click()
    desk.wait_for_load_state()
    case.refresh_from_db()
    assert case.state == State.ROUTED
    staff.close()

    # --- each unit answers from its queue ----------------------------------------------------------------------
    for code in names:
        unit = context_for(browser, live_server, locale, width)
        answer = unit.new_page()
        log_in(answer, officers[code].username, PASSWORD)
        answer.goto("/review/queue/")
        row = answer.locator(f"tr:has(a[href^='/review/applications/{case.pk}/'])")
        assert row.count() == 1
        row.locator("a").first.click()
        answer.fill("#answer textarea[name=answer]", ANSWERS[code])
        if code == "CUSTOMS":
            answer.fill("#answer textarea[name=internal_note]", NOTE)
        fits(answer, "#answer", width)
        shot(answer, f"{tag}-4-answer-{code.lower()}")
        answer.locator("#answer button[type=submit]").click()
        answer.wait_for_load_state()
        unit.close()
    case.refresh_from_db()
    assert case.state == State.ANSWERED

    # --- the enterprise reads both answers, by the units' names, and reopens the case once -----------------------
    page.goto(f"/applications/{case.pk}/")
    assert f"/desk/cases/{case.pk}/" in page.url
    answers = page.locator("#answers").inner_text()
    assert sorted(page.locator("#answers article h4").all_inner_texts()) == sorted(names.values())
    for code, name in names.items():
        assert name in answers and ANSWERS[code] in answers
        assert code not in page.locator("main").inner_text()  # names, never codes
    assert NOTE not in page.content()
    fits(page, "#answers", width)
    fits(page, "#reopen", width)
    shot(page, f"{tag}-5-answers")
    page.locator("#reopen textarea[name=reason]").fill("Customs still asks for a paper the port office does not know.")
    page.locator("#reopen button[type=submit]").click()
    page.wait_for_load_state()
    case.refresh_from_db()
    assert case.state == State.REOPENED
    assert page.locator("#reopen").count() == 0  # reopened once: the button is gone
    assert page.locator(".reopened").count() == 1
    shot(page, f"{tag}-6-reopened")
    # Routed again and answered again (by the services: the pages did it above): still no second reopening.
    journeys.answered_case(case, units=("CUSTOMS",))
    page.reload()
    assert page.locator("#answers h3").count() == 2  # the first answers and those after the reopening
    expect(page.locator("#reopen-refused")).to_be_visible()
    assert page.locator("#reopen").count() == 0
    expect(page.locator("#close")).to_be_visible()
    shot(page, f"{tag}-7-answered-again")
    enterprise.close()
