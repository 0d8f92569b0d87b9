"""Where a grant depends on a status (VI.2: first-set money on a first set recognised in the Shanghai Innovative
Products Recommend Catalogue), the engine reads the register, matched by organisation and product key, not a fact
the applicant declares; and a recognition itself is never estimated."""

from datetime import timedelta
from decimal import Decimal

import pytest
from django.utils import timezone, translation
from rest_framework.test import APIClient

from applications import filing
from applications.models import Application, Program, State
from applications.services import call_create
from awards.engine import Condition, Context, ReasonCode, Rule, compute
from awards.estimates import estimate_from_payload
from awards.register import entry_remove
from awards.services import award_compute
from portal.errors import ErrorCode, PortalError
from reviews.models import Decision, DecisionOutcome
from tests import journeys, registers
from tests.filings import make_draft

pytestmark = pytest.mark.django_db

LISTING = "BIO21-INNOVATIVE-PRODUCT-CATALOGUE/first_set"
REGISTERED = Condition(
    fact="product_key",
    test="registered",
    reason_en="Not recognised.",
    reason_zh="未认定。",
    register="BIO21-INNOVATIVE-PRODUCT-CATALOGUE",
    register_track="first_set",
)
RULE = Rule(program="P", track="device", clause="VI.2", base_fact="base", rate=Decimal("0.2"), conditions=(REGISTERED,))


def test_the_condition_holds_only_for_a_product_the_register_lists_under_that_track():
    facts = {"base": Decimal(1_000_000), "product_key": "X"}
    assert compute(RULE, facts, Context(recognised=frozenset({LISTING}))).amount == 200_000
    for recognised in [frozenset(), frozenset({"BIO21-INNOVATIVE-PRODUCT-CATALOGUE/first_batch"})]:
        result = compute(RULE, facts, Context(recognised=recognised))
        assert not result.eligible and [r.params["reason_en"] for r in result.reasons] == ["Not recognised."]


def test_where_nobody_is_known_the_register_is_not_checked_and_the_answer_says_so():
    result = compute(RULE, {"base": Decimal(1_000_000), "product_key": "X"}, Context(recognised=None))
    assert result.eligible and result.amount == 200_000
    assert [r.code for r in result.reasons] == [ReasonCode.REGISTER_NOT_CHECKED]


def test_the_catalogue_states_the_condition_on_both_first_set_tracks(catalogue):
    program = Program.objects.get(code=registers.FIRST_SET)
    conditions = {t.code: t.conditions for t in program.tracks.all()}
    assert [(c["test"], c["register"], c["register_track"]) for c in conditions["device"]] == [
        ("registered", registers.CATALOGUE, "first_set")
    ]
    assert [(c["test"], c["register_track"]) for c in conditions["material"]] == [("registered", "first_batch")]


# --- filing and awarding first-set money (policy A: inside its period) ----------------------------------------

FIRST_SET_FACTS = {
    "sales_contract_amount": "50000000",
    "product_key": "沪械注准20232010002",
    "milestone_date": "2023-09-01",
}


@pytest.fixture
def in_policy_a():
    with registers.in_policy_a():
        yield


@pytest.fixture
def first_set_call(catalogue, in_policy_a):
    now = timezone.now()
    return call_create(
        program=Program.objects.get(code=registers.FIRST_SET),
        year=now.year,
        title_en="First sets",
        title_zh="首台套",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=25),
        budget=500_000_000,
    )


def recognised_first_set(organisation_user, key="沪械注准20232010002"):
    call = registers.recognition_call(registers.CATALOGUE)
    return registers.listed(
        call, organisation_user, title="Proton therapy system", facts={"product_key": key}, track="first_set"
    )


def first_set_filing(call, by) -> Application:
    return make_draft(call, by, track="device", facts=FIRST_SET_FACTS, title="Proton therapy system")


def test_first_set_money_is_refused_for_a_product_the_register_does_not_list(first_set_call, alice):
    application = first_set_filing(first_set_call, alice)
    with pytest.raises(PortalError) as refusal:
        filing.application_submit(application=application, by=alice)
    assert refusal.value.code == ErrorCode.INELIGIBLE
    (reason,) = refusal.value.errors[None]
    assert reason.startswith("The clause funds a first set recognised in the Shanghai Innovative Products")
    with translation.override("zh-hans"), pytest.raises(PortalError) as refusal:
        filing.application_submit(application=application, by=alice)
    assert refusal.value.errors[None][0].startswith("本条款支持经认定并列入《上海市创新产品推荐目录》的首台（套）产品")


def test_first_set_money_is_estimated_and_filed_for_the_recognised_first_set(first_set_call, alice):
    recognised_first_set(alice)
    application = first_set_filing(first_set_call, alice)
    assert application.estimated_amount == 10_000_000  # 20% of 50 million
    assert filing.application_submit(application=application, by=alice).state == State.SUBMITTED


def test_another_organisations_recognition_of_the_same_key_does_not_count(first_set_call, alice, charlie):
    recognised_first_set(charlie)
    with pytest.raises(PortalError) as refusal:
        filing.application_submit(application=first_set_filing(first_set_call, alice), by=alice)
    assert refusal.value.code == ErrorCode.INELIGIBLE


def test_a_first_batch_recognition_does_not_carry_first_set_money(first_set_call, alice):
    call = registers.recognition_call(registers.CATALOGUE)
    registers.listed(call, alice, title="Bioresorbable polymer", facts=registers.CATALOGUE_FACTS, track="first_batch")
    application = make_draft(
        first_set_call, alice, track="device", facts={**FIRST_SET_FACTS, **registers.CATALOGUE_FACTS}, title="Polymer"
    )
    with pytest.raises(PortalError):
        filing.application_submit(application=application, by=alice)


def test_an_entry_removed_before_the_award_leaves_the_award_at_nothing_with_the_reason(first_set_call, alice):
    entry = recognised_first_set(alice)
    application = filing.application_submit(application=first_set_filing(first_set_call, alice), by=alice)
    Application.objects.filter(pk=application.pk).update(state=State.APPROVED)
    Decision.objects.create(
        application=application,
        version=application.current_version,
        outcome=DecisionOutcome.APPROVED,
        decided_by=journeys.lead(application),
    )
    entry_remove(entry=entry, by=journeys.staff("SHEITC"), reason="The first sale was cancelled.")
    award = award_compute(application_id=application.pk)
    assert award.amount == 0
    (reason,) = award.breakdown["en"]["reasons"]
    assert reason["code"] == ReasonCode.CONDITION_FAILED and "Recommend Catalogue" in reason["text"]
    assert award.breakdown["zh-hans"]["reasons"][0]["text"].startswith("本条款支持经认定")


def test_the_public_estimate_of_first_set_money_says_the_register_is_checked_on_filing(catalogue):
    answer = estimate_from_payload(
        {
            "program": registers.FIRST_SET,
            "track": "device",
            "facts": {"sales_contract_amount": "50000000", "milestone_date": "2023-09-01"},
        }
    )
    assert (answer["eligible"], answer["amount"]) == (True, "10000000")
    (reason,) = answer["reasons"]
    assert reason["code"] == ReasonCode.REGISTER_NOT_CHECKED
    assert "Shanghai Innovative Products Recommend Catalogue" in reason["text"] and "when you file" in reason["text"]


# --- a recognition is never estimated ---------------------------------------------------------------------------


def test_the_estimate_api_refuses_a_recognition_with_a_400(catalogue):
    response = APIClient().post(
        "/api/v1/award-estimates/",
        {"program": registers.AID, "facts": registers.AID_FACTS},
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == ErrorCode.NOT_A_GRANT
    assert body["program"] == [
        "INTL24-FOREIGN-AID-CATALOGUE grants a status (a listing or a recognition), not money: "
        "there is no award to estimate."
    ]


def test_the_estimate_page_offers_no_recognition(client, catalogue):
    page = client.get("/estimate/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert registers.FIRST_SET in page
    for code in Program.objects.filter(outcome="recognition").values_list("code", flat=True):
        assert code not in page
