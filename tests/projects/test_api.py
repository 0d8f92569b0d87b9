"""Projects through the API, with the pages' permissions and services: the task statement drafted, submitted and
accepted, Finance's instalments with why one waits, a refused payment as a 400 with the reason."""

from django.urls import reverse
from django.utils import timezone

from awards.projects.models import ProjectState
from tests.api.conftest import client_for
from tests.projects.builders import finance, in_progress, lead, statement_content


def english_api(user):
    api = client_for(user)
    api.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return api


def test_the_statement_through_the_api(project, alice, charlie):
    api = english_api(alice)
    detail = reverse("v1:project-detail", args=[project.pk])
    listed = api.get(reverse("v1:project-list")).json()["results"]
    assert [p["id"] for p in listed] == [project.pk] and listed[0]["next_due"]["what"] == "Submit the task statement"
    answer = api.post(reverse("v1:project-submit-statement", args=[project.pk]), format="json")
    assert answer.status_code == 400 and "lead_name" in answer.json()
    content = statement_content()
    assert api.post(reverse("v1:project-statement", args=[project.pk]), content, format="json").status_code == 200
    assert api.post(reverse("v1:project-submit-statement", args=[project.pk]), format="json").status_code == 200
    assert english_api(charlie).get(detail).status_code == 404
    decide = reverse("v1:project-decide-statement", args=[project.pk])
    assert api.post(decide, {"decision": "accept"}, format="json").status_code == 403
    answer = english_api(lead(project)).post(decide, {"decision": "return"}, format="json")
    assert answer.status_code == 400 and answer.json()["reason"] == ["Give the reason; it is recorded."]
    answer = english_api(lead(project)).post(decide, {"decision": "accept"}, format="json")
    body = answer.json()
    assert answer.status_code == 200 and body["state"] == ProjectState.IN_PROGRESS and body["version"] == 1
    assert [r["key"] for r in body["reports"]] == ["m1", "m2"]


def test_finance_reads_why_an_instalment_waits_and_is_refused_with_it(
    review_call, alice, django_assert_max_num_queries
):
    project = in_progress(review_call, alice)
    api = english_api(finance())
    with django_assert_max_num_queries(12):
        rows = api.get(reverse("v1:instalment-list")).json()["results"]
    by_number = {row["number"]: row for row in rows if row["project"] == project.pk}
    assert by_number[1]["payable"] and by_number[1]["why_not"] is None
    assert by_number[2]["why_not"] == "It is paid once the acceptance is passed, and the project has not passed it yet."
    today = timezone.localdate().isoformat()
    answer = api.post(reverse("v1:instalment-pay", args=[by_number[2]["id"]]), {"paid_on": today}, format="json")
    assert answer.status_code == 400 and answer.json()["code"] == "illegal_transition"
    assert answer.json()["non_field_errors"] == [by_number[2]["why_not"]]
    answer = api.post(reverse("v1:instalment-pay", args=[by_number[1]["id"]]), {"paid_on": today}, format="json")
    assert answer.status_code == 200 and answer.json()["state"] == "paid" and answer.json()["paid_on"] == today


def test_the_project_list_costs_the_same_queries_however_many_projects(
    review_call, alice, django_assert_max_num_queries
):
    for _ in range(3):
        in_progress(review_call, alice)
    api = english_api(alice)
    with django_assert_max_num_queries(12):
        rows = api.get(reverse("v1:project-list")).json()["results"]
    assert len(rows) == 3 and all(row["next_due"]["what"].startswith("File progress report") for row in rows)
