"""A service channel grants no money (SPEC §5, B II.5(12)): no estimate while filing or on the estimate page and API,
no budget on its calls and no budget task, no decision, no award, no letter, nothing for the award pipeline to
pick up later."""

import json

import pytest
from django.core.management import call_command
from django.urls import reverse
from rest_framework.test import APIClient

from applications import estimator, workflow
from applications.models import Program
from applications.services import call_create
from awards import sweeper
from awards.models import Award, Letter
from portal.errors import ErrorCode, PortalError
from reviews.models import Decision, ReviewTask, TaskKind
from tests import journeys
from tests.calls import DESK
from tests.filings import DESK_FACTS, case_draft, open_case
from tests.logins import login


@pytest.fixture
def no_estimator(monkeypatch):
    """The estimator, made to fail if anyone asks it: a channel's filing must never need it."""

    def refuse(*args):
        raise AssertionError("a service channel's case asked for an award estimate")

    monkeypatch.setattr(estimator, "_estimator", estimator.Estimator(for_application=refuse, shown=refuse))


def test_a_case_is_filed_and_answered_without_asking_the_estimator(desk_call, alice, client, no_estimator):
    draft = case_draft(desk_call, alice)
    assert draft.estimated_amount is None
    login(client, alice)
    assert client.get(reverse("application-edit", args=[draft.pk])).status_code == 200
    assert client.post(reverse("application-estimate", args=[draft.pk]), {}).status_code == 200
    case = journeys.answered_case(open_case(desk_call, alice))
    assert case.estimated_amount is None and case.current_version.estimate == {}
    workflow.transition(application=case, action="close", by=alice)


def test_a_whole_case_leaves_no_decision_award_letter_or_budget_task(
    desk_call, alice, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        case = journeys.answered_case(open_case(desk_call, alice))
        case = workflow.transition(application=case, action="reopen", by=alice, reason="Still held.")
        case = journeys.answered_case(case, units=("CUSTOMS",))
        workflow.transition(application=case, action="close", by=alice)
    assert not Decision.objects.filter(application=case).exists()
    assert not Award.objects.filter(application=case).exists()
    assert not Letter.objects.filter(decision__application=case).exists()
    kinds = set(ReviewTask.objects.filter(application=case).values_list("kind", flat=True))
    assert kinds == {TaskKind.DESK_ROUTING, TaskKind.DESK_ANSWER}  # no formal check, opinion or budget task
    # Nothing the sweeper would take for an award or a letter that went missing.
    assert sweeper.sweep() == {"awards": 0, "letters": 0, "certificates": 0}


def test_a_channels_call_has_no_budget_and_no_expert_review(catalogue):
    from datetime import timedelta

    from django.utils import timezone

    now = timezone.now()
    program = Program.objects.get(code=DESK)
    terms = {"program": program, "year": now.year, "title_en": "Desk", "title_zh": "专窗"}
    dates = {"opens_at": now, "closes_at": now + timedelta(days=30)}
    with pytest.raises(PortalError) as error:
        call_create(**terms, **dates, budget=1_000_000)
    assert error.value.errors["budget"] == ["This program grants no money: its calls have no budget."]
    with pytest.raises(PortalError) as error:
        call_create(**terms, **dates, uses_expert_review=True)
    assert "uses_expert_review" in error.value.errors
    # Without either, a call opens, though the program's track sets no rate (there is nothing to pay).
    assert call_create(**terms, **dates).budget is None


def test_the_estimate_api_and_cli_refuse_a_channel_with_a_reason(catalogue, capsys):
    response = APIClient().post(
        "/api/v1/award-estimates/", {"program": DESK, "facts": DESK_FACTS}, format="json", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == ErrorCode.NOT_A_GRANT
    assert body["program"] == [f"{DESK} grants no money (Service channel): there is no award to estimate."]
    with pytest.raises(SystemExit):
        call_command("estimate_award", "--program", DESK, "--facts", json.dumps(DESK_FACTS))
    assert "grants no money" in capsys.readouterr().err


def test_the_estimate_page_does_not_offer_a_channel(client, catalogue):
    client.cookies["django_language"] = "en"
    page = client.get(reverse("estimate")).content.decode()
    assert f'value="{DESK}:' not in page and 'value="BIO21-CDMO:"' in page
    response = client.get(reverse("estimate"), {"measure": f"{DESK}:"})
    assert response.status_code == 200 and 'name="facts-' not in response.content.decode()
