"""Issue 14, correction 9: conditions the clauses state are facts the engine checks, with a reason in both languages
(and, where the clause names a listing or a prequalification, a document the reviewer checks: see
tests/applications/test_track_forms.py)."""

from decimal import Decimal

import pytest
from django.utils import translation
from rest_framework.test import APIClient

from applications.models import Call, Track
from awards.engine import ReasonCode, compute
from awards.explain import reason_text
from awards.rules import rule_for

# (program, track, the fact, what the reason says in English and in Chinese)
CONDITIONS = [
    ("BIO21-DRUG-INNOVATIVE", "phase_1", "class_1", "Class 1 drugs", "1类新药"),  # A III.1 "The 1st categories"
    ("BIO24-DRUG-INNOVATIVE", "phase_2", "class_1", "Class 1 drugs", "1类新药"),  # C "Class 1 drugs by phase"
    ("BIO24-DRUG-INNOVATIVE", "cgt_early", "class_1", "Class 1 drugs", "1类新药"),
    ("BIO24-DRUG-INNOVATIVE", "cgt_early", "cell_gene_therapy", "cell and gene therapies", "细胞和基因治疗"),
    ("BIO21-OVERSEAS", "", "developed_in_shanghai", "developed in Shanghai", "在本市研发"),  # A III.5
    ("BIO21-INDUSTRIAL-CHAIN", "major_project", "listed_in_directory", "directory of strategic emerging", "专项目录"),
    ("INTL24-WHO-PQ", "", "who_prequalified", "passed WHO prequalification", "通过WHO预认证"),  # B II.4(10)
]
ANSWERS = {"money": Decimal(1_000_000), "bool": True, "choice": "biological", "multichoice": ["FDA"]}


def eligible_facts(track: Track) -> dict:
    """An answer to every fact the track's estimate asks that meets its conditions."""
    return {d["name"]: ANSWERS[d["kind"]] for d in track.fact_schema if d.get("estimate", True)}


@pytest.mark.parametrize(("program", "track", "fact", "english", "chinese"), CONDITIONS)
def test_a_condition_the_clause_states_is_checked_with_its_reason_in_both_languages(
    catalogue, program, track, fact, english, chinese
):
    row = Track.objects.select_related("program").get(program__code=program, code=track)
    rule = rule_for(row, Call(track_terms={"*": {"rate": "0.5"}}))  # B's rate is the call's
    facts = eligible_facts(row)
    assert compute(rule, facts).eligible
    result = compute(rule, {**facts, fact: False})
    assert (result.eligible, result.amount) == (False, 0)
    assert [(r.code, r.params["fact"]) for r in result.reasons] == [(ReasonCode.CONDITION_FAILED, fact)]
    with translation.override("en"):
        assert english in reason_text(result.reasons[0])
    with translation.override("zh-hans"):
        assert chinese in reason_text(result.reasons[0])


def test_the_standard_project_of_v1_asks_no_directory_listing(catalogue):
    standard = Track.objects.get(program__code="BIO21-INDUSTRIAL-CHAIN", code="standard")
    assert "listed_in_directory" not in {d["name"] for d in standard.fact_schema}
    assert compute(rule_for(standard), eligible_facts(standard)).amount == Decimal(300_000)


def test_the_estimate_says_why_a_project_outside_the_directory_is_not_a_major_project(catalogue):
    body = {
        "program": "BIO21-INDUSTRIAL-CHAIN",
        "track": "major_project",
        "facts": {"new_investment": "200000000", "listed_in_directory": False, "milestone_date": "2023-03-01"},
    }
    for language, said in [("en", "file under the standard track"), ("zh-hans", "请按一般项目申报")]:
        answer = APIClient().post("/api/v1/award-estimates/", body, format="json", HTTP_ACCEPT_LANGUAGE=language)
        assert answer.status_code == 200
        assert (answer.json()["eligible"], answer.json()["amount"]) == (False, "0")
        assert said in answer.json()["reasons"][0]["text"]
    body["facts"]["listed_in_directory"] = True
    answer = APIClient().post("/api/v1/award-estimates/", body, format="json").json()
    assert answer["amount"] == "60000000"
