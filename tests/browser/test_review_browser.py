"""Issue 4 in real headless Chromium: the commissions work an application from the queue to the decision."""

import pytest

from applications import filing
from applications.models import Application, State
from awards.models import Award
from reviews import services
from reviews.models import ReviewTask, TaskKind
from tests import personas
from tests.browser.pages import log_in, shot
from tests.calls import bio24_call
from tests.factories import PASSWORD, expert
from tests.filings import make_draft
from tests.journeys import confirm_budget, staff

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def officer_page(browser, live_server, username, locale="en-US"):
    context = browser.new_context(base_url=live_server.url, locale=locale, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    log_in(page, username, PASSWORD)
    return page


def test_commissions_and_an_expert_take_an_application_to_a_decision(browser, live_server, eager_celery):
    from applications.catalogue import load_catalogue

    load_catalogue()
    call = bio24_call(uses_expert_review=True)
    applicant = personas.alice()
    application = filing.application_submit(
        application=make_draft(call, applicant, title="ZJ-101 phase 2"), by=applicant
    )
    for code in ["STCSM", "SMPA", "SHEITC", "DRC", "FIN", "HEALTH"]:
        personas.officer_of(code)
    professor = expert(username="prof-li")
    services.expert_invite(call=call, expert=professor, by=personas.admin())

    # The lead commission (STCSM) works its queue: formal check, then its own opinion.
    stcsm = officer_page(browser, live_server, personas.stcsm_officer().username)
    stcsm.goto("/review/queue/")
    shot(stcsm, "review-01-stcsm-queue-en")
    stcsm.locator(f"a:has-text('{application.receipt_number}')").click()
    stcsm.locator("button[value=start_formal_check]").click()
    for item in ["documents", "credit", "milestone_window", "duplicates"]:
        stcsm.check(f"#id_check_{item}")
    shot(stcsm, "review-02-formal-checklist-en")
    stcsm.locator("button[value=pass_formal_check]").click()
    assert Application.objects.get(pk=application.pk).state == State.DEPARTMENT_REVIEW
    stcsm.locator("#opinion input[value=support]").check()
    stcsm.fill("#opinion textarea", "Strong phase 2 data.")
    stcsm.locator("#opinion button[type=submit]").click()
    assert (
        ReviewTask.objects.get(application=application, commission__code="STCSM", kind=TaskKind.OPINION).outcome
        == "support"
    )

    # SMPA co-reviews from its own queue, in Chinese.
    smpa = officer_page(browser, live_server, personas.smpa_officer().username, locale="zh-CN")
    smpa.goto("/review/queue/")
    smpa.locator(f"a:has-text('{application.receipt_number}')").click()
    smpa.locator("#opinion input[value=support]").check()
    smpa.fill("#opinion textarea", "临床试验批件与生产许可一致。")
    shot(smpa, "review-03-smpa-opinion-zh")
    smpa.locator("#opinion button[type=submit]").click()
    assert ReviewTask.objects.get(application=application, commission__code="SMPA").outcome == "support"
    smpa.context.close()

    # The other co-reviewers and the Finance Bureau answer too (their pages are the same).
    for code in ["SHEITC", "DRC"]:
        task = ReviewTask.objects.get(application=application, commission__code=code)
        services.opinion_give(task=task, by=staff(code), opinion="support")
    confirm_budget(application)

    stcsm.reload()
    stcsm.locator("#decision button[value=send_to_experts]").click()
    assert Application.objects.get(pk=application.pk).state == State.EXPERT_REVIEW

    # The expert declares no conflict before seeing the file, then scores it on the rubric.
    prof = officer_page(browser, live_server, "prof-li")
    prof.goto("/expert/")
    assert "ZJ-101" not in prof.content()  # only the applicant's name before the declaration
    shot(prof, "review-04-expert-declaration-en")
    prof.locator("form[id^=declare-] input[value=false]").check()
    prof.locator("form[id^=declare-] button[type=submit]").click()
    prof.fill("#id_score_innovation", "85")
    prof.fill("#id_score_feasibility", "70")
    prof.fill("#id_comment", "Clear mechanism; recruitment plan is tight.")
    shot(prof, "review-05-expert-score-en")
    prof.locator("#score button[type=submit]").click()
    prof.context.close()

    # The lead decides; approval hands the application to the award pipeline.
    stcsm.reload()
    assert "79.00" in stcsm.locator("#scores").inner_text()  # (85 x 60 + 70 x 40) / 100
    stcsm.fill("#decision textarea", "Meets every criterion of the call.")
    stcsm.locator("#decision button[value=approve]").click()
    shot(stcsm, "review-06-approved-en")
    assert Application.objects.get(pk=application.pk).state == State.APPROVED
    assert Award.objects.get(application=application).amount == 4_000_000
    stcsm.context.close()

    # An officer of a commission the application was never routed to sees none of it.
    health = officer_page(browser, live_server, personas.health_officer().username)
    health.goto("/review/queue/")
    assert application.receipt_number not in health.content()
    assert health.request.get(f"/review/applications/{application.pk}/").status == 404
    shot(health, "review-07-other-commission-en")
    health.context.close()
