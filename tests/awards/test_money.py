"""The Finance Bureau's payments and clawbacks; fraud bans the organisation for three years."""

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from applications import filing
from awards.letters import letter_issue
from awards.models import Award, AwardState
from awards.money import clawback_record, payment_record
from portal.errors import ErrorCode, PortalError
from tests import journeys
from tests.awards.test_letters import confirmed_award
from tests.factories import officer
from tests.filings import make_draft
from tests.portal.test_amounts import REFUSED
from tests.projects.builders import without_project


@pytest.fixture
def issued(review_call, alice):
    """An award paid on its own (one from before projects): the money rules of the award itself. An award with
    a project is paid by its instalments, under these same rules (tests/projects/test_instalments.py)."""
    award = confirmed_award(review_call, alice)
    letter_issue(decision_id=award.decision_id)
    return without_project(Award.objects.get(pk=award.pk))


def refused(code, call, **kwargs):
    with pytest.raises(PortalError) as error:
        call(**kwargs)
    assert error.value.code == code, error.value.errors


def test_instalments_are_recorded_and_never_exceed_the_award(issued):
    finance = journeys.staff("FIN")
    today = timezone.localdate()
    payment_record(award=issued, by=finance, amount="2000000", paid_on=today, reference="FIN-2026-001")
    refused(ErrorCode.INVALID, payment_record, award=issued, by=finance, amount="2000000.01", paid_on=today)
    refused(ErrorCode.INVALID, payment_record, award=issued, by=finance, amount="-5", paid_on=today)
    refused(ErrorCode.INVALID, payment_record, award=issued, by=finance, amount="1", paid_on=today + timedelta(days=1))
    payment_record(award=issued, by=finance, amount="2000000", paid_on=today)
    award = Award.objects.get(pk=issued.pk)
    assert (award.paid, award.state) == (4_000_000, AwardState.DISBURSED)
    assert award.payments.count() == 2


def test_only_the_finance_bureau_records_money(issued, alice):
    for user in [alice, journeys.lead(issued.application), officer("SMPA", username="smpa-x")]:
        refused(ErrorCode.NOT_ALLOWED, payment_record, award=issued, by=user, amount="1", paid_on=date.today())
    assert Award.objects.get(pk=issued.pk).paid == 0


def test_no_payment_before_the_letter(review_call, alice):
    award = confirmed_award(review_call, alice)
    refused(
        ErrorCode.ILLEGAL_TRANSITION,
        payment_record,
        award=award,
        by=journeys.staff("FIN"),
        amount="1",
        paid_on=date.today(),
    )


def test_clawback_after_fraud_bans_the_organisation_for_three_years(issued, review_call, alice):
    finance = journeys.staff("FIN")
    payment_record(award=issued, by=finance, amount="4000000", paid_on=timezone.localdate())
    refused(ErrorCode.REQUIRED, clawback_record, award=issued, by=finance, amount="100", reason=" ")
    refused(ErrorCode.INVALID, clawback_record, award=issued, by=finance, amount="4000001", reason="Too much.")
    clawback_record(award=issued, by=finance, amount="4000000", reason="Forged audit report.", fraud=True)
    award = Award.objects.get(pk=issued.pk)
    assert (award.state, award.clawed_back) == (AwardState.CLAWED_BACK, 4_000_000)
    organisation = award.organisation
    organisation.refresh_from_db()
    assert organisation.credit_flag
    assert organisation.banned_until == timezone.localdate().replace(year=timezone.localdate().year + 3)
    # Banned: a new application cannot be submitted.
    draft = make_draft(review_call, alice, title="Another drug")
    refused(ErrorCode.BANNED, filing.application_submit, application=draft, by=alice)


def test_the_organisation_sees_its_payment_schedule(client, issued, alice):
    payment_record(award=issued, by=journeys.staff("FIN"), amount="2000000", paid_on=timezone.localdate())
    client.force_login(alice)
    client.cookies["django_language"] = "en"
    body = client.get(reverse("application-detail", args=[issued.application_id])).content.decode()
    assert "Payment schedule" in body and "2,000,000" in body and "Left to pay" in body
    assert "STCSM-" in body  # the letter is linked


def test_finance_pages(client, issued):
    client.force_login(journeys.staff("FIN"))
    client.cookies["django_language"] = "en"
    assert issued.application.receipt_number in client.get(reverse("finance")).content.decode()
    page = reverse("finance-award", args=[issued.pk])
    response = client.post(page, {"form": "payment", "amount": "9000000", "paid_on": timezone.localdate().isoformat()})
    assert "more than the award" in response.content.decode()
    client.post(page, {"form": "payment", "amount": "1000000", "paid_on": timezone.localdate().isoformat()})
    assert Award.objects.get(pk=issued.pk).paid == 1_000_000


def test_payment_and_clawback_amounts_follow_the_one_money_rule(client, issued):
    client.force_login(journeys.staff("FIN"))
    client.cookies["django_language"] = "en"
    page = reverse("finance-award", args=[issued.pk])
    today = timezone.localdate().isoformat()
    for typed in REFUSED:
        response = client.post(page, {"form": "payment", "amount": typed, "paid_on": today})
        assert response.status_code == 200 and 'class="error"' in response.content.decode(), typed
        refused(ErrorCode.INVALID, payment_record, award=issued, by=journeys.staff("FIN"), amount=typed, paid_on=today)
    assert Award.objects.get(pk=issued.pk).paid == 0
    client.post(page, {"form": "payment", "amount": "１２３", "paid_on": today})
    assert Award.objects.get(pk=issued.pk).paid == 123
    for typed in REFUSED:
        response = client.post(page, {"form": "clawback", "amount": typed, "reason": "Fraud."})
        assert response.status_code == 200 and 'class="error"' in response.content.decode(), typed
    assert Award.objects.get(pk=issued.pk).clawed_back == 0
