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


def test_closed_and_future_calls_are_not_listed(client, catalogue):
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
    assert "Opens next month" not in client.get(reverse("calls")).content.decode()


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
