"""The catalogue file loads into the database as data, idempotently, and only whole."""

import tomllib
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

from applications.catalogue import load_catalogue
from applications.models import Policy, Program, Track
from portal.accounts.models import Commission
from portal.errors import PortalError

# The names the policy texts give the units, to the catalogue's codes (the 2021 text names some in two ways).
NAMED = {
    "Municipal Science and Technology Commission": "STCSM",
    "Municipal Commission of Science and Technology": "STCSM",
    "Municipal Commission of Economy and Informatization": "SHEITC",
    "Municipal Development and Reform Commission": "DRC",
    "Municipal Drug Supervision Administration": "SMPA",
    "Municipal Medical Products Administration": "SMPA",
    "Municipal Finance Bureau": "FIN",
    "Municipal Bureau of Finance": "FIN",
    "Municipal Health Commission": "HEALTH",
    "Municipal Commission of Health": "HEALTH",
    "Municipal Commission of Health and Health": "HEALTH",
    "Municipal Bureau of Medical Insurance": "HSA",
    "Municipal Commission of Commerce": "COMMERCE",
    "Shanghai Hospital Development Center": "SHDC",
    "Foreign Affairs Office of the Municipal People's Government": "FAO",
    "Financial Commission Office of the CPC Municipal Committee": "FINOFFICE",
    "Shanghai Municipal Financial Regulatory Bureau": "SFRB",
    "Municipal Council for the Promotion of International Trade": "CCPIT",
    "Municipal Talent Bureau": "TALENT",
    "Municipal Commission of Education": "EDU",
    "Municipal Administration for Market Regulation": "SAMR",
    "Municipal Healthcare Security Administration": "HSA",
    "Municipal Intellectual Property Administration": "IPA",
    "Shanghai Customs District of the PRC": "CUSTOMS",
    "Shanghai Customs": "CUSTOMS",
    "Shanghai Science and Technology Office": "SCIOFFICE",
    "Shenkang Hospital Development Center": "SHDC",
    "Municipal Human Resources and Social Security Bureau": "HRSS",
    "Municipal Medical Insurance Bureau": "HSA",
    "Leading Group Office": "LEADGROUP",
    "Organization Department of CPC Municipal Committee": "ORGDEPT",
    "Municipal Public Security Bureau": "PSB",
    "Foreign Affairs Office of the Municipal People’s Government": "FAO",
}
A_III_1_TO_3 = (
    "Municipal Science and Technology Commission, Municipal Commission of Economy and Informatization, "
    "Municipal Drug Supervision Administration, Municipal Finance Bureau"
)
B_3 = (
    "the Municipal Commission of Science and Technology, Foreign Affairs Office of the Municipal People's "
    "Government, the Municipal Commission of Health, Financial Commission Office of the CPC Municipal Committee, "
    "the Municipal Bureau of Finance, the Municipal Medical Products Administration, Shanghai Municipal Financial "
    "Regulatory Bureau, and Shanghai Hospital Development Center"
)
# Each program's clause: its "(Responsible units: ...)" as the text writes it, and SPEC §5's co-review list.
# Policy C's press release names no unit: its programs keep SPEC §5's table (lead first, then the co-review list).
CLAUSE_UNITS = {
    "BIO21-DRUG-INNOVATIVE": (A_III_1_TO_3, ["SHEITC", "SMPA", "FIN"]),
    "BIO21-DRUG-IMPROVED": (A_III_1_TO_3, ["SHEITC", "SMPA", "FIN"]),
    "BIO21-DEVICE-INNOVATIVE": (A_III_1_TO_3, ["SHEITC", "SMPA", "FIN"]),
    "BIO21-OVERSEAS": (
        "Municipal Commission of Economy and Informatization, Municipal Drug Supervision Administration, "
        "Municipal Finance Bureau",
        ["SMPA", "FIN"],
    ),
    "BIO21-INDUSTRIAL-CHAIN": (
        "Municipal Commission of Economy and Informatization, Municipal Development and Reform Commission, "
        "Municipal Commission of Science and Technology, Municipal Finance Bureau",
        ["DRC", "STCSM", "FIN"],
    ),
    "BIO21-DIGITAL": (
        "Municipal Commission of Economy and Informatization, Municipal Drug Supervision Administration, "
        "Municipal Finance Bureau",
        ["SMPA", "FIN"],
    ),
    "BIO21-CDMO": (
        "Municipal Commission of Economy and Informatization, Municipal Drug Supervision Administration, "
        "Municipal Finance Bureau, Municipal Commission of Health and Health, Municipal Bureau of Medical Insurance",
        ["SMPA", "FIN", "HEALTH", "HSA"],
    ),
    "BIO21-FIRST-SET": (
        "Municipal Commission of Economy and Informatization, Municipal Health Commission, Municipal Finance Bureau",
        ["HEALTH", "FIN"],
    ),
    "INTL24-OVERSEAS-TRIALS": (B_3, ["FAO", "HEALTH", "FINOFFICE", "FIN", "SMPA", "SFRB", "SHDC"]),
    "INTL24-TRIAL-INSURANCE": (B_3, ["FAO", "HEALTH", "FINOFFICE", "FIN", "SMPA", "SFRB", "SHDC"]),
    "INTL24-OVERSEAS-LAUNCH": (
        "the Municipal Commission of Science and Technology, the Municipal Medical Products Administration, "
        "and the Municipal Bureau of Finance",
        ["SMPA", "FIN"],
    ),
    "INTL24-EXHIBITIONS": (
        "the Municipal Commission of Science and Technology, the Municipal Council for the Promotion of "
        "International Trade, and the Municipal Bureau of Finance",
        ["CCPIT", "FIN"],
    ),
    "INTL24-LICENSE-OUT": (
        "the Municipal Commission of Science and Technology, the Municipal Commission of Commerce, and the "
        "Municipal Bureau of Finance",
        ["COMMERCE", "FIN"],
    ),
    "INTL24-WHO-PQ": (
        "the Municipal Commission of Science and Technology, the Municipal Commission of Health, the Municipal "
        "Medical Products Administration, and the Municipal Bureau of Finance",
        ["HEALTH", "SMPA", "FIN"],
    ),
    "BIO24-DRUG-INNOVATIVE": (["STCSM", "SHEITC", "DRC", "SMPA", "FIN"], ["SHEITC", "DRC", "SMPA", "FIN"]),
    "BIO24-DEVICE-INNOVATIVE": (["STCSM", "SHEITC", "SMPA", "FIN"], ["SHEITC", "SMPA", "FIN"]),
    "BIO24-OVERSEAS-TRIALS": (["STCSM", "HEALTH", "SMPA", "FIN"], ["HEALTH", "SMPA", "FIN"]),
    "BIO24-CRO-UPGRADE": (["STCSM", "SMPA", "FIN"], ["SMPA", "FIN"]),
    "BIO24-HOSPITAL-DEMO": (["SHEITC", "HEALTH", "SHDC", "FIN"], ["HEALTH", "SHDC", "FIN"]),
    # Measures that grant a status, not money (SPEC §5): the reviewers are SPEC's lists.
    "BIO21-RD-GOODS-WHITELIST": (
        "Municipal Commission of Economy and Informatization, Municipal Commission of Commerce, Shanghai Customs, "
        "Municipal Drug Supervision Administration, Municipal Commission of Science and Technology, Shanghai "
        "Science and Technology Office",
        ["COMMERCE", "CUSTOMS", "SMPA", "STCSM"],
    ),
    "BIO21-CLINICAL-RESEARCH-BEDS": (
        "Shenkang Hospital Development Center, Municipal Health Commission, Municipal Human Resources and Social "
        "Security Bureau, Municipal Finance Bureau",
        ["HEALTH", "FIN"],
    ),
    "BIO21-DEVICE-FAST-ADMISSION": (
        "Municipal Medical Insurance Bureau, Municipal Drug Supervision Administration, Municipal Health "
        "Commission, Shenkang Hospital Development Center",
        ["SMPA", "HEALTH", "SHDC"],
    ),
    "BIO21-INNOVATIVE-PRODUCT-CATALOGUE": (
        "Municipal Commission of Economy and Informatization, Municipal Health Commission, Municipal Finance Bureau",
        ["HEALTH", "FIN"],
    ),
    "BIO21-KEY-ENTERPRISE-LIST": (
        "Leading Group Office, Organization Department of CPC Municipal Committee, Municipal Human Resources and "
        "Social Security Bureau, Municipal Public Security Bureau, Municipal Development and Reform Commission",
        ["DRC"],
    ),
    "INTL24-FOREIGN-AID-CATALOGUE": (
        "the Municipal Commission of Commerce, the Municipal Commission of Health, and Foreign Affairs Office of the "
        "Municipal People’s Government",
        ["HEALTH", "FAO"],
    ),
    # A service channel: no unit reviews by default; the lead routes each case among the clause's units.
    "INTL24-INTERNATIONALISATION-DESK": (
        "the Municipal Commission of Science and Technology, Financial Commission Office of the CPC Municipal "
        "Committee, the Municipal Talent Bureau, the Municipal Development and Reform Commission, the Municipal "
        "Commission of Commerce, the Municipal Commission of Education, the Municipal Commission of Health, the "
        "Municipal Administration for Market Regulation, Foreign Affairs Office of the Municipal People's "
        "Government, the Municipal Healthcare Security Administration, the Municipal Intellectual Property "
        "Administration, the Municipal Medical Products Administration, and Shanghai Customs District of the PRC",
        [],
    ),
}

# SPEC §5: policies A and B cite their clauses (B with its group, II.1 to II.5). Policy C's press release numbers
# no clause: its programs cite the area of the 37 measures they belong to, numbered in the release's order.
CITATIONS = {
    "BIO21-DRUG-INNOVATIVE": "III.1",
    "BIO21-DRUG-IMPROVED": "III.2",
    "BIO21-DEVICE-INNOVATIVE": "III.3",
    "BIO21-OVERSEAS": "III.5",
    "BIO21-INDUSTRIAL-CHAIN": "V.1",
    "BIO21-DIGITAL": "V.2",
    "BIO21-CDMO": "V.3",
    "BIO21-FIRST-SET": "VI.2",
    "INTL24-OVERSEAS-TRIALS": "II.1(3)",
    "INTL24-TRIAL-INSURANCE": "II.1(3)",
    "INTL24-OVERSEAS-LAUNCH": "II.1(4)",
    "INTL24-EXHIBITIONS": "II.3(8)",
    "INTL24-LICENSE-OUT": "II.4(9)",
    "INTL24-WHO-PQ": "II.4(10)",
    "INTL24-INTERNATIONALISATION-DESK": "II.5(12)",
    "BIO21-RD-GOODS-WHITELIST": "III.4",
    "BIO21-CLINICAL-RESEARCH-BEDS": "IV.1",
    "BIO21-DEVICE-FAST-ADMISSION": "VI.1",
    "BIO21-INNOVATIVE-PRODUCT-CATALOGUE": "VI.2",
    "BIO21-KEY-ENTERPRISE-LIST": "VII.4",
    "INTL24-FOREIGN-AID-CATALOGUE": "II.4(11)",
    "BIO24-DRUG-INNOVATIVE": ("area 1", "area 1 (R&D) of the 37 measures", "37条措施第1领域（研发）"),
    "BIO24-DEVICE-INNOVATIVE": ("area 1", "area 1 (R&D) of the 37 measures", "37条措施第1领域（研发）"),
    "BIO24-OVERSEAS-TRIALS": (
        "area 8",
        "area 8 (internationalisation) of the 37 measures",
        "37条措施第8领域（国际化）",
    ),
    "BIO24-CRO-UPGRADE": ("area 2", "area 2 (clinical trials) of the 37 measures", "37条措施第2领域（临床试验）"),
    "BIO24-HOSPITAL-DEMO": (
        "area 4",
        "area 4 (application promotion) of the 37 measures",
        "37条措施第4领域（应用推广）",
    ),
}


def clause_units(listed) -> list[str]:
    """A clause's "Responsible units: a, b, and c" as codes, in its order."""
    if isinstance(listed, list):
        return listed
    return [NAMED[name.removeprefix("and ").removeprefix("the ")] for name in listed.split(", ")]


def counts():
    return (Commission.objects.count(), Policy.objects.count(), Program.objects.count(), Track.objects.count())


def test_catalogue_loads_every_program_of_the_spec(catalogue):
    assert counts() == (23, 3, 26, 39)
    assert set(Program.objects.values_list("code", flat=True)) == set(CLAUSE_UNITS) == set(CITATIONS)


@pytest.mark.parametrize("code", sorted(CLAUSE_UNITS))
def test_every_program_names_the_units_of_its_clause_in_order_and_the_specs_reviewers(catalogue, code):
    listed, reviewers = CLAUSE_UNITS[code]
    program = Program.objects.get(code=code)
    units = list(program.unit_rows.order_by("position").values_list("commission__code", flat=True))
    assert units == clause_units(listed)
    assert program.lead.code == units[0]  # the first unit the clause lists leads
    assert sorted(program.co_reviewers.values_list("code", flat=True)) == sorted(reviewers)


@pytest.mark.parametrize("code", sorted(CITATIONS))
def test_every_citation_matches_the_spec(catalogue, code):
    program = Program.objects.get(code=code)
    expected = CITATIONS[code]
    clause, english, chinese = (
        (expected, f"clause {expected}", f"条款 {expected}") if isinstance(expected, str) else expected
    )
    assert program.clause == clause
    with translation.override("en"):
        assert program.citation == english
    with translation.override("zh-hans"):
        assert program.citation == chinese


def test_every_unit_a_hosted_clause_names_is_in_the_catalogue_with_both_names(catalogue):
    # SPEC §4's table, and the units the status measures and the desk name beyond it (A III.4, IV.1, VII.4,
    # B II.5(12)): talent, education, market regulation, intellectual property, human resources, public security.
    expected = {"STCSM", "SHEITC", "DRC", "SMPA", "FIN", "HEALTH", "HSA", "COMMERCE", "SHDC", "FAO", "FINOFFICE"}
    expected |= {"SFRB", "CCPIT", "CUSTOMS", "LEADGROUP", "SCIOFFICE", "HRSS", "ORGDEPT", "PSB", "TALENT", "EDU"}
    expected |= {"SAMR", "IPA"}
    assert set(Commission.objects.values_list("code", flat=True)) == expected
    assert not Commission.objects.filter(name_en="").exists() and not Commission.objects.filter(name_zh="").exists()


def test_catalogue_loads_twice_without_duplicates(db):
    first = load_catalogue()
    before = counts()
    second = load_catalogue()
    assert counts() == before
    assert second.created == {} and second.updated == {}
    assert first.created == {"commissions": 23, "policies": 3, "programs": 26, "tracks": 39}


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
    path = edited_catalogue(tmp_path, 'version = "2026.12-4"', 'version = "2026.12-5"')
    path.write_text(path.read_text(encoding="utf-8").replace('cap = "5000000"', 'cap = "6000000"', 1), encoding="utf-8")
    report = load_catalogue(path)
    track.refresh_from_db()
    assert track.clause_cap == Decimal(6_000_000)
    assert report.updated == {"programs": 0, "tracks": 1} or report.updated.get("tracks") == 1
    assert counts() == (23, 3, 26, 39)


FIRST_SET_UNITS = 'units = ["SHEITC", "HEALTH", "FIN"]\nreviewers = ["HEALTH", "FIN"]'


def test_units_and_reviewers_are_data(catalogue, tmp_path):
    edited = 'units = ["HEALTH", "SHEITC", "FIN", "HSA"]\nreviewers = ["SHEITC", "FIN"]'
    report = load_catalogue(edited_catalogue(tmp_path, FIRST_SET_UNITS, edited))
    first_set = Program.objects.get(code="BIO21-FIRST-SET")
    assert list(first_set.unit_rows.values_list("commission__code", flat=True)) == ["HEALTH", "SHEITC", "FIN", "HSA"]
    assert first_set.lead.code == "HEALTH"
    assert set(first_set.co_reviewers.values_list("code", flat=True)) == {"SHEITC", "FIN"}
    assert report.updated.get("programs") == 1


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (FIRST_SET_UNITS, FIRST_SET_UNITS.replace('"SHEITC"', '"NOBODY"'), "unknown commission 'NOBODY'"),
        (FIRST_SET_UNITS, 'lead = "SHEITC"\nco_reviewers = ["HEALTH", "FIN"]', "`lead` is retired; list `units`"),
        (FIRST_SET_UNITS, FIRST_SET_UNITS.replace('["HEALTH", "FIN"]', '["HEALTH", "HSA"]'), "reviewer HSA is not one"),
        (FIRST_SET_UNITS, FIRST_SET_UNITS.replace('["HEALTH", "FIN"]', '["SHEITC", "FIN"]'), "lead SHEITC decides"),
        # The special-review track of III.3 pays on R&D spending alone: asking where the device is made is unused.
        (
            'cap = "2000000"\n  facts = ["rd_spending"]',
            'cap = "2000000"\n  facts = ["rd_spending", "made_in_shanghai"]',
            "fact made_in_shanghai is asked, but no formula or condition of it uses it",
        ),
        ('documents = ["special_review_notice", "rd_expense_audit"]', 'documents = ["notice"]', "document type"),
        ('rate = "0.40"', 'rate = "40"', "above 1"),
        ('cap = "5000000"', 'cap = "-5"', "negative"),
        ('base_fact = "contract_amount"', 'base_fact = "investment_relationship"', "base_fact"),
        ('test = "is_false"', 'test = "is_maybe"', "condition test"),
        ("working_days = { desk_routing = 3,", "working_days = { desk_routing = 0,", "working_days.desk_routing"),
        ('outcome = "channel"', 'outcome = "helpline"', "outcome must be one of"),
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


def test_the_internationalisation_desk_is_a_channel_with_its_facts_and_clock(catalogue):
    """B II.5(12): a case, not a grant. No overlap group, no documents, no amounts; the enterprise says what it met
    abroad, where, and in which area; the lead routes within 3 working days and each unit answers within 10."""
    desk = Program.objects.get(code="INTL24-INTERNATIONALISATION-DESK")
    assert (desk.outcome, desk.clause, desk.policy.code) == ("channel", "II.5(12)", "SH-INTL-BIOPHARMA-2024-2027")
    assert desk.is_channel and not desk.is_grant
    assert desk.title_en and desk.title_zh and desk.summary_en and desk.summary_zh
    (track,) = desk.tracks.all()
    assert [f["name"] for f in track.fact_schema] == ["desk_difficulty", "desk_market", "desk_area"]
    kinds = {f["name"]: f["kind"] for f in track.fact_schema}
    assert kinds == {"desk_difficulty": "text", "desk_market": "text", "desk_area": "choice"}
    areas = {c["value"] for c in track.fact_schema[2]["choices"]}
    assert {"registration", "clinical_trials", "customs", "finance"} <= areas
    assert track.document_types == [] and desk.overlap_group == "" and desk.yearly_cap is None
    assert desk.stage_days == {"desk_routing": 3, "desk_answer": 10}
    assert (track.code, track.base_fact, track.rate, track.clause_cap) == ("", "", None, None)


def test_a_recognition_is_loaded_with_who_applies_its_validity_and_its_public_facts(catalogue):
    beds = Program.objects.get(code="BIO21-CLINICAL-RESEARCH-BEDS")
    assert (beds.outcome, beds.applicants, beds.valid_years, beds.public_facts) == (
        "recognition",
        ["public_institution"],
        3,
        ["research_beds"],
    )
    assert not beds.is_grant and not beds.admits("enterprise") and beds.admits("public_institution")
    assert [(t.code, t.base_fact, t.rate, t.clause_cap) for t in beds.tracks.all()] == [("", "", None, None)]
    listing = Program.objects.get(code="BIO21-INNOVATIVE-PRODUCT-CATALOGUE")
    assert [t.code for t in listing.tracks.all()] == ["first_set", "first_batch"]
    # Grants say nothing of who applies: every kind the policies support may.
    drug = Program.objects.get(code="BIO24-DRUG-INNOVATIVE")
    assert drug.is_grant and drug.applicants == [] and drug.valid_years is None and drug.admits("enterprise")
    kinds = set(Program.objects.filter(outcome="recognition").values_list("kind_label_en", flat=True))
    assert kinds == {"Listings, recognitions and fast lanes (no money)"}
