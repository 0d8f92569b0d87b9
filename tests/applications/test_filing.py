"""Filing: drafts, documents, submission rules, frozen versions, return and resubmission, withdrawal."""

from decimal import Decimal

import pytest

from applications import filing, workflow
from applications.models import Application, ApplicationVersion, AuditEvent, State
from portal.errors import ErrorCode, PortalError
from tests import journeys
from tests.factories import member
from tests.filings import DRUG_FACTS, EXE, PNG, make_draft, pdf


def refused(code: ErrorCode, call, **kwargs):
    with pytest.raises(PortalError) as error:
        call(**kwargs)
    assert error.value.code == code, error.value.errors
    return error.value


def test_draft_keeps_what_was_typed_even_if_wrong(filing_call, alice):
    application = make_draft(filing_call, alice, facts={**DRUG_FACTS, "rd_spending": "-5"}, documents=False)
    application.refresh_from_db()
    assert application.draft_facts["rd_spending"] == "-5"
    assert application.state == State.DRAFT
    assert application.estimated_amount is None


def test_complete_draft_carries_the_estimate(filing_call, alice):
    application = make_draft(filing_call, alice, documents=False)
    assert application.estimated_amount == Decimal(4_000_000)


def test_submission_freezes_a_version_and_gives_a_receipt(submitted, alice):
    assert submitted.state == State.SUBMITTED
    assert submitted.receipt_number == f"{submitted.call.year}-STCSM-{submitted.pk:06d}"
    version = submitted.current_version
    assert version.number == 1
    assert version.facts["rd_spending"] == "10000000"
    assert version.product_key == "CXHL2400123"
    assert version.attachments.count() == 3
    assert version.estimate["amount"] == "4000000"
    event = AuditEvent.objects.get(application=submitted)
    assert (event.action, event.from_state, event.to_state, event.actor, event.version) == (
        "submit",
        "draft",
        "submitted",
        alice,
        version,
    )


def test_submitted_version_is_immutable(submitted, alice):
    before = ApplicationVersion.objects.get(pk=submitted.current_version.pk).facts
    refused(
        ErrorCode.ILLEGAL_TRANSITION,
        filing.application_save_draft,
        application=submitted,
        title="changed",
        draft_facts={**DRUG_FACTS, "rd_spending": "99999999"},
        by=alice,
    )
    refused(
        ErrorCode.ILLEGAL_TRANSITION,
        filing.attachment_add,
        application=submitted,
        document_type="pledge",
        upload=pdf(),
        by=alice,
    )
    refused(ErrorCode.ILLEGAL_TRANSITION, filing.attachment_remove, attachment=submitted.attachments.first(), by=alice)
    assert ApplicationVersion.objects.get(pk=submitted.current_version.pk).facts == before
    assert Application.objects.get(pk=submitted.pk).draft_facts["rd_spending"] == "10000000"


def test_audit_events_cannot_be_changed_or_deleted(submitted):
    event = AuditEvent.objects.get(application=submitted)
    event.reason = "rewritten"
    with pytest.raises(ValueError):
        event.save()
    with pytest.raises(ValueError):
        event.delete()


def test_submission_validates_every_fact(filing_call, alice):
    application = make_draft(filing_call, alice, facts={**DRUG_FACTS, "rd_spending": "-5", "drug_category": ""})
    error = refused(ErrorCode.INVALID, filing.application_submit, application=application, by=alice)
    assert set(error.errors["facts"]) >= {"rd_spending", "drug_category"}
    assert Application.objects.get(pk=application.pk).state == State.DRAFT
    assert not ApplicationVersion.objects.exists()


def test_missing_documents_are_named(filing_call, alice):
    application = make_draft(filing_call, alice, documents=False)
    error = refused(ErrorCode.MISSING_DOCUMENTS, filing.application_submit, application=application, by=alice)
    assert "Pledge of truthfulness" in error.errors["attachments"][0]


def test_a_refused_submission_names_the_wrong_facts_and_the_missing_documents_together(filing_call, alice):
    application = make_draft(filing_call, alice, facts={**DRUG_FACTS, "rd_spending": "1,000万"}, documents=False)
    error = refused(ErrorCode.INVALID, filing.application_submit, application=application, by=alice)
    assert set(error.errors["facts"]) == {"rd_spending"}
    assert "Pledge of truthfulness" in error.errors["attachments"][0]
    assert Application.objects.get(pk=application.pk).state == State.DRAFT


def test_milestone_outside_the_calls_window_is_refused(filing_call, alice):
    filing_call.milestone_windows = {"*": {"from": "2025-01-01", "to": "2025-12-31"}}
    filing_call.save()
    application = make_draft(filing_call, alice)
    error = refused(ErrorCode.INVALID, filing.application_submit, application=application, by=alice)
    assert "2025-01-01" in error.errors["facts"]["milestone_date"][0]


def test_milestone_before_the_policy_was_in_force_is_refused(filing_call, alice):
    # 2023: policy A was in force, not policy C, whose program this call opens.
    application = make_draft(filing_call, alice, facts={**DRUG_FACTS, "milestone_date": "2023-03-01"})
    error = refused(ErrorCode.INVALID, filing.application_submit, application=application, by=alice)
    assert "policy in force on the milestone date" in error.errors["facts"]["milestone_date"][0]


def test_per_applicant_limit_counts_submitted_not_drafts_or_withdrawn(filing_call, alice, bob):
    first = filing.application_submit(application=make_draft(filing_call, alice, title="A"), by=alice)
    filing.application_submit(application=make_draft(filing_call, bob, title="B"), by=bob)
    filing.application_submit(application=make_draft(filing_call, alice, title="C"), by=alice)
    fourth = make_draft(filing_call, bob, title="D")
    error = refused(ErrorCode.LIMIT_REACHED, filing.application_submit, application=fourth, by=bob)
    assert "at most 3" in str(error.errors[None][0])
    filing.application_withdraw(application=first, by=alice, reason="filed twice by mistake")
    assert filing.application_submit(application=fourth, by=bob).state == State.SUBMITTED


def test_limit_is_per_organisation(filing_call, alice, charlie):
    for title in "ABC":
        filing.application_submit(application=make_draft(filing_call, alice, title=title), by=alice)
    assert filing.application_submit(application=make_draft(filing_call, charlie), by=charlie).state == State.SUBMITTED


def test_ineligible_facts_are_refused_with_the_reason(catalogue, alice):
    from datetime import timedelta

    from django.utils import timezone

    from applications.models import Program
    from applications.services import call_create

    now = timezone.now()
    call = call_create(
        program=Program.objects.get(code="INTL24-OVERSEAS-LAUNCH"),
        year=now.year,
        title_en="Launch",
        title_zh="上市",
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=10),
        track_terms={"*": {"rate": "0.3", "cap": "5000000"}},
    )
    facts = {"rd_spending": "1000000", "product_key": "X1", "milestone_date": "2025-05-05"}  # no agency ticked
    application = make_draft(call, alice, track="", facts=facts)
    error = refused(ErrorCode.INELIGIBLE, filing.application_submit, application=application, by=alice)
    assert "at least one overseas regulator" in error.errors[None][0]


def test_return_for_correction_then_resubmit_keeps_earlier_versions(submitted, alice, stcsm_officer):
    workflow.transition(application=submitted, action="start_formal_check", by=stcsm_officer)
    refused(
        ErrorCode.REQUIRED, workflow.transition, application=submitted, action="return_for_correction", by=stcsm_officer
    )
    workflow.transition(
        application=submitted, action="return_for_correction", by=stcsm_officer, reason="The audit report is unsigned."
    )
    returned = Application.objects.get(pk=submitted.pk)
    assert returned.state == State.RETURNED
    filing.application_save_draft(
        application=returned, title=returned.title, draft_facts={**DRUG_FACTS, "rd_spending": "8000000"}, by=alice
    )
    resubmitted = filing.application_submit(application=returned, by=alice)
    assert resubmitted.state == State.SUBMITTED
    assert resubmitted.receipt_number == submitted.receipt_number
    v1, v2 = resubmitted.versions.order_by("number")
    assert (v1.number, v1.facts["rd_spending"]) == (1, "10000000")
    assert (v2.number, v2.facts["rd_spending"]) == (2, "8000000")
    assert [e.action for e in resubmitted.events.order_by("at", "pk")] == [
        "submit",
        "start_formal_check",
        "return_for_correction",
        "resubmit",
    ]


def test_withdrawal_before_decision_needs_a_reason(submitted, alice):
    refused(ErrorCode.REQUIRED, filing.application_withdraw, application=submitted, by=alice, reason="  ")
    withdrawn = filing.application_withdraw(application=submitted, by=alice, reason="The trial was stopped.")
    assert withdrawn.state == State.WITHDRAWN
    refused(ErrorCode.ILLEGAL_TRANSITION, filing.application_withdraw, application=withdrawn, by=alice, reason="again")


def test_decided_application_cannot_be_withdrawn(submitted, alice):
    journeys.approve(submitted)
    refused(ErrorCode.ILLEGAL_TRANSITION, filing.application_withdraw, application=submitted, by=alice, reason="late")


def test_colleague_may_file_and_outsider_may_not(filing_call, alice, bob, charlie):
    application = make_draft(filing_call, alice)
    filing.application_save_draft(application=application, title="by bob", draft_facts=DRUG_FACTS, by=bob)
    refused(
        ErrorCode.NOT_ALLOWED,
        filing.application_save_draft,
        application=application,
        title="x",
        draft_facts=DRUG_FACTS,
        by=charlie,
    )
    refused(ErrorCode.NOT_ALLOWED, filing.application_submit, application=application, by=charlie)
    assert filing.application_submit(application=application, by=bob).state == State.SUBMITTED


def test_illegal_step_changes_nothing(submitted, alice, sheitc_officer):
    events = AuditEvent.objects.count()
    refused(ErrorCode.ILLEGAL_TRANSITION, workflow.transition, application=submitted, action="approve", by=alice)
    # SHEITC does not lead BIO24-DRUG-INNOVATIVE: the step exists, the officer may not take it.
    refused(
        ErrorCode.NOT_ALLOWED,
        workflow.transition,
        application=submitted,
        action="start_formal_check",
        by=sheitc_officer,
    )
    assert AuditEvent.objects.count() == events
    assert Application.objects.get(pk=submitted.pk).state == State.SUBMITTED


# --- documents ------------------------------------------------------------------------------------


def test_exe_renamed_to_pdf_is_refused(filing_call, alice):
    application = make_draft(filing_call, alice, documents=False)
    error = refused(
        ErrorCode.UPLOAD_REFUSED,
        filing.attachment_add,
        application=application,
        document_type="pledge",
        upload=pdf("pledge.pdf", EXE),
        by=alice,
    )
    assert "PDF, JPEG and PNG" in error.errors["file"][0]
    assert not application.attachments.exists()


def test_png_is_accepted_and_stored_under_our_own_name(filing_call, alice):
    application = make_draft(filing_call, alice, documents=False)
    upload = pdf("../../etc/passwd.png", PNG)
    attachment = filing.attachment_add(application=application, document_type="pledge", upload=upload, by=alice)
    assert attachment.content_type == "image/png"
    assert attachment.original_name.endswith("passwd.png")
    assert ".." not in attachment.file.name and attachment.file.name.startswith("attachments/")
    assert attachment.file.name.endswith(".png")


def test_oversized_upload_is_refused(filing_call, alice, monkeypatch):
    monkeypatch.setattr(filing, "MAX_UPLOAD_BYTES", 100)
    application = make_draft(filing_call, alice, documents=False)
    refused(
        ErrorCode.UPLOAD_REFUSED,
        filing.attachment_add,
        application=application,
        document_type="pledge",
        upload=pdf(content=b"%PDF-1.4\n" + b"0" * 200),
        by=alice,
    )


def test_document_type_must_be_one_the_program_asks_for(filing_call, alice):
    application = make_draft(filing_call, alice, documents=False)
    refused(
        ErrorCode.INVALID,
        filing.attachment_add,
        application=application,
        document_type="contract",
        upload=pdf(),
        by=alice,
    )


def test_only_a_never_submitted_draft_can_be_deleted(filing_call, alice, submitted):
    draft = make_draft(filing_call, alice, title="scratch")
    filing.application_delete_draft(application=draft, by=alice)
    assert not Application.objects.filter(pk=draft.pk).exists()
    refused(ErrorCode.ILLEGAL_TRANSITION, filing.application_delete_draft, application=submitted, by=alice)


def test_an_applicant_whose_email_is_not_verified_cannot_submit(filing_call, org_a):
    # Receipts and the decision letter go to that address (issue 12, defect 13).
    dora = member(org_a, username="dora", email_verified_at=None)
    application = make_draft(filing_call, dora)
    error = refused(ErrorCode.EMAIL_NOT_VERIFIED, filing.application_submit, application=application, by=dora)
    assert "Confirm your e-mail address" in error.messages()[0]
    application.refresh_from_db()
    assert application.state == State.DRAFT and not application.versions.exists()
