"""An administrator sets a call's payment schedule in the Django admin; a schedule that does not add up, or names
a condition the portal does not know, is refused with what is wrong."""

import json

from django.urls import reverse

from awards.projects.models import ProjectTerms
from tests.projects.test_opening import THREE_INSTALMENTS


def terms_post(call, schedule) -> dict:
    return {
        "call": call.pk,
        "schedule": json.dumps(schedule),
        "goals_template_en": "",
        "goals_template_zh": "",
        "indicators_template": "[]",
        "milestones_template": "[]",
        "statement_days": 20,
        "review_days": 10,
        "acceptance_rubric": "[]",
    }


def test_the_schedule_is_call_data_edited_in_the_admin(client, admin, review_call):
    client.force_login(admin)
    client.cookies["django_language"] = "en"
    page = reverse("admin:projects_projectterms_add")
    wrong = [{**THREE_INSTALMENTS[0], "percent": "60"}, THREE_INSTALMENTS[2]]
    body = client.post(page, terms_post(review_call, wrong)).content.decode()
    assert "The instalments add up to 90%, not 100%." in body
    unknown = [{**THREE_INSTALMENTS[0], "percent": "100", "condition": "when_asked"}]
    assert "the condition is one of" in client.post(page, terms_post(review_call, unknown)).content.decode()
    assert not ProjectTerms.objects.exists()
    response = client.post(page, terms_post(review_call, THREE_INSTALMENTS))
    assert response.status_code == 302
    assert ProjectTerms.objects.get(call=review_call).schedule[1]["report"] == 1
