"""The open-calls page: what is open today, filterable by lead commission and kind of support."""

from datetime import timedelta

from django.urls import reverse
from django.utils import timezone

from applications.models import Program
from applications.services import call_create
from tests.calls import confirm_policy_c


def open_call(code, title):
    now = timezone.now()
    return call_create(
        program=Program.objects.get(code=code),
        year=now.year,
        title_en=title,
        title_zh=title,
        opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=12),
        budget=50_000_000,
        # Policy C leaves some rates to each call; where the catalogue sets one, this changes nothing.
        track_terms={"*": {"rate": "0.30"}},
    )


def test_calls_filter_by_commission_and_kind(client, catalogue):
    confirm_policy_c()
    open_call("BIO24-DRUG-INNOVATIVE", "Drugs 2026")  # STCSM, R&D
    open_call("BIO24-HOSPITAL-DEMO", "Hospital demonstration 2026")  # SHEITC, services
    client.cookies["django_language"] = "en"
    page = reverse("calls")

    everything = client.get(page).content.decode()
    assert "Drugs 2026" in everything and "Hospital demonstration 2026" in everything
    assert "12 days left" in everything

    by_commission = client.get(page, {"commission": "SHEITC"}).content.decode()
    assert "Hospital demonstration 2026" in by_commission and "Drugs 2026" not in by_commission

    by_kind = client.get(page, {"kind": "rd_innovation"}).content.decode()
    assert "Drugs 2026" in by_kind and "Hospital demonstration 2026" not in by_kind
    assert "Innovative drugs and devices (R&amp;D)" in by_kind


def test_unknown_filter_value_is_a_field_error_not_a_500(client, catalogue):
    client.cookies["django_language"] = "en"
    response = client.get(reverse("calls"), {"kind": "lottery"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_a_future_call_is_not_among_the_open_ones(client, catalogue):
    """It is announced, in the upcoming section (tests/applications/test_call_pages.py)."""
    confirm_policy_c()
    now = timezone.now()
    call_create(
        program=Program.objects.get(code="BIO24-CRO-UPGRADE"),
        year=now.year,
        title_en="Opens next month",
        title_zh="下月开放",
        opens_at=now + timedelta(days=30),
        closes_at=now + timedelta(days=60),
        budget=1_000_000,
        track_terms={"*": {"rate": "0.3"}},
    )
    client.cookies["django_language"] = "en"
    response = client.get(reverse("calls"))
    assert [call.title_en for call, _days in response.context["rows"]] == []
    assert [call.title_en for call, _days in response.context["upcoming"]] == ["Opens next month"]


def test_calls_page_queries_do_not_grow_with_calls(client, catalogue, django_assert_max_num_queries):
    confirm_policy_c()
    for code in ["BIO24-DRUG-INNOVATIVE", "BIO24-DEVICE-INNOVATIVE", "BIO24-HOSPITAL-DEMO"]:
        open_call(code, code)
    with django_assert_max_num_queries(12):
        assert client.get(reverse("calls")).status_code == 200


# The drugs program is led by STCSM and co-reviewed by SHEITC, DRC, SMPA and FIN; the hospital one led by SHEITC.
SAME_QUERIES = [
    {},
    {"commission": "SHEITC"},
    {"commission": "STCSM"},
    {"commission": "SMPA"},
    {"commission": "FIN"},
    {"kind": "rd_innovation"},
    {"policy": "SH-GOV-OFFICE-2024-9"},
    {"commission": "SHEITC", "kind": "rd_innovation"},
]


def test_the_page_and_the_api_answer_the_same_for_the_same_filter(client, catalogue):
    """One CallFilter for both: a commission's calls are those it leads, on the page and in the API."""
    confirm_policy_c()
    drugs = open_call("BIO24-DRUG-INNOVATIVE", "Drugs 2026")
    hospital = open_call("BIO24-HOSPITAL-DEMO", "Hospital demonstration 2026")
    answers = {}
    for query in SAME_QUERIES:
        response = client.get(reverse("calls"), query)
        assert response.status_code == 200 and not response.context["form"].errors, query
        on_page = {call.pk for call, _days in response.context["rows"]}
        in_api = {row["id"] for row in client.get("/api/v1/calls/", query).json()["results"]}
        assert on_page == in_api, query
        answers[tuple(query.items())] = on_page
    assert answers[(("commission", "SHEITC"),)] == {hospital.pk}
    assert answers[(("commission", "STCSM"),)] == {drugs.pk}
    assert answers[(("commission", "SMPA"),)] == answers[(("commission", "FIN"),)] == set()
    assert answers[()] == {drugs.pk, hospital.pk}


# Issue 14, corrections 1 and 2: every unit the clause names, in its order (B II.1(3) names eight), and the clause
# cited with its group; policy C, whose press release numbers no clause, by the area of its 37 measures.
B_3_UNITS = [
    "Municipal Science and Technology Commission",
    "Foreign Affairs Office of the Municipal People's Government",
    "Municipal Health Commission",
    "Financial Commission Office of the CPC Municipal Committee",
    "Municipal Bureau of Finance",
    "Municipal Medical Products Administration",
    "Shanghai Municipal Financial Regulatory Bureau",
    "Shanghai Hospital Development Center",
]


def test_a_call_shows_every_unit_of_its_clause_in_order_and_cites_its_clause(client, catalogue):
    open_call("INTL24-OVERSEAS-TRIALS", "Overseas trials 2026")
    confirm_policy_c()
    open_call("BIO24-DRUG-INNOVATIVE", "Drugs 2026")
    client.cookies["django_language"] = "en"
    page = client.get(reverse("calls")).content.decode().replace("&#x27;", "'")
    section = page[page.index("Overseas trials 2026") :]
    start = section.index('<span class="units">')
    units = section[start : section.index("</span>", start)]
    at = [units.index(name) for name in B_3_UNITS]
    assert at == sorted(at)  # in the clause's order
    assert "Responsible units: Municipal Science and Technology Commission (lead), Foreign Affairs" in units
    assert "clause II.1(3)" in page
    assert "area 1 (R&amp;D) of the 37 measures" in page and "clause drugs" not in page
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(reverse("calls")).content.decode()
    assert "责任单位: 上海市科学技术委员会 (牵头)、上海市人民政府外事办公室" in chinese
    assert "条款 II.1(3)" in chinese and "37条措施第1领域（研发）" in chinese


def test_the_calls_api_lists_the_units_in_the_clauses_order_and_the_reviewers(client, catalogue):
    call = open_call("INTL24-OVERSEAS-TRIALS", "Overseas trials 2026")
    body = client.get(f"/api/v1/calls/{call.pk}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert [unit["code"] for unit in body["units"]] == [
        "STCSM",
        "FAO",
        "HEALTH",
        "FINOFFICE",
        "FIN",
        "SMPA",
        "SFRB",
        "SHDC",
    ]
    assert [unit["name"] for unit in body["units"]] == B_3_UNITS
    assert body["lead"] == "STCSM"
    assert sorted(body["reviewers"]) == ["FAO", "FIN", "FINOFFICE", "HEALTH", "SFRB", "SHDC", "SMPA"]
    assert body["citation"] == "clause II.1(3)"
