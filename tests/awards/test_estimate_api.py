"""POST /api/v1/award-estimates/ (SPEC §6): answers, and a 400 with field errors for every kind of
malformed input — never a 500."""

from decimal import Decimal

import pytest
from rest_framework.test import APIClient
from rest_framework.throttling import ScopedRateThrottle

from tests.portal.test_amounts import TYPED

URL = "/api/v1/award-estimates/"
# Policy A ended on 2024-05-31: it is estimated for a milestone reached while it was in force.
IN_A = {"milestone_date": "2023-03-01"}
DRUG = {"rd_spending": "10000000", "drug_category": "chemical", "class_1": True, "made_in_shanghai": True, **IN_A}


@pytest.fixture
def api():
    return APIClient()


def post(api, body, language="en"):
    return api.post(URL, body, format="json", HTTP_ACCEPT_LANGUAGE=language)


def test_spec_example_answers_4_million(api, catalogue):
    response = post(
        api,
        {
            "program": "BIO21-DRUG-INNOVATIVE",
            "track": "phase_2",
            "facts": DRUG,
            "context": {"awarded_this_year": "0", "awarded_in_overlap_group": "0", "call_budget_left": None},
        },
    )
    assert response.status_code == 200, response.json()
    body = response.json()
    assert body["eligible"] is True
    assert body["amount"] == "4000000"
    assert body["currency"] == "CNY"
    assert body["reasons"] == []
    assert [line["step"] for line in body["breakdown"]] == ["rate_x_base"]
    assert "40%" in body["breakdown"][0]["text"] and "10,000,000" in body["breakdown"][0]["text"]


def test_context_may_be_left_out(api, catalogue):
    response = post(
        api, {"program": "BIO21-DRUG-INNOVATIVE", "track": "phase_3", "facts": {**DRUG, "rd_spending": "1000000000"}}
    )
    assert response.status_code == 200
    assert response.json()["amount"] == "30000000"


def test_breakdown_names_every_step_that_changed_the_amount(api, catalogue):
    response = post(
        api,
        {
            "program": "BIO21-DRUG-INNOVATIVE",
            "track": "phase_3",
            "facts": {**DRUG, "rd_spending": "100000000"},
            "context": {
                "awarded_this_year": "95000000",
                "awarded_in_overlap_group": "10000000",
                "call_budget_left": "3000000.50",
            },
        },
    )
    body = response.json()
    assert [line["step"] for line in body["breakdown"]] == [
        "rate_x_base",
        "clause_cap",
        "overlap",
        "yearly_cap",
        "call_budget",
    ]
    assert [line["amount"] for line in body["breakdown"]] == [
        "40000000.00",
        "30000000",
        "20000000",
        "5000000",
        "3000000",
    ]
    assert body["amount"] == "3000000"


def test_ineligible_facts_answer_false_with_actionable_reasons(api, catalogue):
    response = post(
        api,
        {"program": "BIO21-CDMO", "facts": {"contract_amount": "8000000", "investment_relationship": True, **IN_A}},
    )
    assert response.status_code == 200
    body = response.json()
    assert (body["eligible"], body["amount"], body["breakdown"]) == (False, "0", [])
    assert body["reasons"][0]["code"] == "condition_failed"
    assert "no investment relationship" in body["reasons"][0]["text"]


def test_reasons_and_labels_follow_the_language(api, catalogue):
    body = {"program": "BIO21-CDMO", "facts": {"contract_amount": "8000000", "investment_relationship": True, **IN_A}}
    chinese = post(api, body, language="zh-hans").json()
    assert "投资关联" in chinese["reasons"][0]["text"]
    ok = post(
        api,
        {"program": "BIO21-CDMO", "facts": {"contract_amount": "8000000", "investment_relationship": False, **IN_A}},
        language="zh-hans",
    ).json()
    assert "合同金额" in ok["breakdown"][0]["text"]


def test_rate_set_per_call_without_an_open_call_is_explained(api, catalogue):
    body = post(api, {"program": "INTL24-LICENSE-OUT", "facts": {"contract_amount": "1000000"}}).json()
    assert body["eligible"] is False
    assert body["reasons"][0]["code"] == "rate_not_set"


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"track": "phase_1", "facts": DRUG}, "program"),
        ({"program": "NO-SUCH-PROGRAM", "track": "phase_1", "facts": DRUG}, "program"),
        ({"program": "BIO21-DRUG-INNOVATIVE", "track": "phase_9", "facts": DRUG}, "track"),
        ({"program": "BIO21-DRUG-INNOVATIVE", "facts": DRUG}, "track"),
        (
            {
                "program": "BIO21-CDMO",
                "track": "phase_1",
                "facts": {"contract_amount": "1", "investment_relationship": False, **IN_A},
            },
            "track",
        ),
        ({"program": "BIO21-DRUG-INNOVATIVE", "track": "phase_1"}, "facts"),
        ({"program": "BIO21-DRUG-INNOVATIVE", "track": "phase_1", "facts": ["rd_spending"]}, "facts"),
        ({"program": "BIO21-DRUG-INNOVATIVE", "track": "phase_1", "facts": "x"}, "facts"),
        ({"program": 17, "track": "phase_1", "facts": DRUG}, "program"),
        (
            {
                "program": "BIO21-DRUG-INNOVATIVE",
                "track": "phase_1",
                "facts": DRUG,
                "context": {"awarded_this_year": "-1"},
            },
            "context",
        ),
        (
            {
                "program": "BIO21-DRUG-INNOVATIVE",
                "track": "phase_1",
                "facts": DRUG,
                "context": {"call_budget_left": "lots"},
            },
            "context",
        ),
        ({"program": "BIO21-DRUG-INNOVATIVE", "track": "phase_1", "facts": DRUG, "context": "none"}, "context"),
    ],
    ids=[
        "missing-program",
        "unknown-program",
        "unknown-track",
        "missing-track",
        "track-on-single-track-program",
        "missing-facts",
        "facts-not-object",
        "facts-string",
        "program-not-string",
        "negative-context",
        "non-numeric-context",
        "context-not-object",
    ],
)
def test_malformed_request_is_400_with_the_field_named(api, catalogue, body, field):
    response = post(api, body)
    assert response.status_code == 400, response.content
    assert field in response.json()


@pytest.mark.parametrize(
    ("facts", "fact"),
    [
        ({"drug_category": "chemical", "class_1": True, "made_in_shanghai": True, **IN_A}, "rd_spending"),
        ({**DRUG, "rd_spending": "-5"}, "rd_spending"),
        ({**DRUG, "rd_spending": "ten million"}, "rd_spending"),
        ({**DRUG, "rd_spending": True}, "rd_spending"),
        ({**DRUG, "rd_spending": ["1"]}, "rd_spending"),
        ({**DRUG, "rd_spending": "1.001"}, "rd_spending"),
        ({**DRUG, "rd_spending": "1e30"}, "rd_spending"),
        ({**DRUG, "rd_spending": "NaN"}, "rd_spending"),
        ({**DRUG, "rd_spending": "Infinity"}, "rd_spending"),
        ({**DRUG, "drug_category": "homeopathic"}, "drug_category"),
        ({**DRUG, "made_in_shanghai": "yes"}, "made_in_shanghai"),
        ({"rd_spending": "1", "drug_category": "chemical", "class_1": True, **IN_A}, "made_in_shanghai"),
        ({**DRUG, "rd_spend": "1"}, "rd_spend"),
    ],
    ids=[
        "missing-money",
        "negative-money",
        "non-numeric-money",
        "bool-as-money",
        "list-as-money",
        "sub-fen",
        "too-large",
        "nan",
        "infinity",
        "unknown-choice",
        "string-as-bool",
        "missing-bool",
        "unknown-fact",
    ],
)
def test_malformed_fact_is_400_naming_the_fact(api, catalogue, facts, fact):
    response = post(api, {"program": "BIO21-DRUG-INNOVATIVE", "track": "phase_1", "facts": facts})
    assert response.status_code == 400, response.content
    errors = response.json()["facts"]
    assert fact in errors and errors[fact][0]


def test_unknown_agency_is_400(api, catalogue):
    # BRICS regulators count for policy B's launch measure, not for clause III.5 of policy A.
    facts = {
        "rd_spending": "1000000",
        "developed_in_shanghai": True,
        "agencies": ["FDA", "BRICS"],
        "overseas_sales": True,
        **IN_A,
    }
    response = post(api, {"program": "BIO21-OVERSEAS", "facts": facts})
    assert response.status_code == 400
    assert "agencies" in response.json()["facts"]
    assert post(api, {"program": "BIO21-OVERSEAS", "facts": {**facts, "agencies": "FDA"}}).status_code == 400


def test_filing_identifiers_are_accepted_and_ignored(api, catalogue):
    facts = {**DRUG, "product_key": "CXHL2100001", "milestone_date": "2024-01-05"}
    assert post(api, {"program": "BIO21-DRUG-INNOVATIVE", "track": "phase_1", "facts": facts}).status_code == 200


@pytest.mark.parametrize("raw", [b"{not json", b"", b"[]", b"null", b'"text"'])
def test_body_that_is_not_a_json_object_is_400(api, catalogue, raw):
    response = api.post(URL, raw, content_type="application/json")
    assert response.status_code == 400


def test_estimates_are_throttled(api, catalogue, monkeypatch):
    monkeypatch.setattr(ScopedRateThrottle, "THROTTLE_RATES", {"estimate": "3/minute"})
    body = {"program": "BIO21-DRUG-INNOVATIVE", "track": "phase_1", "facts": DRUG}
    assert [post(api, body).status_code for _ in range(4)] == [200, 200, 200, 429]


def test_estimate_needs_no_login_and_no_csrf_token(catalogue):
    client = APIClient(enforce_csrf_checks=True)
    body = {"program": "BIO21-DRUG-INNOVATIVE", "track": "phase_1", "facts": DRUG}
    assert client.post(URL, body, format="json").status_code == 200


@pytest.mark.parametrize(("typed", "outcome"), TYPED.items())
def test_amounts_in_facts_and_context_follow_the_one_money_rule(api, catalogue, typed, outcome):
    measure = {"program": "BIO21-DRUG-INNOVATIVE", "track": "phase_2"}
    as_fact = post(api, {**measure, "facts": {**DRUG, "rd_spending": typed}})
    in_context = post(api, {**measure, "facts": DRUG, "context": {"awarded_this_year": typed}})
    if isinstance(outcome, Decimal):
        assert as_fact.status_code == 200, as_fact.json()
        assert as_fact.json()["amount"] == str(int(outcome * Decimal("0.4")))  # 40% of 123, whole yuan
        assert in_context.status_code == 200, in_context.json()
    else:
        assert as_fact.status_code == 400 and "rd_spending" in as_fact.json()["facts"]
        assert in_context.status_code == 400 and "awarded_this_year" in in_context.json()["context"]
