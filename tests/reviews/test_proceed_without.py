"""A co-reviewer with nobody registered (issue 14, correction 3): its open opinion task held the decision
until its deadline, silently. The lead sees which unit has no officer and may proceed after recording why."""

import pytest
from django.urls import reverse
from django.utils import translation

from applications import workflow
from applications.models import AuditEvent, State
from portal.accounts.models import Commission
from portal.errors import ErrorCode, PortalError
from reviews import services
from reviews.models import Outcome, ReviewTask, TaskKind, TaskState
from reviews.services import ReviewAction
from tests import journeys
from tests.factories import officer
from tests.filings import submit
from tests.logins import login

REASON = "The Development and Reform Commission has no officer on the portal yet; decided on the others."


@pytest.fixture
def held(review_call, alice, stcsm_officer):
    """BIO24-DRUG-INNOVATIVE in department review: STCSM, SHEITC and SMPA have answered, the budget is
    confirmed; DRC's opinion is open and nobody of DRC is registered."""
    application = journeys.pass_formal_check(submit(review_call, alice))
    for task in ReviewTask.objects.filter(application=application, kind=TaskKind.OPINION).exclude(
        commission__code="DRC"
    ):
        services.opinion_give(task=task, by=journeys.staff(task.commission.code), opinion="support")
    journeys.confirm_budget(application)
    return application


def drc_task(application) -> ReviewTask:
    return ReviewTask.objects.get(application=application, commission__code="DRC", kind=TaskKind.OPINION)


def snapshot(application) -> tuple:
    return (
        list(ReviewTask.objects.filter(application=application).order_by("pk").values_list("state", "outcome")),
        AuditEvent.objects.filter(application=application).count(),
        type(application).objects.get(pk=application.pk).state,
    )


def test_the_decision_is_held_by_an_opinion_nobody_can_give(held, stcsm_officer):
    with pytest.raises(PortalError) as error:
        workflow.transition(application=held, action="approve", by=stcsm_officer)
    assert error.value.code == ErrorCode.OPINIONS_MISSING


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_lead_sees_which_unit_has_nobody_registered_by_name(client, held, stcsm_officer, language):
    drc = Commission.objects.get(code="DRC")
    login(client, stcsm_officer, language)
    page = client.get(reverse("review-application", args=[held.pk])).content.decode()
    unit = drc.name_zh if language == "zh-hans" else drc.name_en
    with translation.override(language):
        heading = translation.gettext("No officer of %(unit)s is registered") % {"unit": unit}
    assert heading in page
    assert "DRC" not in heading
    if language == "zh-hans":
        assert not heading.startswith("No officer"), heading  # translated
    assert reverse("review-proceed-without", args=[drc_task(held).pk]) in page
    # A commission that has an officer is waited for as before, and not offered.
    smpa = ReviewTask.objects.get(application=held, commission__code="SMPA", kind=TaskKind.OPINION)
    assert reverse("review-proceed-without", args=[smpa.pk]) not in page


def test_an_empty_reason_is_a_field_error_and_saves_nothing(client, held, stcsm_officer):
    task = drc_task(held)
    before = snapshot(held)
    login(client, stcsm_officer)
    response = client.post(reverse("review-proceed-without", args=[task.pk]), {f"waive-{task.pk}-reason": "  "})
    assert response.status_code == 200
    assert "This field is required." in response.content.decode()
    assert snapshot(held) == before


def test_the_lead_proceeds_with_a_reason_audited_and_the_decision_no_longer_waits(client, held, stcsm_officer):
    task = drc_task(held)
    login(client, stcsm_officer)
    response = client.post(reverse("review-proceed-without", args=[task.pk]), {f"waive-{task.pk}-reason": REASON})
    assert response.status_code == 302
    task.refresh_from_db()
    assert (task.state, task.outcome, task.reasons, task.completed_by) == (
        TaskState.DONE,
        Outcome.WAIVED,
        REASON,
        stcsm_officer,
    )
    event = AuditEvent.objects.filter(application=held).latest("pk")
    assert (event.action, event.actor, event.reason, event.visible_to_applicant) == (
        ReviewAction.OPINION_WAIVED,
        stcsm_officer,
        REASON,
        False,
    )
    assert event.data["commission"] == "DRC"
    page = client.get(reverse("review-application", args=[held.pk])).content.decode()
    assert "No officer of" not in page
    approved = workflow.transition(application=held, action="approve", by=stcsm_officer)
    assert approved.state == State.APPROVED


def test_only_the_lead_officer_proceeds_and_only_without_an_unanswerable_opinion(
    client, held, stcsm_officer, smpa_officer, commerce_officer, alice, charlie
):
    task = drc_task(held)
    url = reverse("review-proceed-without", args=[task.pk])
    body = {f"waive-{task.pk}-reason": REASON}
    before = snapshot(held)
    # Who may not see the file learns nothing of it; the co-reviewer who sees it is told why not.
    colleague = officer("STCSM", username="stcsm-colleague", is_active=False)
    expected = {alice: 404, charlie: 404, commerce_officer: 404, smpa_officer: 302}
    for person, status in expected.items():
        assert login(client, person).post(url, body).status_code == status, person
        assert snapshot(held) == before, person
    for person in (smpa_officer, commerce_officer, alice, charlie, colleague):
        with pytest.raises(PortalError) as error:
            services.opinion_waive(task=task, by=person, reason=REASON)
        assert error.value.code == ErrorCode.NOT_ALLOWED
    assert snapshot(held) == before

    # Once gone without, not a second time.
    services.opinion_waive(task=task, by=stcsm_officer, reason=REASON)
    with pytest.raises(PortalError) as error:
        services.opinion_waive(task=task, by=stcsm_officer, reason=REASON)
    assert error.value.code == ErrorCode.NOT_ALLOWED
