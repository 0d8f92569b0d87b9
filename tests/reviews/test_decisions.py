"""The lead commission's decision (reviews/decisions.py): the recommended lower amount is money typed by an
officer, read by the one money rule (portal/amounts.py) on the page and in the API alike."""

from django.urls import reverse
from rest_framework.test import APIClient

from reviews.models import Decision
from tests import journeys
from tests.filings import DRUG_FACTS, submit
from tests.portal.test_amounts import REFUSED


def test_the_recommended_amount_follows_the_one_money_rule_on_the_page_and_in_the_api(
    client, review_call, alice, stcsm_officer
):
    page_case = journeys.ready_for_decision(submit(review_call, alice))  # formula: 4,000,000
    api_case = journeys.ready_for_decision(submit(review_call, alice, facts={**DRUG_FACTS, "product_key": "OTHER"}))
    client.force_login(stcsm_officer)
    client.cookies["django_language"] = "en"
    api = APIClient()
    api.force_authenticate(stcsm_officer)
    decide = reverse("review-decide", args=[page_case.pk])
    transitions = reverse("v1:application-transitions", args=[api_case.pk])
    reason = "Part of the spending is not eligible."
    for typed in REFUSED:
        client.post(decide, {"action": "approve", "recommended_amount": typed, "reason": reason})
        response = api.post(
            transitions, {"action": "approve", "recommended_amount": typed, "reason": reason}, format="json"
        )
        assert response.status_code == 400 and "recommended_amount" in response.json(), typed
    assert not Decision.objects.filter(application__in=[page_case, api_case]).exists()

    client.post(decide, {"action": "approve", "recommended_amount": "１２３", "reason": reason})
    api.post(transitions, {"action": "approve", "recommended_amount": "１２３", "reason": reason}, format="json")
    for application in (page_case, api_case):
        decision = Decision.objects.get(application=application)
        assert (decision.outcome, decision.recommended_amount) == ("approved", 123)
