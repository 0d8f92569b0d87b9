"""Issue 18, item 5 in real headless Chromium: the information a person needs is on the page. The public notice
names each award's project; publishing the notice asks for a confirmation (a box to tick, so it works without
JavaScript, and a refusal with its reason without it); the Finance Bureau's budget confirmation shows the call's
budget, what its awards hold and what is left; My applications labels the stage deadline and the call's closing
date apart; the estimate marks the measures of an ended policy on each of them and lists them last."""

import pytest
from playwright.sync_api import expect

from applications import filing
from awards.models import Award, AwardState
from awards.services import award_compute
from tests import journeys, personas
from tests.browser.pages import log_in, shot
from tests.calls import bio24_call
from tests.factories import PASSWORD
from tests.filings import make_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WORDS = {
    "zh-CN": {
        "refused": "未发布任何内容",
        "stage": "阶段截止",
        "closes": "申报截止",
        "ended": "结束］",
        "confirm": "我已核对",
    },
    "en-US": {
        "refused": "Nothing is published",
        "stage": "Stage deadline",
        "closes": "Call closes",
        "ended": "ended on",
        "confirm": "I have checked",
    },
}


@pytest.fixture
def world(live_server, eager_celery):
    from applications.catalogue import load_catalogue

    load_catalogue()
    for code in ["STCSM", "SMPA", "SHEITC", "DRC", "FIN"]:
        personas.officer_of(code)
    call = bio24_call()
    alice = personas.alice()
    (approved,) = journeys.approved_directly(call, alice, rd_spending="10000000", product_key="INF")
    award_compute(application_id=approved.pk)
    in_review = filing.application_submit(application=make_draft(call, alice, title="ZJ-202 片剂 II期"), by=alice)
    journeys.pass_formal_check(in_review)
    return {"call": call, "approved": approved, "in_review": in_review}


def person(browser, live_server, user, *, locale, width):
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page, user.username, PASSWORD)
    return page


@pytest.mark.parametrize(("locale", "width"), [("zh-CN", 390), ("en-US", 1280)])
def test_the_pages_carry_what_a_person_needs_to_decide(browser, live_server, world, locale, width):
    words, call, approved = WORDS[locale], world["call"], world["approved"]
    tag = f"{locale[:2]}-{width}"

    # The lead publishes the notice: without ticking the confirmation nothing is published, and the page says why.
    lead = person(browser, live_server, journeys.lead(approved), locale=locale, width=width)
    lead.goto(f"/review/calls/{call.pk}/awards/")
    expect(lead.locator("#id_confirm")).to_be_visible()
    expect(lead.locator("label[for=id_confirm]")).to_contain_text(words["confirm"])
    lead.locator("form[action$='/awards/publish/'] button[type=submit]").click()
    expect(lead.locator(".messages [role=alert]")).to_contain_text(words["refused"])
    assert Award.objects.get(application=approved).state == AwardState.COMPUTED
    shot(lead, f"pages-information-01-publish-refused-{tag}")
    lead.check("#id_confirm")
    lead.locator("form[action$='/awards/publish/'] button[type=submit]").click()
    expect(lead.locator(".messages [role=status]")).to_be_visible()
    assert Award.objects.get(application=approved).state == AwardState.PUBLICITY
    lead.context.close()

    # The public notice names the project.
    public = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": width, "height": 900})
    notices = public.new_page()
    notices.goto("/notices/")
    expect(notices.locator("main table").first.locator("tbody tr").first).to_contain_text(approved.title)
    shot(notices, f"pages-information-02-notices-{tag}")
    public.close()

    # The Finance Bureau confirms the budget of the other application against the call's figures.
    finance = person(browser, live_server, personas.finance_officer(), locale=locale, width=width)
    finance.goto(f"/review/applications/{world['in_review'].pk}/")
    expect(finance.locator("#budget-total")).to_have_text("¥500,000,000")
    expect(finance.locator("#budget-held")).to_have_text("¥4,000,000")
    expect(finance.locator("#budget-left")).to_have_text("¥496,000,000")
    expect(finance.locator("#budget-after")).to_have_text("¥492,000,000")
    shot(finance, f"pages-information-03-budget-{tag}")
    finance.context.close()

    # My applications: the stage deadline and the call's closing date, each under its own heading.
    alice = person(browser, live_server, personas.alice(), locale=locale, width=width)
    alice.goto("/applications/")
    headings = alice.locator("main table thead")
    expect(headings).to_contain_text(words["stage"])
    expect(headings).to_contain_text(words["closes"])
    closes = call.closes_at.astimezone(call.closes_at.tzinfo).strftime("%Y-%m-%d")
    expect(alice.locator("main table tbody td.call-closes").first).to_contain_text(closes[:4])
    shot(alice, f"pages-information-04-my-applications-{tag}")

    # The estimate: a measure of an ended policy says so itself, after those in force.
    alice.goto("/estimate/")
    ended = alice.locator("#id_measure option[value='BIO21-DRUG-INNOVATIVE:phase_2']")
    expect(ended).to_contain_text(words["ended"])
    first = alice.locator("#id_measure option:not([value=''])").first
    expect(first).not_to_contain_text(words["ended"])
    shot(alice, f"pages-information-05-estimate-{tag}")
    alice.context.close()
