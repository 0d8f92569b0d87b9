"""Issue 14, corrections 4, 6 and 10: the estimate uses the open call's terms (and says which), estimates
an ended policy only for a milestone date inside its period, and shows reading notes only to staff."""

import json

import pytest
from django.core.management import call_command
from rest_framework.test import APIClient

from tests.calls import bio24_call
from tests.logins import login

URL = "/api/v1/award-estimates/"
PAGE = "/estimate/"
BIO24_PHASE_1 = {"program": "BIO24-DRUG-INNOVATIVE", "track": "phase_1"}
BIG_DRUG = {"rd_spending": "100000000", "drug_category": "chemical", "class_1": True}
A_DRUG = {"rd_spending": "10000000", "drug_category": "chemical", "class_1": True, "made_in_shanghai": True}


def post(body, language="en"):
    return APIClient().post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE=language)


# --- correction 4: the open call's terms ----------------------------------------------------------------


def test_a_call_that_lowers_the_cap_lowers_the_estimate_and_is_named(catalogue):
    call = bio24_call(track_terms={"phase_1": {"cap": 5_000_000}})
    answer = post({**BIO24_PHASE_1, "facts": BIG_DRUG}).json()
    assert answer["amount"] == "5000000"
    assert answer["call"] == {"id": call.pk, "title": "Innovative drugs (review)"}
    assert "5,000,000" in answer["breakdown"][-1]["text"]


def test_without_an_open_call_the_answer_says_so(catalogue):
    answer = post({**BIO24_PHASE_1, "facts": BIG_DRUG}).json()
    assert answer["amount"] == "10000000"
    assert answer["call"] is None


def test_the_page_and_the_cli_name_the_call_whose_terms_they_used(client, catalogue):
    bio24_call(track_terms={"phase_1": {"cap": 5_000_000}})
    client.cookies["django_language"] = "en"
    data = {"facts-rd_spending": "100000000", "facts-drug_category": "chemical", "facts-class_1": "true"}
    page = client.post(PAGE + "?measure=BIO24-DRUG-INNOVATIVE:phase_1", data).content.decode()
    assert "¥5,000,000" in page
    assert "On the terms of the open call “Innovative drugs (review)”" in page
    from io import StringIO

    out = StringIO()
    call_command(
        "estimate_award",
        "--program",
        "BIO24-DRUG-INNOVATIVE",
        "--track",
        "phase_1",
        "--facts",
        json.dumps(BIG_DRUG),
        stdout=out,
    )
    printed = json.loads(out.getvalue())
    assert printed["amount"] == "5000000"
    assert printed["call"]["title"] == "Innovative drugs (review)"


# --- correction 6: a policy that ended ------------------------------------------------------------------


def test_an_ended_policy_is_estimated_for_a_milestone_inside_its_period(catalogue):
    answer = post(
        {"program": "BIO21-DRUG-INNOVATIVE", "track": "phase_2", "facts": {**A_DRUG, "milestone_date": "2023-03-01"}}
    )
    assert answer.status_code == 200
    assert answer.json()["amount"] == "4000000"
    assert answer.json()["policy_ended_on"] == "2024-05-31"


@pytest.mark.parametrize("milestone", ["2024-06-01", "2021-05-31", None])
def test_an_ended_policy_outside_its_period_is_a_field_error(catalogue, milestone):
    facts = {**A_DRUG, **({"milestone_date": milestone} if milestone else {})}
    response = post({"program": "BIO21-DRUG-INNOVATIVE", "track": "phase_2", "facts": facts})
    assert response.status_code == 400
    assert "milestone_date" in response.json()["facts"]


def test_a_policy_in_force_says_nothing_of_an_end(catalogue):
    bio24_call()
    answer = post({**BIO24_PHASE_1, "facts": BIG_DRUG}).json()
    assert answer["policy_ended_on"] is None


def test_the_page_marks_an_ended_policy_and_names_the_field(client, catalogue):
    client.cookies["django_language"] = "en"
    q = "?measure=BIO21-DRUG-INNOVATIVE:phase_2"
    page = client.get(PAGE + q).content.decode()
    assert "This policy ended on 2024-05-31" in page
    assert 'name="facts-milestone_date"' in page
    data = {
        "facts-rd_spending": "10000000",
        "facts-drug_category": "chemical",
        "facts-class_1": "true",
        "facts-made_in_shanghai": "true",
        "facts-milestone_date": "2025-01-01",
    }
    page = client.post(PAGE + q, data).content.decode()
    assert "¥4,000,000" not in page
    assert "2025-01-01" in page and "outside" in page
    client.cookies["django_language"] = "zh-hans"
    assert "本政策已于2024-05-31结束" in client.get(PAGE + q).content.decode()


def test_the_chooser_marks_the_policy_that_ended(client, catalogue):
    client.cookies["django_language"] = "en"
    page = client.get(PAGE).content.decode()
    assert page.count("(ended on 2024-05-31)") == 1  # policy A's group; B and C are in force
    client.cookies["django_language"] = "zh-hans"
    assert "（已于2024-05-31结束）" in client.get(PAGE).content.decode()


# --- correction 10: reading notes -----------------------------------------------------------------------

IMPROVED = PAGE + "?measure=BIO21-DRUG-IMPROVED:phase_2"
READING_NOTE = "law firm"


def test_anonymous_visitors_do_not_see_reading_notes(client, catalogue):
    client.cookies["django_language"] = "en"
    assert READING_NOTE not in client.get(IMPROVED).content.decode()


def test_applicants_do_not_see_reading_notes(client, catalogue, alice):
    login(client, alice)
    assert READING_NOTE not in client.get(IMPROVED).content.decode()


@pytest.mark.parametrize("person", ["stcsm_officer", "admin"])
def test_officers_and_administrators_see_reading_notes(client, catalogue, person, request):
    login(client, request.getfixturevalue(person))
    assert READING_NOTE in client.get(IMPROVED).content.decode()


def test_the_public_api_answer_holds_no_reading_note(catalogue):
    answer = post(
        {
            "program": "BIO21-DRUG-IMPROVED",
            "track": "phase_2",
            "facts": {"rd_spending": "1000000", "made_in_shanghai": True, "milestone_date": "2023-03-01"},
        }
    )
    assert READING_NOTE not in answer.content.decode() and "律所" not in answer.content.decode()


# --- correction 5: unverified amounts -------------------------------------------------------------------

UNVERIFIED = {
    "en": "Unverified amounts: this estimate uses amounts from public reports",
    "zh-hans": "金额未经核实：本估算所用金额取自公开报道",
}


def estimate_page(client, language):
    client.cookies["django_language"] = language
    data = {"facts-rd_spending": "1000000", "facts-drug_category": "chemical", "facts-class_1": "true"}
    return client.post(PAGE + "?measure=BIO24-DRUG-INNOVATIVE:phase_1", data).content.decode()


def test_the_answer_says_when_the_amounts_are_unverified(catalogue):
    assert post({**BIO24_PHASE_1, "facts": BIG_DRUG}).json()["amounts_verified"] is False
    facts = {**A_DRUG, "milestone_date": "2023-03-01"}
    policy_a = {"program": "BIO21-DRUG-INNOVATIVE", "track": "phase_2", "facts": facts}
    assert post(policy_a).json()["amounts_verified"] is True


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_the_page_warns_beside_an_unverified_estimate_until_an_administrator_confirms(client, catalogue, language):
    from tests.calls import confirm_policy_c

    page = estimate_page(client, language)
    assert "¥400,000" in page and UNVERIFIED[language] in page
    confirm_policy_c()
    page = estimate_page(client, language)
    assert "¥400,000" in page and UNVERIFIED[language] not in page
    assert post({**BIO24_PHASE_1, "facts": BIG_DRUG}).json()["amounts_verified"] is True
