"""Issue 18, item 8 in real headless Chromium: filters offer "全部"/"All", never "---------"; a button's label
stays whole (Chinese broke after every character where a row of buttons was squeezed)."""

import pytest
from playwright.sync_api import expect

from tests import journeys, personas
from tests.browser.pages import log_in, shot
from tests.calls import bio24_call
from tests.factories import PASSWORD
from tests.filings import submit

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EVERYTHING = {"zh-hans": "全部", "en": "All"}
# How many lines of text each button of the page holds (its height less its padding, over its line height).
LINES_OF_BUTTONS = """() => [...document.querySelectorAll('main button, main .button')]
  .filter(b => b.offsetParent !== null)
  .map(b => {
    const s = getComputedStyle(b);
    const line = parseFloat(s.lineHeight) || parseFloat(s.fontSize) * 1.2;
    const inner = b.getBoundingClientRect().height - parseFloat(s.paddingTop) - parseFloat(s.paddingBottom);
    return [b.textContent.trim(), Math.round(inner / line)];
  })"""


@pytest.fixture
def ready(transactional_db):
    from applications.catalogue import load_catalogue
    from reviews import services
    from tests.factories import expert

    load_catalogue()
    call = bio24_call(uses_expert_review=True)
    services.expert_invite(call=call, expert=expert(username="prof-li"), by=personas.admin())
    return journeys.ready_for_decision(submit(call, personas.alice(), title="ZJ-101 注射液"))


def _language(page, live_server, language, width):
    page.set_viewport_size({"width": width, "height": 900})
    page.context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])


@pytest.mark.parametrize(("language", "width"), [("zh-hans", 390), ("en", 1280)])
def test_the_queues_filters_offer_all(page, live_server, ready, language, width):
    _language(page, live_server, language, width)
    log_in(page, personas.stcsm_officer().username, PASSWORD)
    page.goto("/review/queue/")
    for name in ("call", "program", "kind", "district"):
        expect(page.locator(f"form.filters select[name={name}] option").first).to_have_text(EVERYTHING[language])
    expect(page.locator("main")).not_to_contain_text("---------")
    shot(page, f"controls-queue-filters-{language}-{width}")


@pytest.mark.parametrize(("language", "width"), [("zh-hans", 390), ("zh-hans", 1280), ("en", 390)])
def test_the_decision_buttons_keep_their_label_on_one_line(page, live_server, ready, language, width):
    _language(page, live_server, language, width)
    log_in(page, personas.stcsm_officer().username, PASSWORD)
    page.goto(f"/review/applications/{ready.pk}/")
    decision = page.locator("#decision .actions button")
    expect(decision).to_have_count(3)  # send to the experts, approve, reject
    lines = page.evaluate(LINES_OF_BUTTONS)
    assert lines and all(n == 1 for _label, n in lines), lines
    # Whole labels still fit the phone: the row of buttons wraps instead.
    rights = decision.evaluate_all("buttons => buttons.map(b => b.getBoundingClientRect().right)")
    assert max(rights) <= width, rights
    shot(page, f"controls-decision-buttons-{language}-{width}")
