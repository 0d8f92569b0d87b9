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
    # Measures that grant a status, not money (SPEC §5).
    "BIO21-RD-GOODS-WHITELIST": ("SHEITC", {"COMMERCE", "CUSTOMS", "SMPA", "STCSM"}),
    "BIO21-CLINICAL-RESEARCH-BEDS": ("SHDC", {"HEALTH", "FIN"}),
    "BIO21-DEVICE-FAST-ADMISSION": ("HSA", {"SMPA", "HEALTH", "SHDC"}),
    "BIO21-INNOVATIVE-PRODUCT-CATALOGUE": ("SHEITC", {"HEALTH", "FIN"}),
    "BIO21-KEY-ENTERPRISE-LIST": ("LEADGROUP", {"DRC"}),
    "INTL24-FOREIGN-AID-CATALOGUE": ("COMMERCE", {"HEALTH", "FAO"}),
}


def counts():
    return (Commission.objects.count(), Policy.objects.count(), Program.objects.count(), Track.objects.count())


def test_catalogue_loads_every_program_of_the_spec_with_its_units(catalogue):
    assert counts() == (15, 3, 25, 38)
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
    assert first.created == {"commissions": 15, "policies": 3, "programs": 25, "tracks": 38}


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
    assert counts() == (15, 3, 25, 38)


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
        # the measures that grant a status: how long an entry lasts, who applies, what the register shows
        ("valid_years = 3", "valid_years = 0", "a recognition needs valid_years"),
        ('applicants = ["public_institution"]', 'applicants = ["hospital"]', "applicants must be organisation kinds"),
        ('public_facts = ["research_beds"]', 'public_facts = ["rd_spending"]', "public_facts names facts"),
        ("max_length = 500", "max_length = 5000", "max_length must be a whole number"),
        # a grant that depends on a status names a register of the file and one of its tracks
        (
            'register = "BIO21-INNOVATIVE-PRODUCT-CATALOGUE", register_track = "first_set"',
            'register = "BIO21-FIRST-SET", register_track = "first_set"',
            "not a recognition program",
        ),
        ('register_track = "first_batch"', 'register_track = "second_batch"', "has no track 'second_batch'"),
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


def test_a_recognition_is_loaded_with_who_applies_its_validity_and_its_public_facts(catalogue):
    beds = Program.objects.get(code="BIO21-CLINICAL-RESEARCH-BEDS")
    assert (beds.outcome, beds.applicants, beds.valid_years, beds.public_facts) == (
        "recognition",
        ["public_institution"],
        3,
        ["research_beds"],
    )
    assert not beds.grants_money and not beds.admits("enterprise") and beds.admits("public_institution")
    assert [(t.code, t.base_fact, t.rate, t.clause_cap) for t in beds.tracks.all()] == [("", "", None, None)]
    listing = Program.objects.get(code="BIO21-INNOVATIVE-PRODUCT-CATALOGUE")
    assert [t.code for t in listing.tracks.all()] == ["first_set", "first_batch"]
    # Grants say nothing of who applies: every kind the policies support may.
    drug = Program.objects.get(code="BIO24-DRUG-INNOVATIVE")
    assert drug.grants_money and drug.applicants == [] and drug.valid_years is None and drug.admits("enterprise")
    kinds = set(Program.objects.filter(outcome="recognition").values_list("kind_label_en", flat=True))
    assert kinds == {"Listings, recognitions and fast lanes (no money)"}
