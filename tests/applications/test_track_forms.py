"""Issue 14, correction 7: a track declares the facts and documents it needs, and the filing form, the API and the
estimate ask exactly those. An unused fact is neither required nor shown; the device first-registration track
asks for the registration certificate and the production permit."""

import re

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from applications import filing, workflow
from applications.facts import estimate_schema
from applications.models import Application, Track
from portal.errors import ErrorCode, PortalError
from tests import journeys
from tests.calls import device_call
from tests.filings import DRUG_FACTS, make_draft, pdf
from tests.logins import login

# Read from each clause: the facts its formula (base fact) and conditions use, and the evidence it names.
TRACK_FORMS = {
    ("BIO21-DRUG-INNOVATIVE", "phase_1"): ("rd_spending drug_category class_1 made_in_shanghai", "trial permit rd"),
    ("BIO21-DRUG-INNOVATIVE", "phase_2"): ("rd_spending drug_category class_1 made_in_shanghai", "trial permit rd"),
    ("BIO21-DRUG-INNOVATIVE", "phase_3"): ("rd_spending drug_category class_1 made_in_shanghai", "trial permit rd"),
    ("BIO21-DRUG-IMPROVED", "phase_2"): ("rd_spending made_in_shanghai", "trial permit rd"),
    ("BIO21-DRUG-IMPROVED", "phase_3"): ("rd_spending made_in_shanghai", "trial permit rd"),
    ("BIO21-DEVICE-INNOVATIVE", "special_review"): ("rd_spending", "special rd"),
    ("BIO21-DEVICE-INNOVATIVE", "first_registration"): (
        "rd_spending made_in_shanghai",
        "special certificate permit rd",
    ),
    ("BIO21-OVERSEAS", ""): ("rd_spending developed_in_shanghai agencies overseas_sales", "overseas rd"),
    ("BIO21-INDUSTRIAL-CHAIN", "standard"): ("new_investment", "approval investment"),
    ("BIO21-INDUSTRIAL-CHAIN", "major_project"): (
        "new_investment listed_in_directory",
        "approval investment directory",
    ),
    ("BIO21-DIGITAL", "digital"): ("total_investment", "approval investment"),
    ("BIO21-DIGITAL", "intelligent_green"): ("total_investment", "approval investment"),
    ("BIO21-CDMO", ""): ("contract_amount investment_relationship", "contract"),
    ("BIO21-FIRST-SET", "device"): ("sales_contract_amount", "contract"),
    ("BIO21-FIRST-SET", "material"): ("sales_contract_amount", "contract"),
    ("INTL24-OVERSEAS-TRIALS", ""): ("rd_spending", "trial rd"),
    ("INTL24-TRIAL-INSURANCE", ""): ("contract_amount", "contract"),
    ("INTL24-OVERSEAS-LAUNCH", ""): ("rd_spending agencies", "overseas rd"),
    ("INTL24-EXHIBITIONS", ""): ("contract_amount", "contract"),
    ("INTL24-LICENSE-OUT", ""): ("contract_amount", "contract"),
    ("INTL24-WHO-PQ", ""): ("rd_spending who_prequalified", "who rd"),
    ("BIO24-DRUG-INNOVATIVE", "phase_1"): ("rd_spending drug_category class_1", "trial rd"),
    ("BIO24-DRUG-INNOVATIVE", "phase_2"): ("rd_spending drug_category class_1", "trial rd"),
    ("BIO24-DRUG-INNOVATIVE", "phase_3"): ("rd_spending drug_category class_1", "trial rd"),
    ("BIO24-DRUG-INNOVATIVE", "cgt_early"): ("rd_spending cell_gene_therapy class_1", "trial rd"),
    ("BIO24-DRUG-INNOVATIVE", "cgt_confirmatory"): ("rd_spending cell_gene_therapy class_1", "trial rd"),
    ("BIO24-DEVICE-INNOVATIVE", "special_review"): ("rd_spending", "special rd"),
    ("BIO24-DEVICE-INNOVATIVE", "first_registration"): ("rd_spending", "special certificate permit rd"),
    ("BIO24-OVERSEAS-TRIALS", ""): ("rd_spending", "trial rd"),
    ("BIO24-CRO-UPGRADE", ""): ("new_investment", "approval investment"),
    ("BIO24-HOSPITAL-DEMO", ""): ("total_investment", "approval investment"),
}
DOCUMENTS = {
    "trial": "clinical_trial_approval",
    "permit": "production_permit",
    "rd": "rd_expense_audit",
    "special": "special_review_notice",
    "certificate": "registration_certificate",
    "overseas": "overseas_registration",
    "approval": "project_approval",
    "investment": "investment_audit",
    "directory": "directory_listing",
    "contract": "contract",
    "who": "who_prequalification",
}
# What every filing asks besides (the product, the milestone date; the declared export figures of the Action
# Plan's goals where the program counts towards them), and the signed pledge.
FILING_FACTS = {"product_key", "milestone_date"}
GOAL_FIGURES = {"export_value", "overseas_sales_value"}
COUNTS_TOWARDS_GOALS = {"BIO21-OVERSEAS"} | {code for code, _track in TRACK_FORMS if code.startswith("INTL24")}


@pytest.mark.parametrize(("program", "track"), sorted(TRACK_FORMS))
def test_every_track_asks_what_its_clause_uses_and_nothing_else(catalogue, program, track):
    row = Track.objects.get(program__code=program, code=track)
    facts, documents = TRACK_FORMS[(program, track)]
    filing_facts = FILING_FACTS | (GOAL_FIGURES if program in COUNTS_TOWARDS_GOALS else set())
    assert {d["name"] for d in estimate_schema(row.fact_schema)} == set(facts.split())
    assert {d["name"] for d in row.fact_schema} == set(facts.split()) | filing_facts
    assert [d["code"] for d in row.document_types] == [DOCUMENTS[d] for d in documents.split()] + ["pledge"]
    # A `registered` condition reads the register, not a fact (awards/register.recognised_for).
    used = {row.base_fact} | {c["fact"] for c in row.conditions if "fact" in c}
    assert used == set(facts.split())  # every fact the estimate asks, a formula or a condition reads


def edit_page(client, application) -> str:
    return client.get(reverse("application-edit", args=[application.pk])).content.decode()


def test_the_filing_form_asks_only_the_chosen_tracks_facts(client, filing_call, alice):
    login(client, alice)
    phase_1 = edit_page(client, make_draft(filing_call, alice, track="phase_1", documents=False))
    assert 'name="facts-drug_category"' in phase_1 and 'name="facts-class_1"' in phase_1
    assert 'name="facts-cell_gene_therapy"' not in phase_1 and 'name="facts-made_in_shanghai"' not in phase_1
    cgt = edit_page(client, make_draft(filing_call, alice, track="cgt_early", facts={}, documents=False))
    assert 'name="facts-cell_gene_therapy"' in cgt and 'name="facts-drug_category"' not in cgt


def test_changing_the_track_on_the_page_switches_the_questions_and_keeps_what_was_typed(client, filing_call, alice):
    application = make_draft(filing_call, alice, track="phase_1", documents=False)
    login(client, alice)
    url = reverse("application-edit", args=[application.pk])
    typed = {f"facts-{name}": value for name, value in DRUG_FACTS.items()}
    # Without JavaScript: choose the track and press "show this track's questions".
    response = client.post(url, {"title": application.title, "track": "cgt_early", "action": "track", **typed})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.track.code == "cgt_early"
    page = edit_page(client, application)
    assert 'name="facts-cell_gene_therapy"' in page and 'name="facts-drug_category"' not in page
    assert 'value="10000000"' in page  # R&D spending, asked by both tracks, as typed
    assert application.draft_facts["drug_category"] == "chemical"  # kept for phase tracks, not asked here
    client.post(url, {"title": application.title, "track": "phase_1", "action": "track"})
    back = edit_page(client, application)
    assert re.search(r'name="facts-drug_category" value="chemical"[^>]*checked', back)


def test_the_documents_switch_with_the_track_and_first_registration_asks_certificate_and_permit(
    client, catalogue, alice
):
    call = device_call()
    application = make_draft(call, alice, track="special_review", facts={}, documents=False)
    login(client, alice)
    client.cookies["django_language"] = "en"
    special = edit_page(client, application)
    assert "Notice of entry into the innovative device special examination procedure" in special
    assert "Registration certificate" not in special and "Production permit" not in special
    url = reverse("application-edit", args=[application.pk])
    client.post(url, {"title": application.title, "track": "first_registration", "action": "track"})
    first = edit_page(client, application)
    assert "Registration certificate" in first and "Production permit" in first
    assert '<option value="registration_certificate">' in first  # the upload form offers them too


def test_submitting_first_registration_without_certificate_and_permit_is_refused(catalogue, alice):
    application = make_draft(
        device_call(),
        alice,
        track="first_registration",
        facts={**DRUG_FACTS, "rd_spending": "3000000"},
        documents=False,
    )
    for document in ["special_review_notice", "rd_expense_audit", "pledge"]:
        filing.attachment_add(application=application, document_type=document, upload=pdf(), by=alice)
    with pytest.raises(PortalError) as refused:
        filing.application_submit(application=application, by=alice)
    assert refused.value.code == ErrorCode.MISSING_DOCUMENTS
    assert "Registration certificate" in str(refused.value) and "Production permit" in str(refused.value)


def test_a_submission_holds_only_its_tracks_facts_and_documents(catalogue, alice):
    application = make_draft(device_call(), alice, track="first_registration", facts=DRUG_FACTS)
    assert application.attachments.count() == 5  # every document first registration asks
    filing.application_save_draft(
        application=application,
        title=application.title,
        draft_facts=application.draft_facts,
        track=application.call.program.tracks.get(code="special_review"),
        by=alice,
    )
    submitted = filing.application_submit(application=Application.objects.get(pk=application.pk), by=alice)
    version = submitted.current_version
    assert set(version.facts) == {"rd_spending", "product_key", "milestone_date"}  # no drug facts
    assert sorted(a.document_type for a in version.attachments.all()) == [
        "pledge",
        "rd_expense_audit",
        "special_review_notice",
    ]


def test_a_fact_another_track_uses_is_not_required(filing_call, alice):
    facts = {"rd_spending": "20000000", "cell_gene_therapy": "true", "class_1": "true", "milestone_date": "2025-03-01"}
    application = make_draft(filing_call, alice, track="cgt_early", facts={**facts, "product_key": "CAR-T-1"})
    submitted = filing.application_submit(application=application, by=alice)
    assert "drug_category" not in submitted.current_version.facts
    assert submitted.current_version.estimate == {"amount": "8000000", "eligible": True}


def test_the_track_changes_only_before_the_first_submission(filing_call, alice):
    submitted = filing.application_submit(application=make_draft(filing_call, alice), by=alice)
    assert submitted.current_version is not None
    officer = journeys.lead(submitted)
    workflow.transition(application=submitted, action="start_formal_check", by=officer)
    returned = workflow.transition(application=submitted, action="return_for_correction", by=officer, reason="Sign.")
    with pytest.raises(PortalError) as refused:
        filing.application_save_draft(
            application=returned,
            title=returned.title,
            draft_facts=returned.draft_facts,
            track=returned.call.program.tracks.get(code="phase_3"),
            by=alice,
        )
    assert refused.value.code == ErrorCode.ILLEGAL_TRANSITION
    assert Application.objects.get(pk=returned.pk).track.code == "phase_2"


# --- the API --------------------------------------------------------------------------------------------------


def test_the_calls_api_lists_each_tracks_facts_and_documents(filing_call):
    body = APIClient().get(f"/api/v1/calls/{filing_call.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    tracks = {t["code"]: t for t in body["tracks"]}
    assert {f["name"] for f in tracks["phase_1"]["facts"]} == {"rd_spending", "drug_category", "class_1"} | FILING_FACTS
    assert {f["name"] for f in tracks["cgt_early"]["facts"]} >= {"cell_gene_therapy"}
    assert "drug_category" not in {f["name"] for f in tracks["cgt_early"]["facts"]}
    category = next(f for f in tracks["phase_1"]["facts"] if f["name"] == "drug_category")
    assert category == {
        "name": "drug_category",
        "kind": "choice",
        "required": True,
        "label": "Drug category",
        "choices": ["chemical", "biological", "tcm"],
    }
    assert [d["code"] for d in tracks["phase_1"]["documents"]] == [
        "clinical_trial_approval",
        "rd_expense_audit",
        "pledge",
    ]


def test_the_api_changes_a_drafts_track_and_says_what_it_asks(filing_call, alice):
    api = APIClient()
    api.force_authenticate(alice)
    draft = make_draft(filing_call, alice, track="phase_1", documents=False)
    url = f"/api/v1/applications/{draft.pk}/"
    assert "drug_category" in api.get(url).json()["facts_asked"]
    answer = api.patch(url, {"track": "cgt_confirmatory", "facts": {"cell_gene_therapy": True}}, format="json")
    assert answer.status_code == 200, answer.json()
    assert answer.json()["track"] == "cgt_confirmatory"
    assert "cell_gene_therapy" in answer.json()["facts_asked"] and "drug_category" not in answer.json()["facts_asked"]
    unknown = api.patch(url, {"track": "phase_9"}, format="json")
    assert unknown.status_code == 400 and unknown.json()["track"]


# --- the estimate ------------------------------------------------------------------------------------------------


def test_the_estimate_refuses_a_fact_the_track_does_not_use_and_asks_for_none(client, catalogue):
    facts = {"rd_spending": "1000000", "made_in_shanghai": True, "milestone_date": "2023-03-01"}
    api = APIClient()
    body = {"program": "BIO21-DEVICE-INNOVATIVE", "track": "special_review", "facts": facts}
    refused = api.post("/api/v1/award-estimates/", body, format="json")
    assert refused.status_code == 400 and "made_in_shanghai" in refused.json()["facts"]
    body["facts"] = {k: v for k, v in facts.items() if k != "made_in_shanghai"}
    assert api.post("/api/v1/award-estimates/", body, format="json").json()["amount"] == "1000000"
    page = client.get("/estimate/?measure=BIO21-DEVICE-INNOVATIVE:special_review").content.decode()
    assert 'name="facts-rd_spending"' in page and 'name="facts-made_in_shanghai"' not in page
    page = client.get("/estimate/?measure=BIO21-DEVICE-INNOVATIVE:first_registration").content.decode()
    assert 'name="facts-made_in_shanghai"' in page
