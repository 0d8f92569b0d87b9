"""Public notice: publication, written objections, resolution, automatic confirmation."""

from datetime import date, timedelta

import pytest
import time_machine
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from stdnum.cn import ric

from applications.models import Application, AuditEvent, NoticeKind, State
from awards import notice
from awards.models import Award, AwardState, Objection, ObjectionState
from awards.services import award_compute
from awards.throttles import ObjectionAddressThrottle, ObjectionIdentityThrottle
from portal.accounts.models import Commission
from portal.accounts.uscc import make_uscc
from portal.errors import ErrorCode, PortalError
from tests import journeys
from tests.factories import officer
from tests.journeys import approved_directly


def resident_id(body: str) -> str:
    """A resident identity card number: 17 digits (division, date of birth, sequence) and its check digit."""
    return body + ric.calc_check_digit(body + "?")  # stdnum's function takes the number with a placeholder


OBJECTOR = {
    "name": "Wang Wei",
    "id_number": resident_id("31010119900101123"),
    "phone": "13800000000",
    "text": "Same trial twice.",
}


@pytest.fixture
def computed(review_call, alice):
    (application,) = approved_directly(review_call, alice, rd_spending="10000000", product_key="ZJ")
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


def test_notice_ends_and_the_award_is_confirmed_unless_an_objection_is_open(computed, review_call, alice):
    (other,) = approved_directly(review_call, alice, rd_spending="5000000", product_key="OT")
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


def test_an_upheld_objection_sends_the_application_back_to_the_lead_commission(review_call, alice):
    from tests.filings import submit

    application = journeys.approve(submit(review_call, alice))  # the whole review, budget confirmed
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


# --- who objects, and how often (issue 12) -------------------------------------------------------------


def test_the_resident_id_number_is_checked_and_stored_normalised(client, computed):
    publish(computed)
    client.cookies["django_language"] = "en"
    valid = OBJECTOR["id_number"]
    wrong_check = valid[:-1] + ("0" if valid[-1] != "0" else "1")
    data = {**OBJECTOR, "id_number": wrong_check, "signed": "on"}
    response = client.post(reverse("objection", args=[computed.pk]), data)
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == [
        "The check digit of this resident identity card number is wrong; please check the number."
    ]
    with pytest.raises(PortalError) as error:  # a real checksum, but no such date of birth
        notice.objection_file(award=computed, **{**OBJECTOR, "id_number": resident_id("31010119901301123")})
    assert error.value.code == ErrorCode.ID_NUMBER_INVALID and "id_number" in error.value.errors
    assert not Objection.objects.exists()
    # One whose check digit is X, typed in lower case with spaces: stored as the card prints it.
    body = next(b for b in (f"31010119900101{n:03d}" for n in range(1000)) if resident_id(b).endswith("X"))
    notice.objection_file(award=computed, **{**OBJECTOR, "id_number": f" {body[:6]} {body[6:]}x "})
    assert Objection.objects.get().id_number == body + "X"


def test_an_organisation_objects_with_its_unified_social_credit_code(computed):
    publish(computed)
    code = make_uscc("91310115MA1K3YJ50")
    with pytest.raises(PortalError) as error:  # a person's ID number is not an organisation's code
        notice.objection_file(award=computed, **{**OBJECTOR, "organisation": "Rival Pharma"})
    assert error.value.code in (ErrorCode.USCC_INVALID, ErrorCode.USCC_CHECKSUM)
    assert list(error.value.errors) == ["id_number"]
    objection = notice.objection_file(
        award=computed, **{**OBJECTOR, "organisation": "Rival Pharma", "id_number": code.lower()}
    )
    assert (objection.organisation, objection.id_number) == ("Rival Pharma", code)


def test_one_open_objection_per_objector_and_award(client, computed):
    publish(computed)
    notice.objection_file(award=computed, **OBJECTOR)
    client.cookies["django_language"] = "en"
    response = client.post(reverse("objection", args=[computed.pk]), {**OBJECTOR, "signed": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == [
        "You already have an open objection to this award; it will be answered before the award is confirmed."
    ]
    assert Objection.objects.count() == 1
    # The database holds the rule too, whatever writes the row.
    with pytest.raises(IntegrityError), transaction.atomic():
        Objection.objects.create(award=computed, name="Wang Wei", id_number=OBJECTOR["id_number"], phone="1", text="x")
    # Once that objection is answered, the same person may object again.
    (first,) = Objection.objects.all()
    notice.objection_resolve(objection=first, by=journeys.lead(computed.application), upheld=False, resolution="No.")
    assert notice.objection_file(award=computed, **OBJECTOR).state == ObjectionState.OPEN


def test_a_flood_from_one_address_is_throttled_and_nothing_past_the_limit_is_stored(client, computed):
    publish(computed)
    client.cookies["django_language"] = "en"
    limit = ObjectionAddressThrottle().num_requests
    url = reverse("objection", args=[computed.pk])
    for n in range(limit):
        data = {**OBJECTOR, "id_number": resident_id(f"31010119900101{n:03d}"), "signed": "on"}
        assert "Your objection is received" in client.post(url, data).content.decode()
    response = client.post(url, {**OBJECTOR, "id_number": resident_id("31010119900102999"), "signed": "on"})
    assert response.status_code == 429 and int(response["Retry-After"]) > 0
    assert "Too many objections were sent from your address" in response.content.decode()
    assert Objection.objects.count() == limit
    # Another address is not held back by this one.
    other = client.post(url, {**OBJECTOR, "signed": "on"}, REMOTE_ADDR="192.0.2.7")
    assert "Your objection is received" in other.content.decode()
    assert Objection.objects.count() == limit + 1


def test_one_identity_is_throttled_whatever_address_it_comes_from(client, computed):
    publish(computed)
    client.cookies["django_language"] = "en"
    limit = ObjectionIdentityThrottle("x").num_requests
    url = reverse("objection", args=[computed.pk])
    for n in range(limit):  # the first is filed, the others refused as duplicates: every attempt counts
        assert client.post(url, {**OBJECTOR, "signed": "on"}, REMOTE_ADDR=f"192.0.2.{n + 1}").status_code == 200
    response = client.post(url, {**OBJECTOR, "signed": "on"}, REMOTE_ADDR="198.51.100.1")
    assert response.status_code == 429
    assert "Too many objections were filed with this identity number" in response.content.decode()
    assert Objection.objects.count() == 1


def test_a_forged_forwarded_for_header_does_not_escape_the_address_throttle(client, computed):
    publish(computed)
    limit = ObjectionAddressThrottle().num_requests
    url = reverse("objection", args=[computed.pk])
    for n in range(limit + 1):
        data = {**OBJECTOR, "id_number": resident_id(f"31010119900101{n:03d}"), "signed": "on"}
        response = client.post(url, data, HTTP_X_FORWARDED_FOR=f"203.0.113.{n + 1}")
    assert response.status_code == 429
    assert Objection.objects.count() == limit


def _objections(award, n: int, start: int = 0) -> list[Objection]:
    return [
        notice.objection_file(award=award, **{**OBJECTOR, "id_number": resident_id(f"31010119900201{start + i:03d}")})
        for i in range(n)
    ]


def _award_of_another_commission(review_call, alice) -> Award:
    """An award on notice in a call whose program another commission (SHEITC) leads."""
    program = type(review_call.program).objects.get(pk=review_call.program_id)  # a copy, not the call's own
    program.pk, program.code, program.lead = None, "OTHER-LEAD", Commission.objects.get(code="SHEITC")
    program.save()
    call = type(review_call).objects.get(pk=review_call.pk)
    call.pk, call.program = None, program
    call.save()
    (application,) = approved_directly(review_call, alice, rd_spending="5000000", product_key="SH")
    award = award_compute(application_id=application.pk)
    publish(award)
    Award.objects.filter(pk=award.pk).update(call=call)
    return Award.objects.get(pk=award.pk)


def test_the_lead_dismisses_several_objections_at_once_with_one_resolution(client, computed, review_call, alice):
    publish(computed)
    theirs = _award_of_another_commission(review_call, alice)
    mine = _objections(computed, 3)
    (foreign,) = _objections(theirs, 1, start=50)
    lead = journeys.lead(computed.application)
    client.force_login(lead)
    client.cookies["django_language"] = "en"
    page = client.get(reverse("call-awards", args=[computed.call_id])).content.decode()
    assert 'form="dismiss-objections"' in page and f'value="{mine[0].pk}"' in page
    url = reverse("dismiss-objections", args=[computed.call_id])

    # Another commission's objection among the selected: 404, and nothing changes.
    response = client.post(url, {"objections": [mine[0].pk, foreign.pk], "resolution": "Unfounded."})
    assert response.status_code == 404
    assert set(Objection.objects.values_list("state", flat=True)) == {ObjectionState.OPEN}

    response = client.post(url, {"objections": [mine[0].pk, mine[2].pk], "resolution": "The same unfounded claim."})
    assert response.status_code == 302
    states = dict(Objection.objects.values_list("pk", "state"))
    assert states == {
        mine[0].pk: ObjectionState.DISMISSED,
        mine[1].pk: ObjectionState.OPEN,
        mine[2].pk: ObjectionState.DISMISSED,
        foreign.pk: ObjectionState.OPEN,
    }
    dismissed = Objection.objects.filter(state=ObjectionState.DISMISSED)
    assert {(o.resolution, o.resolved_by) for o in dismissed} == {("The same unfounded claim.", lead)}
    events = AuditEvent.objects.filter(action="objection_resolved")
    assert sorted(e.data["objection"] for e in events) == [mine[0].pk, mine[2].pk]
    assert {(e.actor, e.reason, e.data["upheld"]) for e in events} == {(lead, "The same unfounded claim.", False)}
    assert Award.objects.get(pk=computed.pk).state == AwardState.PUBLICITY  # dismissed: the award stands


def test_a_bulk_dismissal_needs_a_resolution_and_an_open_selection(client, computed):
    publish(computed)
    first, second = _objections(computed, 2)
    notice.objection_resolve(objection=second, by=journeys.lead(computed.application), upheld=False, resolution="No.")
    client.force_login(journeys.lead(computed.application))
    url = reverse("dismiss-objections", args=[computed.call_id])
    assert client.post(url, {"objections": [first.pk], "resolution": " "}).status_code == 302
    assert client.post(url, {"objections": [first.pk, second.pk], "resolution": "Again."}).status_code == 302
    assert Objection.objects.get(pk=first.pk).state == ObjectionState.OPEN  # all or none
    assert AuditEvent.objects.filter(action="objection_resolved").count() == 1
    # An officer of another commission does not even see the call's objections.
    client.force_login(officer("SMPA", username="smpa-x"))
    assert client.post(url, {"objections": [first.pk], "resolution": "Unfounded."}).status_code == 404
    assert Objection.objects.get(pk=first.pk).state == ObjectionState.OPEN
