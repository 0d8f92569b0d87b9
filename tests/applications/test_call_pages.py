"""The calls page's two sections (open now, upcoming) and a call's own page: guidance, who may apply in words,
the milestone window, the documents of each track by name, deadlines, the lead commission and the units, the
citation; in both languages, never a code."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Program
from applications.services import call_create
from tests.calls import confirm_policy_c

DEVICES = "BIO24-DEVICE-INNOVATIVE"  # two tracks asking different documents


def make_call(code, title, *, opens_in=-timedelta(days=2), **terms):
    confirm_policy_c()
    now = timezone.now()
    return call_create(
        program=Program.objects.get(code=code),
        year=now.year,
        title_en=title,
        title_zh=f"{title}（中文）",
        opens_at=now + opens_in,
        closes_at=now + opens_in + timedelta(days=30),
        budget=50_000_000,
        track_terms={"*": {"rate": "0.30"}},
        **terms,
    )


def visible(html: str) -> str:
    """What a reader sees: the text without tags (codes in links' addresses are not shown)."""
    text = re.sub(r"<[^>]+>", " ", html)
    return " ".join(text.replace("&#x27;", "'").replace("&amp;", "&").split())


def page(client, url, language="en", **query):
    client.cookies["django_language"] = language
    response = client.get(url, query)
    assert response.status_code == 200
    return response


def test_the_calls_page_shows_open_and_upcoming_calls_apart(client, catalogue):
    open_now = make_call("BIO24-DRUG-INNOVATIVE", "Drugs open")
    later = make_call("BIO24-HOSPITAL-DEMO", "Hospitals later", opens_in=timedelta(days=10))
    make_call("BIO24-CRO-UPGRADE", "CRO closed", opens_in=-timedelta(days=60))
    response = page(client, reverse("calls"))
    assert [c.pk for c, _days in response.context["rows"]] == [open_now.pk]
    assert [c.pk for c, _days in response.context["upcoming"]] == [later.pk]
    html = response.content.decode()
    assert html.index("Drugs open") < html.index("Upcoming calls") < html.index("Hospitals later")
    assert "CRO closed" not in html
    assert "in 10 days" in html and f'href="/calls/{later.pk}/"' in html
    # The same filters apply to both sections.
    filtered = page(client, reverse("calls"), commission="SHEITC").context
    assert filtered["rows"] == [] and [c.pk for c, _d in filtered["upcoming"]] == [later.pk]
    chinese = page(client, reverse("calls"), "zh-hans").content.decode()
    assert "即将开放的申报批次" in chinese and "正在开放" in chinese


def test_the_api_filters_calls_by_status_and_keeps_open_ones_by_default(client, catalogue):
    open_now = make_call("BIO24-DRUG-INNOVATIVE", "Drugs open")
    later = make_call("BIO24-HOSPITAL-DEMO", "Hospitals later", opens_in=timedelta(days=10))
    ids = lambda **q: [row["id"] for row in client.get("/api/v1/calls/", q).json()["results"]]  # noqa: E731
    assert ids() == ids(status="open") == [open_now.pk]
    assert ids(status="upcoming") == [later.pk]
    assert client.get("/api/v1/calls/", {"status": "closed"}).status_code == 400
    assert client.get(f"/api/v1/calls/{later.pk}/").status_code == 404
    assert client.get(f"/api/v1/calls/{later.pk}/", {"status": "upcoming"}).status_code == 200


def test_a_call_page_shows_documents_per_track_by_name_and_no_codes(client, catalogue):
    call = make_call(
        DEVICES,
        "Devices 2026",
        milestone_windows={"*": {"from": "2024-06-01", "to": "2026-12-31"}},
        stage_deadlines={"formal_check": 4},
    )
    program = call.program
    html = page(client, reverse("call-detail", args=[call.pk])).content.decode()
    english = visible(html)
    for track in program.tracks.all():
        assert track.title_en in english
        for document in track.document_types:
            assert document["label_en"] in english
            assert document["code"] not in english
    assert program.summary_en[:40] in english
    assert "Enterprise" in english and "registered in Shanghai" in english
    assert "the milestone date falls between 2024-06-01 and 2026-12-31" in english
    assert "Formal check: 4 working days" in english and "Department review: 15 working days" in english
    assert "Lead commission: Municipal Science and Technology Commission" in english
    assert 'class="units"' in html and "area 1 (R&D) of the 37 measures" in english  # the citation
    assert "help@" in english
    for code in [program.code, "STCSM", "rd_innovation", "special_review", "first_registration", "clause drugs"]:
        assert code not in english, code
    chinese = visible(page(client, reverse("call-detail", args=[call.pk]), "zh-hans").content.decode())
    for track in program.tracks.all():
        assert track.title_zh in chinese
        for document in track.document_types:
            assert document["label_zh"] in chinese
    assert "上海市科学技术委员会" in chinese and "所需材料" in chinese and "形式审查: 4 个工作日" in chinese
    for code in [program.code, "STCSM", "rd_innovation", "special_review", "条款 drugs"]:
        assert code not in chinese, code


def test_a_call_page_offers_filing_and_alerts_to_members_only(client, alice, stcsm_officer, catalogue):
    call = make_call("BIO24-DRUG-INNOVATIVE", "Drugs open")
    later = make_call("BIO24-HOSPITAL-DEMO", "Hospitals later", opens_in=timedelta(days=10))
    url = reverse("call-detail", args=[call.pk])
    anonymous = page(client, url).content.decode()
    assert "File an application" not in anonymous and "Be alerted of calls like this" not in anonymous
    client.force_login(stcsm_officer)
    assert "File an application" not in page(client, url).content.decode()
    client.force_login(alice)
    member = page(client, url).content.decode()
    assert f"/applications/new/?call={call.pk}" in member and "Be alerted of calls like this" in member
    upcoming = page(client, reverse("call-detail", args=[later.pk])).content.decode()
    assert "/applications/new/" not in upcoming and "Applications are taken from the opening date." in upcoming
    # Subscribing from the page comes back to it.
    response = client.post(reverse("alerts"), {"criterion": "program", "value": call.program.code, "next": url})
    assert response.status_code == 302 and response.url == url
    assert alice.organisation.call_alerts.get().program == call.program


def test_a_missing_call_is_404(client, catalogue):
    assert client.get(reverse("call-detail", args=[987654])).status_code == 404


@pytest.mark.parametrize("name", ["calls", "call-detail"])
def test_the_call_pages_cost_the_same_few_queries_with_many_calls(
    client, alice, catalogue, django_assert_max_num_queries, name
):
    codes = ["BIO24-DRUG-INNOVATIVE", "BIO24-DEVICE-INNOVATIVE", "BIO24-HOSPITAL-DEMO", "BIO24-CRO-UPGRADE"]
    calls = [make_call(code, f"{code} now") for code in codes]
    calls += [make_call(code, f"{code} later", opens_in=timedelta(days=20)) for code in codes * 3]
    client.force_login(alice)
    url = reverse("calls") if name == "calls" else reverse("call-detail", args=[calls[1].pk])
    client.get(url)  # warm the session and the translation caches
    # +1 on every signed-in page: the header's unread count of the inbox.
    with django_assert_max_num_queries(15 if name == "calls" else 12):
        assert client.get(url).status_code == 200
