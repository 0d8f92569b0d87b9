"""Revoking letters and certificates (issue 17): where the decision stops standing (a clawback for fraud, an upheld
objection, a removal from the register) its letter is revoked once, with the date and reason, an audit event
records it, and the verification page says "revoked on ... because ..."."""

import hashlib

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from applications.models import AuditEvent
from awards import notice, register
from awards.certificates import certificate_issue
from awards.letters import letter_issue, letter_row, next_number, render_letter
from awards.models import Award, Letter, RevocationCause
from awards.money import clawback_record, payment_record
from awards.revocation import LETTER_REVOKED, letter_revoke
from awards.services import award_compute
from portal.errors import PortalError
from tests import journeys, registers
from tests.awards.test_letters import confirmed_award
from tests.awards.test_notice import OBJECTOR, publish
from tests.journeys import approved_directly
from tests.projects.builders import without_project

pytestmark = pytest.mark.django_db


@pytest.fixture
def paid(review_call, alice) -> Award:
    """An award with its letter, paid in part (on the award itself: no project's instalments)."""
    award = confirmed_award(review_call, alice)
    letter_issue(decision_id=award.decision_id)
    award = without_project(Award.objects.get(pk=award.pk))
    payment_record(award=award, by=journeys.staff("FIN"), amount="2000000", paid_on=timezone.localdate())
    return Award.objects.get(pk=award.pk)


def verification_page(letter: Letter, client) -> str:
    client.cookies["django_language"] = "en"
    response = client.get(reverse("verify", args=[letter.token]))
    assert response.status_code == 200
    return response.content.decode()


def revocations(letter: Letter) -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=LETTER_REVOKED, data__letter=letter.pk))


def test_a_clawback_for_fraud_revokes_the_award_letter_once(paid, client):
    fin, today = journeys.staff("FIN"), timezone.localdate()
    clawback_record(award=paid, by=fin, amount="1000000", reason="The trial data were falsified.", fraud=True)
    letter = Letter.objects.get(award=paid)
    assert (letter.revoked_on, letter.revoked_cause, letter.revoked_reason) == (
        today,
        RevocationCause.FRAUD_CLAWBACK,
        "The trial data were falsified.",
    )
    (event,) = revocations(letter)
    assert (event.actor, event.data["reference"], event.data["cause"]) == (fin, letter.reference, "fraud_clawback")
    html = verification_page(letter, client)
    assert "Revoked" in html and f"revoked on {today.isoformat()}" in html
    assert "obtained with false information" in html and "The trial data were falsified." in html
    assert "In force" not in html
    # a second clawback for fraud keeps the first revocation as it was
    clawback_record(award=paid, by=fin, amount="500000", reason="More of it.", fraud=True)
    assert Letter.objects.get(pk=letter.pk).revoked_reason == "The trial data were falsified."
    assert len(revocations(letter)) == 1


def test_a_clawback_without_fraud_leaves_the_letter_in_force(paid, client):
    clawback_record(award=paid, by=journeys.staff("FIN"), amount="1000000", reason="Part of the work was not done.")
    letter = Letter.objects.get(award=paid)
    assert letter.revoked_on is None and revocations(letter) == []
    assert "In force" in verification_page(letter, client)


def test_an_upheld_objection_revokes_a_letter_of_the_decision(review_call, alice, client):
    # Letters go out after the notice closes, so an upheld objection rarely finds one; should a letter of the
    # decision exist (one numbered and rendered early), it no longer stands.
    (application,) = approved_directly(review_call, alice, rd_spending="10000000", product_key="ZJ")
    award = award_compute(application_id=application.pk)
    publish(award)
    award = Award.objects.get(pk=award.pk)
    letter = letter_row(
        decision=award.decision,
        award=award,
        number=next_number(review_call.program.lead_id, timezone.localdate().year),
        issued_on=timezone.localdate(),
    )
    letter.save()
    pdf = render_letter(letter)
    letter.pdf.save(f"{letter.reference}.pdf", ContentFile(pdf), save=False)
    letter.sha256, letter.rendered_at = hashlib.sha256(pdf).hexdigest(), timezone.now()
    letter.save()
    objection = notice.objection_file(award=award, **OBJECTOR)
    notice.objection_resolve(
        objection=objection, by=journeys.lead(application), upheld=True, resolution="Wang Wei showed the same trial."
    )
    letter.refresh_from_db()
    assert (letter.revoked_on, letter.revoked_cause) == (timezone.localdate(), RevocationCause.OBJECTION_UPHELD)
    html = verification_page(letter, client)
    assert "An objection to the decision was upheld" in html
    assert "Wang Wei" not in html  # the resolution is the commission's record, not the public's
    answer = APIClient().get(reverse("v1:verify", args=[letter.token])).json()
    assert answer["in_force"] is False and answer["revoked_on"] == timezone.localdate().isoformat()


def test_a_removal_from_the_register_revokes_the_entrys_certificate(catalogue, alice, client):
    call = registers.recognition_call(registers.AID)
    entry = registers.listed(call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    certificate = certificate_issue(decision_id=entry.decision_id)
    assert "In force" in verification_page(certificate, client)
    keeper = journeys.staff("COMMERCE")
    register.entry_remove(entry=entry, by=keeper, reason="The registration certificate was revoked.")
    certificate.refresh_from_db()
    assert (certificate.revoked_cause, certificate.revoked_reason) == (
        RevocationCause.REGISTER_REMOVAL,
        "The registration certificate was revoked.",
    )
    assert [event.actor for event in revocations(certificate)] == [keeper]
    html = verification_page(certificate, client)
    assert "The entry was removed from the register" in html and "The registration certificate was revoked." in html
    answer = APIClient().get(reverse("v1:verify", args=[certificate.token]), HTTP_ACCEPT_LANGUAGE="en").json()
    assert answer["revoked_because"] == "The entry was removed from the register"
    assert answer["revoked_reason"] == "The registration certificate was revoked."


def test_a_refused_removal_revokes_nothing(catalogue, alice):
    call = registers.recognition_call(registers.AID)
    entry = registers.listed(call, alice, title="Portable ventilator", facts=registers.AID_FACTS)
    certificate = certificate_issue(decision_id=entry.decision_id)
    with pytest.raises(PortalError):  # the holder may not remove its own entry
        register.entry_remove(entry=entry, by=alice, reason="We withdraw.")
    certificate.refresh_from_db()
    assert certificate.revoked_on is None and revocations(certificate) == []


def test_revoking_is_idempotent_and_keeps_the_first_date_and_reason(paid):
    letter = Letter.objects.get(award=paid)
    first = timezone.localdate().replace(day=1)
    letter_revoke(letter=letter, reason="First.", cause=RevocationCause.FRAUD_CLAWBACK, on=first)
    again = letter_revoke(letter=letter, reason="Second.", cause=RevocationCause.REGISTER_REMOVAL)
    assert (again.revoked_on, again.revoked_reason, again.revoked_cause) == (first, "First.", "fraud_clawback")
    assert len(revocations(letter)) == 1
