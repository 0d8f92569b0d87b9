"""Public notice: publication, written objections, resolution, automatic confirmation."""

from datetime import date, timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone

from applications.models import Application, NoticeKind, State
from awards import notice
from awards.models import Award, AwardState, Objection
from awards.services import award_compute
from portal.errors import ErrorCode, PortalError
from tests import journeys
from tests.awards.conftest import approved_directly
from tests.factories import officer

OBJECTOR = {"name": "Wang Wei", "id_number": "310101199001011234", "phone": "13800000000", "text": "Same trial twice."}


@pytest.fixture
def computed(drug_call, applicant):
    (application,) = approved_directly(drug_call, applicant, rd_spending="10000000", product_key="ZJ")
    return award_compute(application_id=application.pk)


def publish(award):
    return notice.notice_publish(call=award.call, by=journeys.lead(award.application))


def test_the_lead_commission_publishes_the_calls_awards_for_five_working_days(computed):
    with time_machine.travel(date(2025, 9, 29)):  # Monday before the National Day holiday
        (award,) = publish(computed)
    assert award.state == AwardState.PUBLICITY
    assert (award.notice_from, award.notice_until) == (date(2025, 9, 29), date(2025, 10, 13))


def test_a_call_may_set_seven_calendar_days(computed):
    computed.call.notice_kind = NoticeKind.CALENDAR_DAYS_7
    computed.call.save()
    with time_machine.travel(date(2025, 9, 29)):
        (award,) = publish(computed)
    assert award.notice_until == date(2025, 10, 6)


def test_only_the_lead_commission_publishes(computed):
    with pytest.raises(PortalError) as error:
        notice.notice_publish(call=computed.call, by=officer("SMPA", username="smpa-x"))
    assert error.value.code == ErrorCode.NOT_ALLOWED
    assert Award.objects.get(pk=computed.pk).state == AwardState.COMPUTED


def test_the_public_page_shows_organisation_programme_and_amount_and_nothing_confidential(client, computed):
    publish(computed)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("notices")).content.decode()
    assert computed.organisation.name in body and "4,000,000" in body and "BIO24-DRUG-INNOVATIVE" in body
    assert computed.organisation.uscc not in body and "10,000,000" not in body  # no USCC, no R&D figures


def test_anonymous_objections_are_refused_and_change_nothing(client, computed):
    publish(computed)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("objection", args=[computed.pk]), {"text": "Unfair.", "signed": "on"})
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not Objection.objects.exists()
    response = client.post(reverse("objection", args=[computed.pk]), {**OBJECTOR, "signed": "on"})
    assert "Your objection is received" in response.content.decode()
    assert Objection.objects.get().name == "Wang Wei"


def test_no_objection_outside_the_notice(computed):
    with pytest.raises(PortalError):
        notice.objection_file(award=computed, **OBJECTOR)


def test_notice_ends_and_the_award_is_confirmed_unless_an_objection_is_open(computed, drug_call, applicant):
    (other,) = approved_directly(drug_call, applicant, rd_spending="5000000", product_key="OT")
    second = award_compute(application_id=other.pk)
    publish(computed)
    notice.objection_file(award=second, **OBJECTOR)
    assert notice.notices_close(today=timezone.localdate()) == []  # the period has not ended
    later = timezone.localdate() + timedelta(days=30)
    confirmed = notice.notices_close(today=later)
    assert [a.pk for a in confirmed] == [computed.pk]
    assert Award.objects.get(pk=second.pk).state == AwardState.PUBLICITY  # waits for its objection


def test_a_dismissed_objection_lets_the_award_stand(computed):
    publish(computed)
    objection = notice.objection_file(award=computed, **OBJECTOR)
    notice.objection_resolve(
        objection=objection, by=journeys.lead(computed.application), upheld=False, resolution="Two products."
    )
    assert Award.objects.get(pk=computed.pk).state == AwardState.PUBLICITY
    assert [a.pk for a in notice.notices_close(today=timezone.localdate() + timedelta(days=30))] == [computed.pk]


def test_an_upheld_objection_sends_the_application_back_to_the_lead_commission(drug_call, applicant):
    from tests.reviews.conftest import submit

    application = journeys.approve(submit(drug_call, applicant))  # the whole review, budget confirmed
    computed = award_compute(application_id=application.pk)
    publish(computed)
    objection = notice.objection_file(award=computed, **OBJECTOR)
    lead = journeys.lead(computed.application)
    with pytest.raises(PortalError):
        notice.objection_resolve(objection=objection, by=lead, upheld=True, resolution="  ")
    notice.objection_resolve(objection=objection, by=lead, upheld=True, resolution="The trial was counted twice.")
    assert Award.objects.get(pk=computed.pk).state == AwardState.OVERTURNED
    application = Application.objects.get(pk=computed.application_id)
    assert application.state == State.DEPARTMENT_REVIEW
    # The lead decides again; the overturned award holds nothing, so the new one is computed afresh.
    from applications import workflow

    workflow.transition(
        application=application, action="approve", by=lead, recommended_amount="3000000", reason="Corrected."
    )
    assert award_compute(application_id=application.pk).amount == 3_000_000
