"""The catalogue file loads into the database as data, idempotently, and only whole."""

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from applications.catalogue import load_catalogue
from applications.models import Policy, Program, Track
from portal.accounts.models import Commission
from portal.errors import PortalError

# Lead and co-reviewers of every program, as SPEC §5 lists them.
SPEC_UNITS = {
    "BIO21-DRUG-INNOVATIVE": ("STCSM", {"SHEITC", "SMPA", "FIN"}),
    "BIO21-DRUG-IMPROVED": ("STCSM", {"SHEITC", "SMPA", "FIN"}),
    "BIO21-DEVICE-INNOVATIVE": ("STCSM", {"SHEITC", "SMPA", "FIN"}),
    "BIO21-OVERSEAS": ("SHEITC", {"SMPA", "FIN"}),
    "BIO21-INDUSTRIAL-CHAIN": ("SHEITC", {"DRC", "STCSM", "FIN"}),
    "BIO21-DIGITAL": ("SHEITC", {"SMPA", "FIN"}),
    "BIO21-CDMO": ("SHEITC", {"SMPA", "FIN", "HEALTH", "HSA"}),
    "BIO21-FIRST-SET": ("SHEITC", {"HEALTH", "FIN"}),
    "INTL24-OVERSEAS-TRIALS": ("STCSM", {"HEALTH", "SMPA", "FIN", "SHDC"}),
    "INTL24-TRIAL-INSURANCE": ("STCSM", {"FIN"}),
    "INTL24-OVERSEAS-LAUNCH": ("STCSM", {"SMPA", "FIN"}),
    "INTL24-EXHIBITIONS": ("STCSM", {"COMMERCE", "FIN"}),
    "INTL24-LICENSE-OUT": ("STCSM", {"COMMERCE", "FIN"}),
    "INTL24-WHO-PQ": ("STCSM", {"HEALTH", "SMPA", "FIN"}),
    "BIO24-DRUG-INNOVATIVE": ("STCSM", {"SHEITC", "DRC", "SMPA", "FIN"}),
    "BIO24-DEVICE-INNOVATIVE": ("STCSM", {"SHEITC", "SMPA", "FIN"}),
    "BIO24-OVERSEAS-TRIALS": ("STCSM", {"HEALTH", "SMPA", "FIN"}),
    "BIO24-CRO-UPGRADE": ("STCSM", {"SMPA", "FIN"}),
    "BIO24-HOSPITAL-DEMO": ("SHEITC", {"HEALTH", "SHDC", "FIN"}),
    # B II.5(12), a service channel: STCSM routes each case to the units it picks (reviews/desk.routable_units).
    "INTL24-INTERNATIONALISATION-DESK": ("STCSM", set()),
}


def counts():
    return (Commission.objects.count(), Policy.objects.count(), Program.objects.count(), Track.objects.count())


def test_catalogue_loads_every_program_of_the_spec_with_its_units(catalogue):
    assert counts() == (15, 3, 20, 32)
    for program in Program.objects.select_related("lead").prefetch_related("co_reviewers"):
        lead, co = SPEC_UNITS[program.code]
        assert program.lead.code == lead, program.code
        assert {c.code for c in program.co_reviewers.all()} == co, program.code


def test_catalogue_loads_twice_without_duplicates(db):
    first = load_catalogue()
    before = counts()
    second = load_catalogue()
    assert counts() == before
    assert second.created == {} and second.updated == {}
    assert first.created == {"commissions": 15, "policies": 3, "programs": 20, "tracks": 32}


def test_overlap_groups_follow_the_spec(catalogue):
    group = dict(Program.objects.values_list("code", "overlap_group"))
    assert group["BIO21-INDUSTRIAL-CHAIN"] == group["BIO21-DIGITAL"]  # V.1 and V.2 fund a project once
    assert group["BIO21-DRUG-INNOVATIVE"] != group["BIO21-DRUG-IMPROVED"]
    per_track = set(Program.objects.filter(overlap_per_track=True).values_list("code", flat=True))
    assert {"BIO21-DRUG-INNOVATIVE", "BIO21-DRUG-IMPROVED", "BIO21-DEVICE-INNOVATIVE"} <= per_track
    assert "BIO21-OVERSEAS" not in per_track  # once per product, however many agencies


def test_policy_c_amounts_await_verification_and_reading_notes_are_kept(catalogue):
    assert Policy.objects.get(code="SH-GOV-OFFICE-2024-9").amounts_verified is False
    improved = Program.objects.get(code="BIO21-DRUG-IMPROVED")
    assert "5,000,000" in improved.note_en and "10,000,000" in improved.note_en


def edited_catalogue(tmp_path: Path, old: str, new: str) -> Path:
    text = Path(settings.CATALOGUE_PATH).read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "catalogue.toml"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def test_changed_cap_is_a_data_change_that_updates_in_place(catalogue, tmp_path):
    track = Track.objects.get(program__code="BIO21-DRUG-INNOVATIVE", code="phase_1")
    path = edited_catalogue(tmp_path, 'version = "2026.12-2"', 'version = "2026.12-3"')
    path.write_text(path.read_text(encoding="utf-8").replace('cap = "5000000"', 'cap = "6000000"', 1), encoding="utf-8")
    report = load_catalogue(path)
    track.refresh_from_db()
    assert track.clause_cap == Decimal(6_000_000)
    assert report.updated == {"programs": 0, "tracks": 1} or report.updated.get("tracks") == 1
    assert counts() == (15, 3, 20, 32)


def test_co_reviewers_are_data(catalogue, tmp_path):
    path = edited_catalogue(tmp_path, 'co_reviewers = ["HEALTH", "FIN"]', 'co_reviewers = ["HEALTH", "FIN", "HSA"]')
    load_catalogue(path)
    first_set = Program.objects.get(code="BIO21-FIRST-SET")
    assert set(first_set.co_reviewers.values_list("code", flat=True)) == {"HEALTH", "FIN", "HSA"}


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        ('lead = "SHEITC"', 'lead = "NOBODY"', "unknown commission 'NOBODY'"),
        ('rate = "0.40"', 'rate = "40"', "above 1"),
        ('cap = "5000000"', 'cap = "-5"', "negative"),
        ('base_fact = "contract_amount"', 'base_fact = "investment_relationship"', "base_fact"),
        ('test = "is_false"', 'test = "is_maybe"', "condition test"),
        ("working_days = { desk_routing = 3,", "working_days = { desk_routing = 0,", "working_days.desk_routing"),
        ('outcome = "channel"', 'outcome = "helpline"', "outcome must be one of"),
    ],
)
def test_broken_catalogue_is_refused_whole_and_changes_nothing(catalogue, tmp_path, old, new, problem):
    before = list(Track.objects.order_by("pk").values_list("clause_cap", "rate"))
    with pytest.raises(PortalError) as error:
        load_catalogue(edited_catalogue(tmp_path, old, new))
    assert any(problem in message for message in error.value.errors[None])
    assert list(Track.objects.order_by("pk").values_list("clause_cap", "rate")) == before


def test_catalogue_file_parses_and_carries_a_version():
    with open(settings.CATALOGUE_PATH, "rb") as handle:
        data = tomllib.load(handle)
    assert data["version"]


def test_the_internationalisation_desk_is_a_channel_with_its_facts_and_clock(catalogue):
    """B II.5(12): a case, not a grant. No overlap group, no documents, no amounts; the enterprise says what it met
    abroad, where, and in which area; the lead routes within 3 working days and each unit answers within 10."""
    desk = Program.objects.get(code="INTL24-INTERNATIONALISATION-DESK")
    assert (desk.outcome, desk.clause, desk.policy.code) == ("channel", "II.5(12)", "SH-INTL-BIOPHARMA-2024-2027")
    assert desk.is_channel and not desk.is_grant
    assert desk.title_en and desk.title_zh and desk.summary_en and desk.summary_zh
    assert [f["name"] for f in desk.fact_schema] == ["desk_difficulty", "desk_market", "desk_area"]
    kinds = {f["name"]: f["kind"] for f in desk.fact_schema}
    assert kinds == {"desk_difficulty": "text", "desk_market": "text", "desk_area": "choice"}
    areas = {c["value"] for c in desk.fact_schema[2]["choices"]}
    assert {"registration", "clinical_trials", "customs", "finance"} <= areas
    assert desk.document_types == [] and desk.overlap_group == "" and desk.yearly_cap is None
    assert desk.stage_days == {"desk_routing": 3, "desk_answer": 10}
    (track,) = desk.tracks.all()
    assert (track.code, track.base_fact, track.rate, track.clause_cap) == ("", "", None, None)
