"""Issue 18, item 4 in real headless Chromium: once the notice is published the applicant no longer reads
"已批准：正在核定资助金额" but that the award is on public notice until its last day; the application's page shows a
timeline of what happened and what comes next, with dates (the notice ends on …, the letter expected after …)."""

import pytest
from playwright.sync_api import expect

from awards import notice
from awards.services import award_compute
from tests import journeys, personas
from tests.browser.pages import log_in, shot
from tests.calls import bio24_call
from tests.factories import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def on_notice(live_server, eager_celery):
    from applications.catalogue import load_catalogue

    load_catalogue()
    for code in ["STCSM", "SMPA", "SHEITC", "DRC", "FIN"]:
        personas.officer_of(code)
    call = bio24_call()
    (application,) = journeys.approved_directly(call, personas.alice(), rd_spending="10000000", product_key="TL")
    award = award_compute(application_id=application.pk)
    notice.notice_publish(call=call, by=journeys.lead(application))
    award.refresh_from_db()
    return application, award


@pytest.mark.parametrize(
    ("locale", "width", "computing", "on_notice_words", "ends", "letter"),
    [
        ("zh-CN", 390, "正在核定资助金额", "公示", "结束于", "预计晚于"),
        ("en-US", 1280, "the award is being computed", "On public notice until", "ends on", "expected after"),
    ],
)
def test_an_applicant_reads_the_awards_real_state_and_its_timeline(
    browser, live_server, on_notice, locale, width, computing, on_notice_words, ends, letter
):
    application, award = on_notice
    until = award.notice_until.isoformat()
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page, "alice", PASSWORD)

    page.goto("/applications/")
    row = page.locator("main table tbody tr").first
    expect(row).to_contain_text(on_notice_words)
    expect(row).to_contain_text(until)
    expect(row).not_to_contain_text(computing)
    shot(page, f"pages-status-01-my-applications-{locale[:2]}-{width}")

    page.goto(f"/applications/{application.pk}/")
    expect(page.locator("main > p").nth(1)).to_contain_text(on_notice_words)
    expect(page.locator("main")).not_to_contain_text(computing)
    timeline = page.locator("#timeline")
    expect(timeline.locator("li.done")).to_have_count(3)  # submitted, decided, award computed
    current = timeline.locator("li[aria-current=step]")
    expect(current).to_contain_text(f"{ends} {until}")
    expect(timeline.locator("li.upcoming").last).to_contain_text(f"{letter} {until}")
    shot(page, f"pages-status-02-timeline-{locale[:2]}-{width}")
    context.close()
