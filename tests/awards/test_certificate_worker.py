"""The notice's close queues the certificate on the real Celery worker (local Redis): it is numbered and rendered
and sealed there once, however often the task is delivered."""

import pytest

from awards import seal
from awards.models import Letter, RegisterEntry
from awards.tasks import issue_certificate
from tests import registers
from tests.factories import OrganisationFactory, member

pytestmark = [pytest.mark.worker, pytest.mark.django_db(transaction=True)]


def test_the_worker_renders_the_certificate_once(catalogue, celery_worker_process):
    holder = member(OrganisationFactory(), admin=True, username="alice")
    call = registers.recognition_call(registers.AID)
    entry = registers.listed(call, holder, title="Portable ventilator", facts=registers.AID_FACTS)
    reference = issue_certificate.delay(entry.decision_id).get(timeout=120)
    assert issue_certificate.delay(entry.decision_id).get(timeout=120) == reference  # a re-delivery
    letter = Letter.objects.get(decision_id=entry.decision_id)
    assert letter.reference == reference and letter.pdf and letter.rendered_at is not None
    assert RegisterEntry.objects.get(pk=entry.pk).certificate == letter
    with letter.pdf.open("rb") as handle:
        pdf = handle.read()
    assert pdf.startswith(b"%PDF-")
    # Sealed in the worker, with the key of the run's SEAL_DIR it inherited.
    check = seal.validate_seal(pdf)
    assert check.valid and check.signer == letter.commission.code
