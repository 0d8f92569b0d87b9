"""Issue 14, correction 3 in real headless Chromium: the lead sees which unit has nobody registered and goes ahead
without its opinion, giving the reason; in both languages, at desk and phone width."""

import pytest

from applications import filing
from reviews import services
from reviews.models import Outcome, ReviewTask, TaskKind
from tests import journeys, personas
from tests.browser.pages import log_in, shot
from tests.calls import bio24_call
from tests.factories import PASSWORD
from tests.filings import make_draft

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

FORM = "form[action$='/proceed-without/']"


@pytest.mark.parametrize(
    ("locale", "width", "unit"),
    [("en-US", 1280, "Municipal Development and Reform Commission"), ("zh-CN", 390, "上海市发展和改革委员会")],
)
def test_the_lead_proceeds_without_the_opinion_of_a_unit_nobody_is_registered_for(
    browser, live_server, eager_celery, locale, width, unit
):
    from applications.catalogue import load_catalogue

    load_catalogue()
    applicant = personas.alice()
    application = filing.application_submit(application=make_draft(bio24_call(), applicant), by=applicant)
    application = journeys.pass_formal_check(application)
    for task in ReviewTask.objects.filter(application=application, kind=TaskKind.OPINION).exclude(
        commission__code="DRC"
    ):
        services.opinion_give(task=task, by=journeys.staff(task.commission.code), opinion="support")
    journeys.confirm_budget(application)
    drc = ReviewTask.objects.get(application=application, commission__code="DRC", kind=TaskKind.OPINION)

    context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": width, "height": 900})
    page = context.new_page()
    log_in(page, journeys.lead(application).username, PASSWORD)
    page.goto(f"/review/applications/{application.pk}/")
    assert unit in page.locator("main").inner_text()
    # The card fits the screen (the task table below is issue 18's 390 px item).
    box = page.locator(FORM).bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= width
    shot(page, f"proceed-without-{locale}-{width}")
    # Without a reason nothing happens: the task stays open.
    page.locator(f"{FORM} button[type=submit]").click()
    page.wait_for_load_state()
    drc.refresh_from_db()
    assert drc.outcome == ""
    page.locator(f"{FORM} textarea").fill("Nobody of this unit is on the portal yet.")
    page.locator(f"{FORM} button[type=submit]").click()
    page.wait_for_load_state()
    shot(page, f"proceed-without-{locale}-{width}-done")
    drc.refresh_from_db()
    assert drc.outcome == Outcome.WAIVED
    assert unit in page.locator("main").inner_text()  # the message names the unit
    context.close()
