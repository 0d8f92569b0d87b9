from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from applications import filing
from applications.models import Program
from applications.services import call_create, policy_confirm_amounts
from tests.factories import officer

# The smallest well-formed PDF: what matters to the checks is its first bytes.
PDF = (
    b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj 2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\n"
    b"trailer<</Root 1 0 R>>\n%%EOF\n"
)
PNG = bytes.fromhex("89504e470d0a1a0a0000000d4948445200000001000000010806000000") + b"\x00" * 40
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200

DRUG_FACTS = {
    "rd_spending": "10000000",
    "drug_category": "chemical",
    "product_key": "CXHL2400123",
    "milestone_date": "2024-09-15",
}


def pdf(name="evidence.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def stcsm_officer(catalogue):
    return officer("STCSM", username="officer-stcsm")


@pytest.fixture
def smpa_officer(catalogue):
    return officer("SMPA", username="officer-smpa")


@pytest.fixture
def heitc_officer(catalogue):
    return officer("SHEITC", username="officer-sheitc")


@pytest.fixture
def drug_call(catalogue):
    """An open BIO24 call (policy C, amounts confirmed) limited to 3 applications per applicant."""
    policy_confirm_amounts(policy_code="SH-GOV-OFFICE-2024-9")
    now = timezone.now()
    return call_create(
        program=Program.objects.get(code="BIO24-DRUG-INNOVATIVE"),
        year=now.year,
        title_en="Innovative drugs call",
        title_zh="创新药申报",
        opens_at=now - timedelta(days=5),
        closes_at=now + timedelta(days=25),
        budget=200_000_000,
        max_applications_per_applicant=3,
        milestone_windows={"*": {"from": "2024-06-01", "to": "2026-12-31"}},
    )


def make_draft(call, by, *, track="phase_2", facts=None, title="Drug X phase 2", documents=True):
    application = filing.application_create(call=call, track=call.program.tracks.get(code=track), title=title, by=by)
    filing.application_save_draft(application=application, title=title, draft_facts=facts or DRUG_FACTS, by=by)
    if documents:
        for document in call.program.document_types:
            filing.attachment_add(application=application, document_type=document["code"], upload=pdf(), by=by)
    return application


@pytest.fixture
def submitted(drug_call, alice):
    application = make_draft(drug_call, alice)
    return filing.application_submit(application=application, by=alice)
