"""What the applicant reads after approval (awards/timeline.py): the next step follows the award's state, and the
timeline gives the dates known, the notice's last day and the letter after it."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications.models import Application
from applications.selectors import organisation_dashboard
from applications.templatetags.filing import next_step
from awards import notice
from awards.letters import letter_issue
from awards.models import Award, AwardState
from awards.services import award_compute
from awards.timeline import application_timeline, award_status
from tests import journeys
from tests.logins import login

pytestmark = pytest.mark.django_db


@pytest.fixture
def approved(review_call, alice):
    (application,) = journeys.approved_directly(review_call, alice, rd_spending="10000000", product_key="TL")
    return application


def timeline_of(application):
    application = Application.objects.get(pk=application.pk)
    award = application.awards.first()
    letter = application.letters.filter(rendered_at__isnull=False).first()
    return application_timeline(application, award=award, decision=application.decisions.first(), letter=letter)


def test_the_next_step_follows_the_award_from_its_computation_to_its_letter(approved):
    assert next_step(Application.objects.get(pk=approved.pk)) == "Approved: the award is being computed"
    award = award_compute(application_id=approved.pk)
    assert "goes on public notice next" in next_step(Application.objects.get(pk=approved.pk))
    notice.notice_publish(call=award.call, by=journeys.lead(approved))
    award.refresh_from_db()
    status = next_step(Application.objects.get(pk=approved.pk))
    assert status == f"On public notice until {award.notice_until.isoformat()}; the decision letter follows after it"
    # The dashboard reads the same from its columns, without a query per row.
    (row,) = organisation_dashboard(approved.created_by)
    assert (row.award_state, row.award_notice_until) == (AwardState.PUBLICITY, award.notice_until)
    assert next_step(row) == status
    notice.notices_close(today=timezone.localdate() + timedelta(days=30))
    assert "being issued" in next_step(Application.objects.get(pk=approved.pk))
    letter_issue(decision_id=award.decision_id)
    assert next_step(Application.objects.get(pk=approved.pk)) == "Decision letter issued: the payments follow"


def test_the_timeline_gives_the_notices_last_day_and_the_letter_after_it(approved):
    award = award_compute(application_id=approved.pk)
    steps = timeline_of(approved)
    assert [s.done for s in steps] == [True, True, True, False, False]
    notice.notice_publish(call=award.call, by=journeys.lead(approved))
    until = Award.objects.get(pk=award.pk).notice_until.isoformat()
    steps = timeline_of(approved)
    (current,) = [s for s in steps if s.current]
    assert current.when == f"ends on {until}"
    assert [s.when for s in steps if not s.done and not s.current] == [f"expected after {until}"] * 2
    notice.notices_close(today=timezone.localdate() + timedelta(days=30))
    letter_issue(decision_id=award.decision_id)
    steps = timeline_of(approved)
    assert steps[-2].label == "Decision letter issued" and steps[-2].done
    assert steps[-1].label == "Payment" and steps[-1].current


def test_an_award_state_without_a_text_of_its_own_leaves_it_to_the_application():
    assert award_status(None, None) is None
    assert award_status(AwardState.OVERTURNED, None) is None


def test_the_application_page_shows_the_timeline_to_the_applicant(client, approved, alice):
    award = award_compute(application_id=approved.pk)
    notice.notice_publish(call=award.call, by=journeys.lead(approved))
    login(client, alice)
    page = client.get(reverse("application-detail", args=[approved.pk])).content.decode()
    assert 'id="timeline"' in page and "On public notice until" in page
    assert "the award is being computed" not in page


def test_a_moment_on_the_timeline_is_a_day_of_shanghai_not_of_utc():
    from datetime import UTC, datetime

    from awards.timeline import _day

    # 17:00 UTC on 4 December is 01:00 on 5 December in Shanghai, the day the history beside it shows.
    assert _day(datetime(2026, 12, 4, 17, 0, tzinfo=UTC)) == "2026-12-05"
    assert _day(datetime(2026, 12, 4, 15, 0, tzinfo=UTC)) == "2026-12-04"
