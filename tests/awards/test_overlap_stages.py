"""Issue 14, correction 8: one product at one stage is funded once across policies. A cell and gene therapy is a
Class 1 biological product, which policy A's III.1 funds by phase; policy C funds it by an early stage (phase 1
and 2) and a confirmatory one (phase 3). The catalogue gives each track the stages it funds, and awards in the
overlap group for the same product overlap when their stages meet."""

from datetime import datetime, timedelta
from decimal import Decimal

import pytest
import time_machine
from django.utils import timezone

from applications.models import Program, Track
from applications.services import call_create
from awards.engine import held_in_overlap, stages_meet
from awards.services import award_compute
from tests.calls import bio24_call
from tests.journeys import approved_filing

M = Decimal(1_000_000)
# What each drug track funds of a product (a phase track its own phase; the CGT stages as policy C defines them).
STAGES = {
    ("BIO21-DRUG-INNOVATIVE", "phase_1"): ["phase_1"],
    ("BIO21-DRUG-INNOVATIVE", "phase_2"): ["phase_2"],
    ("BIO21-DRUG-INNOVATIVE", "phase_3"): ["phase_3"],
    ("BIO24-DRUG-INNOVATIVE", "phase_1"): ["phase_1"],
    ("BIO24-DRUG-INNOVATIVE", "phase_2"): ["phase_2"],
    ("BIO24-DRUG-INNOVATIVE", "phase_3"): ["phase_3"],
    ("BIO24-DRUG-INNOVATIVE", "cgt_early"): ["phase_1", "phase_2"],
    ("BIO24-DRUG-INNOVATIVE", "cgt_confirmatory"): ["phase_3"],
    # The two device tracks add up ("re-granted"): each is its own stage.
    ("BIO21-DEVICE-INNOVATIVE", "special_review"): ["special_review"],
    ("BIO24-DEVICE-INNOVATIVE", "first_registration"): ["first_registration"],
    # Once per product, however many agencies; V.1 and V.2 once per project.
    ("BIO21-OVERSEAS", ""): [],
    ("BIO21-INDUSTRIAL-CHAIN", "major_project"): [],
    ("BIO21-DIGITAL", "digital"): [],
}


@pytest.mark.parametrize(("program", "track"), sorted(STAGES))
def test_each_track_funds_the_stages_the_texts_give_it(catalogue, program, track):
    assert Track.objects.get(program__code=program, code=track).overlap_stages == STAGES[(program, track)]


def test_the_drug_programs_of_both_policies_share_one_overlap_group(catalogue):
    groups = dict(Program.objects.values_list("code", "overlap_group"))
    assert groups["BIO21-DRUG-INNOVATIVE"] == groups["BIO24-DRUG-INNOVATIVE"]


@pytest.mark.parametrize(
    ("these", "those", "meet"),
    [
        (["phase_1", "phase_2"], ["phase_1"], True),
        (["phase_1", "phase_2"], ["phase_2"], True),
        (["phase_1", "phase_2"], ["phase_3"], False),
        (["phase_3"], ["phase_3"], True),
        (["phase_1"], ["phase_2"], False),  # a product's phase 1 and phase 2 are paid separately
        ([], ["phase_2"], True),  # the product as a whole meets every stage of it
        ([], [], True),
    ],
)
def test_stages_meet_when_they_share_one(these, those, meet):
    assert stages_meet(these, those) is meet
    assert stages_meet(those, these) is meet


def test_what_is_held_in_the_overlap_counts_only_the_stages_that_meet():
    holdings = [(("phase_1",), 5 * M), (("phase_2",), 10 * M), (("phase_3",), 30 * M)]
    assert held_in_overlap(["phase_1", "phase_2"], holdings) == 15 * M
    assert held_in_overlap(["phase_3"], holdings) == 30 * M
    assert held_in_overlap([], holdings) == 45 * M


A_PHASE_1 = {
    "rd_spending": "50000000",  # 40% = 20M, capped at 5M by A III.1 phase 1
    "drug_category": "biological",
    "class_1": "true",
    "made_in_shanghai": "true",
    "product_key": "CAR-T-007",
    "milestone_date": "2023-03-01",
}
C_CGT = {
    "rd_spending": "50000000",  # 40% = 20M, capped at 15M (early) or 30M (confirmatory) by policy C
    "cell_gene_therapy": "true",
    "class_1": "true",
    "product_key": "car-t-007",  # the same product, however it is typed
    "milestone_date": "2025-03-01",
}


def a_phase_1_award(alice):
    """The product's phase 1 trial, paid under policy A while it was in force (2023)."""
    in_2023 = timezone.make_aware(datetime(2023, 3, 10, 10))
    with time_machine.travel(in_2023, tick=False):
        call = call_create(
            program=Program.objects.get(code="BIO21-DRUG-INNOVATIVE"),
            year=2023,
            title_en="Innovative drugs 2023",
            title_zh="创新药2023",
            opens_at=in_2023 - timedelta(days=5),
            closes_at=in_2023 + timedelta(days=20),
            budget=500_000_000,
        )
        application = approved_filing(call, alice, track="phase_1", facts=A_PHASE_1, title="CAR-T 007 phase 1")
        return award_compute(application_id=application.pk)


def test_a_cgt_product_paid_under_a_phase_1_and_filed_under_bio24_cgt_early_is_paid_only_the_difference(
    catalogue, alice
):
    assert a_phase_1_award(alice).amount == 5 * M
    early = approved_filing(bio24_call(), alice, track="cgt_early", facts=C_CGT, title="CAR-T 007 early")
    award = award_compute(application_id=early.pk)
    assert award.amount == 10 * M  # 15M for the early stage, less the 5M phase 1 already received
    lines = award.breakdown["en"]["breakdown"]
    assert [line["step"] for line in lines] == ["rate_x_base", "clause_cap", "overlap"]
    assert "5,000,000 already awarded for this product" in lines[-1]["text"]
    assert award.breakdown["context"]["awarded_in_overlap_group"] == "5000000.00"


def test_its_confirmatory_stage_does_not_meet_the_early_phases(catalogue, alice):
    a_phase_1_award(alice)
    confirmatory = approved_filing(bio24_call(), alice, track="cgt_confirmatory", facts=C_CGT, title="CAR-T 007 ph3")
    assert award_compute(application_id=confirmatory.pk).amount == 20 * M  # 40% of 50M, under the 30M cap


def test_in_one_batch_an_early_award_counts_against_the_next_phase_award_of_the_product(catalogue, alice):
    call = bio24_call()
    early = approved_filing(call, alice, track="cgt_early", facts=C_CGT, title="CAR-T 007 early")
    phase_2 = approved_filing(
        call,
        alice,
        track="phase_2",
        facts={**C_CGT, "drug_category": "biological", "rd_spending": "60000000"},  # 24M, capped at 20M
        title="CAR-T 007 phase 2",
    )
    award_compute(application_id=phase_2.pk)  # one run computes both, in the order they were decided
    awards = {a.application_id: a for a in early.call.awards.all()}
    assert awards[early.pk].amount == 15 * M
    assert awards[phase_2.pk].amount == 5 * M  # 20M for phase 2, less the 15M its early stage received
    assert awards[early.pk].overlap_stages == ["phase_1", "phase_2"] and awards[phase_2.pk].overlap_stages == [
        "phase_2"
    ]
