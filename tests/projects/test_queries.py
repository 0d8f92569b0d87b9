"""The list pages of projects cost the same few queries however many projects there are."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from awards.projects import acceptance
from awards.projects.models import ProgressReport
from tests.factories import expert as make_expert
from tests.projects.builders import acceptance_applied, all_reports_accepted, finance, in_progress, lead, pay


@pytest.fixture
def many(review_call, alice):
    projects = [in_progress(review_call, alice) for _ in range(4)]
    ProgressReport.objects.filter(project=projects[0], number=1).update(due_on=timezone.localdate() - timedelta(days=3))
    pay(projects[1].instalments.get(number=1))
    done = acceptance_applied(all_reports_accepted(projects[2], alice), alice)
    panel = [make_expert(username=f"panel-{n}") for n in range(3)]
    acceptance.panel_send(project=done, by=lead(done), experts=panel)
    return projects, panel


@pytest.mark.parametrize(
    ("who", "url", "limit"),
    [
        ("alice", "my-projects", 14),
        ("lead", "project-queue", 14),
        ("finance", "finance-instalments", 14),
    ],
)
def test_list_pages_pin_their_queries(client, many, alice, django_assert_max_num_queries, who, url, limit):
    projects, _panel = many
    user = {"alice": alice, "lead": lead(projects[0]), "finance": finance()}[who]
    client.force_login(user)
    with django_assert_max_num_queries(limit):
        response = client.get(reverse(url))
    assert response.status_code == 200


def test_the_experts_acceptance_list_pins_its_queries(client, many, django_assert_max_num_queries):
    _projects, panel = many
    client.force_login(panel[0])
    with django_assert_max_num_queries(10):
        assert client.get(reverse("expert-acceptances")).status_code == 200
