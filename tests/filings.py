"""What an applicant files, as the services take it: documents, facts, drafts and submissions."""

from django.core.files.uploadedfile import SimpleUploadedFile

from applications import filing

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
    "class_1": "true",
    "product_key": "CXHL2400123",
    "milestone_date": "2024-09-15",
}


def pdf(name="evidence.pdf", content=PDF):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def make_draft(call, by, *, track="phase_2", facts=None, title="Drug X phase 2", documents=True):
    application = filing.application_create(call=call, track=call.program.tracks.get(code=track), title=title, by=by)
    filing.application_save_draft(application=application, title=title, draft_facts=facts or DRUG_FACTS, by=by)
    if documents:
        for document in application.track.document_types:
            filing.attachment_add(application=application, document_type=document["code"], upload=pdf(), by=by)
    return application


def submit(call, by, **kwargs):
    return filing.application_submit(application=make_draft(call, by, **kwargs), by=by)


# A difficulty met abroad, as an enterprise reports it to the internationalisation desk.
DESK_FACTS = {
    "desk_difficulty": "Our phase 2 trial samples (frozen plasma) are held at export clearance for the US site.",
    "desk_market": "United States",
    "desk_area": "customs",
}


def case_draft(call, by, *, title="Trial samples held at customs", facts=None):
    application = filing.application_create(call=call, track=call.program.tracks.get(), title=title, by=by)
    filing.application_save_draft(application=application, title=title, draft_facts=facts or DESK_FACTS, by=by)
    return application


def open_case(call, by, **kwargs):
    """A desk case, submitted: in the lead's queue, to be routed."""
    return filing.application_submit(application=case_draft(call, by, **kwargs), by=by)
