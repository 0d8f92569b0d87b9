"""The internationalisation desk through the test client: the enterprise's filing and case pages, the lead's routing
form, the units' answer form, the queue's clock, and the API (issue 14)."""

import re
from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, State
from portal.accounts.models import Commission
from reviews import services
from reviews.models import ReviewTask, TaskKind, TaskState
from tests import journeys
from tests.filings import DESK_FACTS, open_case
from tests.logins import login

NOTE = "Internal: the port office confirmed by phone."


def answer_task(case, code) -> ReviewTask:
    return ReviewTask.objects.get(application=case, kind=TaskKind.DESK_ANSWER, commission__code=code)


@pytest.fixture
def case(desk_call, alice):
    return open_case(desk_call, alice)


@pytest.fixture
def half_answered(case):
    """Routed to SMPA and HEALTH; SMPA answered (with an internal note), HEALTH not yet."""
    journeys.route(case)
    services.answer_give(
        task=answer_task(case, "SMPA"),
        by=journeys.staff("SMPA"),
        answer="SMPA: trial approval confirmed.",
        internal_note=NOTE,
    )
    return case


def page_of(client, person, url, language="en") -> str:
    return login(client, person, language).get(url).content.decode()


# --- the enterprise opens a case on the filing pages ----------------------------------------------------------


def test_the_enterprise_opens_a_case_on_the_filing_pages_without_an_estimate(client, desk_call, alice):
    login(client, alice)
    calls = client.get(reverse("calls")).content.decode()
    assert "Open a case" in calls
    assert f"measure={desk_call.program.code}" not in calls  # nothing to estimate
    new = client.get(reverse("application-new"), {"call": desk_call.pk}).content.decode()
    assert "Open a case" in new and "Subject of the case" in new
    response = client.post(
        f"{reverse('application-new')}?call={desk_call.pk}", {"track": "", "title": "Samples held at export"}
    )
    application = Application.objects.get(title="Samples held at export")
    assert response.status_code == 302 and response["Location"] == reverse("application-edit", args=[application.pk])
    edit = client.get(response["Location"]).content.decode()
    assert "The difficulty you met" in edit and "Country or market" in edit and "Area of the difficulty" in edit
    estimate_url = reverse("application-estimate", args=[application.pk])
    assert "Estimated award" not in edit and estimate_url not in edit and "Documents" not in edit
    assert "What happens next" in edit and "Municipal Science and Technology Commission routes your case" in edit
    posted = {f"facts-{name}": value for name, value in DESK_FACTS.items()}
    response = client.post(
        reverse("application-edit", args=[application.pk]),
        {"title": "Samples held at export", **posted, "action": "submit"},
    )
    assert response.status_code == 302 and response["Location"] == reverse("application-receipt", args=[application.pk])
    application.refresh_from_db()
    assert application.state == State.SUBMITTED and application.estimated_amount is None
    receipt = client.get(response["Location"]).content.decode()
    assert "Case received" in receipt and application.receipt_number in receipt and "Estimated award" not in receipt
    # Following the case leads to its case page.
    detail = client.get(reverse("application-detail", args=[application.pk]))
    assert detail.status_code == 302 and detail["Location"] == reverse("desk-case", args=[application.pk])


def test_a_missing_answer_is_a_field_error_and_nothing_is_submitted(client, desk_call, alice):
    login(client, alice)
    client.post(f"{reverse('application-new')}?call={desk_call.pk}", {"track": "", "title": "Incomplete"})
    application = Application.objects.get(title="Incomplete")
    response = client.post(
        reverse("application-edit", args=[application.pk]),
        {"title": "Incomplete", "facts-desk_market": "Brazil", "action": "submit"},
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert "has-error" in body and "This field is required." in body
    application.refresh_from_db()
    assert application.state == State.DRAFT and application.receipt_number is None


# --- the lead routes, the units answer -----------------------------------------------------------------------


def test_the_lead_routes_by_unit_names_and_a_unit_nobody_could_answer_for_cannot_be_ticked(client, case, stcsm_officer):
    journeys.staff("SMPA")
    url = reverse("review-application", args=[case.pk])
    body = page_of(client, stcsm_officer, url)
    assert "Route to the units concerned" in body and "Municipal Medical Products Administration" in body
    assert "Municipal Education Commission (no officer registered)" in body
    nobody = Commission.objects.get(code="EDU")
    assert re.search(rf'value="{nobody.pk}" id="id_units_\d+" disabled>', body)
    assert not re.search(rf'value="{Commission.objects.get(code="SMPA").pk}" id="id_units_\d+" disabled>', body)
    assert ">SMPA<" not in body and ">CUSTOMS<" not in body  # names, never codes
    # Nothing picked: the form says so, nothing is routed.
    response = client.post(reverse("review-route", args=[case.pk]), {})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    # A unit nobody could answer for, posted anyway: refused on the form.
    response = client.post(reverse("review-route", args=[case.pk]), {"units": [nobody.pk]})
    assert "No officer of Municipal Education Commission is registered" in response.content.decode()
    assert Application.objects.get(pk=case.pk).state == State.SUBMITTED
    smpa = Commission.objects.get(code="SMPA")
    response = client.post(reverse("review-route", args=[case.pk]), {"units": [smpa.pk]})
    assert response.status_code == 302
    assert Application.objects.get(pk=case.pk).state == State.ROUTED
    assert "Routed to Municipal Medical Products Administration." in client.get(url).content.decode()


def test_a_routed_unit_answers_on_its_page_and_reads_the_others_notes(
    client, half_answered, stcsm_officer, smpa_officer
):
    health = journeys.staff("HEALTH")
    url = reverse("review-application", args=[half_answered.pk])
    body = page_of(client, health, url)
    assert "Answer of Municipal Health Commission" in body and NOTE in body  # the routed units see each other's notes
    assert "SMPA: trial approval confirmed." in body
    task = answer_task(half_answered, "HEALTH")
    response = client.post(reverse("review-answer", args=[task.pk]), {"answer": "", "internal_note": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    response = client.post(reverse("review-answer", args=[task.pk]), {"answer": "卫健委：已与美方中心沟通。"})
    assert response.status_code == 302
    assert Application.objects.get(pk=half_answered.pk).state == State.ANSWERED
    lead = page_of(client, stcsm_officer, url)
    assert NOTE in lead and "卫健委：已与美方中心沟通。" in lead and "Answer of" not in lead
    # The unit that answered sees no form any more.
    assert "Record the answer" not in page_of(client, smpa_officer, url)


def test_a_unit_the_case_was_not_routed_to_does_not_see_it(client, half_answered, commerce_officer):
    login(client, commerce_officer)
    assert client.get(reverse("review-application", args=[half_answered.pk])).status_code == 404
    task = answer_task(half_answered, "HEALTH")
    response = client.post(reverse("review-answer", args=[task.pk]), {"answer": "Not ours."})
    assert response.status_code == 404
    assert ReviewTask.objects.get(pk=task.pk).state == TaskState.OPEN


def test_the_queue_shows_the_desk_tasks_with_their_clock_and_the_overdue_ones(
    client, half_answered, desk_call, alice, django_assert_max_num_queries
):
    health = journeys.staff("HEALTH")
    late = open_case(desk_call, alice, title="An older case")
    journeys.route(late)
    ReviewTask.objects.filter(application=late, kind=TaskKind.DESK_ANSWER).update(
        due_on=timezone.localdate() - timedelta(days=14)
    )
    login(client, health)
    with django_assert_max_num_queries(13):  # 12 and the header's unread count (issue 16)
        body = client.get(reverse("review-queue")).content.decode()
    assert "Answer to a desk case" in body
    assert half_answered.receipt_number in body and late.receipt_number in body
    assert "overdue" in body and "days overdue" in body
    overdue = client.get(reverse("review-queue"), {"overdue": "on"}).content.decode()
    assert late.receipt_number in overdue and half_answered.receipt_number not in overdue
    only_desk = client.get(reverse("review-queue"), {"kind": TaskKind.DESK_ANSWER}).content.decode()
    assert late.receipt_number in only_desk
    # The lead's queue has the case to route, with its own clock.
    stcsm = page_of(client, journeys.staff("STCSM"), reverse("review-queue"))
    fresh = open_case(desk_call, alice, title="A new case")
    stcsm = page_of(client, journeys.staff("STCSM"), reverse("review-queue"))
    assert fresh.receipt_number in stcsm and "Routing of a desk case" in stcsm


# --- what the enterprise reads --------------------------------------------------------------------------------


def test_the_enterprise_reads_no_answer_until_every_unit_has_answered_and_never_a_note(
    client, half_answered, alice, bob, charlie
):
    url = reverse("desk-case", args=[half_answered.pk])
    body = page_of(client, alice, url)
    assert "SMPA: trial approval confirmed." not in body and NOTE not in body
    assert "Municipal Medical Products Administration" in body and "Municipal Health Commission" in body  # routed to
    assert "The answers appear here once every unit" in body
    assert 'id="reopen"' not in body and 'id="close"' not in body
    services.answer_give(
        task=answer_task(half_answered, "HEALTH"),
        by=journeys.staff("HEALTH"),
        answer="HEALTH: the US site is informed.",
    )
    for person in (alice, bob):
        body = page_of(client, person, url)
        assert "SMPA: trial approval confirmed." in body and "HEALTH: the US site is informed." in body
        assert "Municipal Medical Products Administration" in body and "Municipal Health Commission" in body
        assert NOTE not in body and "Internal" not in body
        assert 'id="reopen"' in body and 'id="close"' in body
    login(client, charlie)
    assert client.get(url).status_code == 404


def test_the_enterprise_is_told_when_the_answers_are_due_and_when_they_are_late(client, half_answered, alice):
    url = reverse("desk-case", args=[half_answered.pk])
    due = answer_task(half_answered, "HEALTH").due_on
    assert f"They answer by {due:%Y-%m-%d} (10 working days left)" in page_of(client, alice, url)
    with time_machine.travel(timezone.now() + timedelta(days=30)):
        body = page_of(client, alice, url)
    assert f"Their answers were due on {due:%Y-%m-%d}; the lead commission follows them up" in body
    assert "SMPA: trial approval confirmed." not in body  # late or not, no answer before the last one


def test_the_case_page_in_chinese_names_the_units_in_chinese(client, half_answered, alice):
    services.answer_give(task=answer_task(half_answered, "HEALTH"), by=journeys.staff("HEALTH"), answer="已答复。")
    body = page_of(client, alice, reverse("desk-case", args=[half_answered.pk]), "zh-hans")
    assert "上海市药品监督管理局" in body and "上海市卫生健康委员会" in body
    assert "Municipal Health Commission" not in body


def test_the_enterprise_reopens_once_with_a_reason_and_the_button_is_gone(client, case, alice):
    journeys.answered_case(case)
    url = reverse("desk-case", args=[case.pk])
    login(client, alice)
    response = client.post(reverse("desk-case-reopen", args=[case.pk]), {"reason": ""})
    assert response.status_code == 200 and "This field is required." in response.content.decode()
    assert Application.objects.get(pk=case.pk).state == State.ANSWERED
    response = client.post(reverse("desk-case-reopen", args=[case.pk]), {"reason": "Customs still hold the samples."})
    assert response.status_code == 302
    body = client.get(url).content.decode()
    assert "Customs still hold the samples." in body and 'id="reopen"' not in body
    journeys.answered_case(Application.objects.get(pk=case.pk), units=("CUSTOMS",))
    body = client.get(url).content.decode()
    assert "Answers after you reopened the case" in body
    assert 'id="reopen"' not in body and "reopened once already" in body
    response = client.post(reverse("desk-case-reopen", args=[case.pk]), {"reason": "Again."})
    assert response.status_code == 302
    assert "reopened once already" in client.get(url).content.decode()
    assert Application.objects.get(pk=case.pk).state == State.ANSWERED
    client.post(reverse("desk-case-close", args=[case.pk]))
    assert Application.objects.get(pk=case.pk).state == State.CLOSED


def test_the_case_page_is_for_cases_only(client, review_call, alice):
    from tests.filings import submit

    grant = submit(review_call, alice)
    login(client, alice)
    assert client.get(reverse("desk-case", args=[grant.pk])).status_code == 404
    assert client.get(reverse("application-detail", args=[grant.pk])).status_code == 200


# --- the API ----------------------------------------------------------------------------------------------------


def test_the_api_reads_a_case_with_the_answers_its_reader_may_see(client, half_answered, alice, stcsm_officer):
    url = reverse("v1:desk-case-detail", args=[half_answered.pk])
    body = login(client, alice).get(url).json()
    assert (body["state"], body["answers"], body["reopens_left"]) == (State.ROUTED, [], 1)
    assert set(body["routed_to"]) == {"SMPA", "HEALTH"} and body["facts"]["desk_area"] == "customs"
    lead = login(client, stcsm_officer).get(url).json()
    assert [(a["unit"], a["answer"], a["internal_note"]) for a in lead["answers"]] == [
        ("SMPA", "SMPA: trial approval confirmed.", NOTE)
    ]
    # HEALTH answers through the API.
    task = answer_task(half_answered, "HEALTH")
    health = login(client, journeys.staff("HEALTH"))
    response = health.post(
        reverse("v1:review-task-answer", args=[task.pk]), {"answer": ""}, content_type="application/json"
    )
    assert response.status_code == 400 and "answer" in response.json()
    response = health.post(
        reverse("v1:review-task-answer", args=[task.pk]), {"answer": "HEALTH: done."}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["state"] == TaskState.DONE
    body = login(client, alice).get(url).json()
    assert body["state"] == State.ANSWERED
    assert {(a["unit"], a["unit_name"], a["answer"]) for a in body["answers"]} == {
        ("SMPA", "Municipal Medical Products Administration", "SMPA: trial approval confirmed."),
        ("HEALTH", "Municipal Health Commission", "HEALTH: done."),
    }
    assert all("internal_note" not in a for a in body["answers"])
    listed = login(client, alice).get(reverse("v1:desk-case-list")).json()["results"]
    assert [row["id"] for row in listed] == [half_answered.pk]


def test_the_api_routes_reopens_once_and_closes(client, case, alice, stcsm_officer):
    route = reverse("v1:desk-case-route", args=[case.pk])
    journeys.staff("SMPA")
    lead = login(client, stcsm_officer)
    response = lead.post(route, {"units": ["SMPA", "MOON"]}, content_type="application/json")
    assert response.status_code == 400 and "MOON" in response.json()["units"][0]
    assert lead.post(route, {"units": []}, content_type="application/json").status_code == 400
    response = lead.post(route, {"units": ["SMPA"]}, content_type="application/json")
    assert response.status_code == 200 and response.json()["state"] == State.ROUTED
    assert lead.post(route, {"units": ["SMPA"]}, content_type="application/json").status_code == 403
    journeys.answer_all(case)
    enterprise = login(client, alice)
    reopen = reverse("v1:desk-case-reopen", args=[case.pk])
    assert enterprise.post(reopen, {}, content_type="application/json").status_code == 400
    response = enterprise.post(reopen, {"reason": "Still held."}, content_type="application/json")
    assert response.status_code == 200 and response.json()["reopens_left"] == 0
    journeys.answered_case(Application.objects.get(pk=case.pk), units=("SMPA",))
    response = enterprise.post(reopen, {"reason": "Again."}, content_type="application/json")
    assert response.status_code == 403 and "reopened once already" in response.json()["non_field_errors"][0]
    response = enterprise.post(reverse("v1:desk-case-close", args=[case.pk]))
    assert response.status_code == 200 and response.json()["state"] == State.CLOSED
