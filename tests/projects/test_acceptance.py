"""Acceptance: applied for at the end with the final report and the audited spending; decided by the lead alone or
with an expert panel (declarations, the rubric); passed releases the last instalment; failed cancels what is
unpaid and proposes the clawback of what was paid; fraud brings the credit record and the three-year ban."""

from datetime import timedelta

import pytest
from django.utils import timezone

from applications.models import AuditEvent
from awards.models import Award, AwardState
from awards.projects import acceptance, clawbacks
from awards.projects.models import (
    AcceptanceOutcome,
    ClawbackProposal,
    InstalmentState,
    PanelAssignment,
    Project,
    ProjectState,
    ProposalState,
)
from portal.errors import ErrorCode, PortalError
from reviews.models import AssignmentState
from tests.factories import expert as make_expert
from tests.projects.builders import (
    acceptance_applied,
    all_reports_accepted,
    finance,
    full_scores,
    lead,
    pay,
)


def refused(code, call, **kwargs):
    with pytest.raises(PortalError) as error:
        call(**kwargs)
    assert error.value.code == code, error.value.errors
    return error.value


@pytest.fixture
def applied(running, alice):
    pay(running.instalments.get(number=1))
    return acceptance_applied(all_reports_accepted(running, alice), alice)


def test_acceptance_waits_for_every_report_and_both_documents(running, alice):
    error = refused(
        ErrorCode.NOT_ALLOWED,
        acceptance.acceptance_apply,
        project=running,
        by=alice,
        summary="x",
        audited_spending="1",
        achieved={},
    )
    assert str(error) == "Every progress report must be accepted first (2 still open)."
    project = all_reports_accepted(running, alice)
    error = refused(
        ErrorCode.INVALID,
        acceptance.acceptance_apply,
        project=project,
        by=alice,
        summary="",
        audited_spending="-1",
        achieved={},
    )
    assert set(error.errors) == {"summary", "audited_spending", "achieved_i1", "achieved_i2", "file"}


def test_passed_by_the_lead_alone_releases_the_last_instalment(applied):
    assert applied.state == ProjectState.ACCEPTANCE_APPLIED
    refused(
        ErrorCode.REQUIRED,
        acceptance.acceptance_decide,
        project=applied,
        by=lead(applied),
        outcome="passed",
        reasons="",
    )
    acceptance.acceptance_decide(
        project=applied, by=lead(applied), outcome=AcceptanceOutcome.PASSED, reasons="All met."
    )
    project = Project.objects.get(pk=applied.pk)
    assert project.state == ProjectState.PASSED
    pay(project.instalments.get(number=2))
    award = Award.objects.get(pk=project.award_id)
    assert (award.paid, award.state) == (award.amount, AwardState.DISBURSED)


def test_with_a_panel_the_experts_declare_then_score_then_the_lead_decides(applied, alice):
    wang, own = make_expert(username="dr-wang"), make_expert(username="dr-own", organisation=applied.organisation)
    refused(ErrorCode.REQUIRED, acceptance.panel_send, project=applied, by=lead(applied), experts=[])
    acceptance.panel_send(project=applied, by=lead(applied), experts=[wang, own])
    seat = PanelAssignment.objects.get(expert=wang)
    assert PanelAssignment.objects.get(expert=own).state == AssignmentState.SAME_ORGANISATION
    refused(ErrorCode.NOT_ALLOWED, acceptance.panel_score, seat=seat, by=wang, scores=full_scores())  # declare first
    refused(ErrorCode.NOT_ALLOWED, acceptance.panel_declare, seat=seat, by=own, has_conflict=False)
    acceptance.panel_declare(seat=seat, by=wang, has_conflict=False)
    # The decision waits for the score, or for the experts' deadline.
    error = refused(
        ErrorCode.SCORES_MISSING,
        acceptance.acceptance_decide,
        project=applied,
        by=lead(applied),
        outcome="passed",
        reasons="x",
    )
    assert "1 expert score" in str(error)
    error = refused(ErrorCode.INVALID, acceptance.panel_score, seat=seat, by=wang, scores={"goals": "101"})
    assert set(error.errors) == {"goals", "indicators", "spending"}
    acceptance.panel_score(seat=seat, by=wang, scores=full_scores(90), comment="Sound.")
    seat.refresh_from_db()
    assert (seat.state, seat.weighted_score) == (AssignmentState.SCORED, 90)
    summary = acceptance.panel_summary(acceptance.current(applied))
    assert (summary["count"], summary["average"], summary["waiting"]) == (1, 90, [])
    acceptance.acceptance_decide(
        project=applied, by=lead(applied), outcome=AcceptanceOutcome.PASSED, reasons="The panel scored it 90."
    )
    assert Project.objects.get(pk=applied.pk).state == ProjectState.PASSED
    scored = AuditEvent.objects.get(action="panel_scored")
    assert not scored.visible_to_applicant  # the experts' work is internal


def test_passed_with_conditions_holds_the_last_instalment_until_they_are_met(applied):
    refused(
        ErrorCode.REQUIRED,
        acceptance.acceptance_decide,
        project=applied,
        by=lead(applied),
        outcome="passed_with_conditions",
        reasons="Mostly.",
    )
    acceptance.acceptance_decide(
        project=applied,
        by=lead(applied),
        outcome="passed_with_conditions",
        reasons="Mostly.",
        conditions="File the CSR.",
    )
    last = Project.objects.get(pk=applied.pk).instalments.get(number=2)
    assert "conditions" in str(refused(ErrorCode.ILLEGAL_TRANSITION, pay, instalment=last))
    acceptance.conditions_confirm(project=applied, by=lead(applied), reason="The CSR was filed.")
    pay(last)


def test_failed_cancels_the_rest_and_proposes_to_claw_back_what_was_paid(applied):
    acceptance.acceptance_decide(
        project=applied, by=lead(applied), outcome=AcceptanceOutcome.FAILED, reasons="Indicators not met."
    )
    project = Project.objects.get(pk=applied.pk)
    assert project.state == ProjectState.FAILED
    assert project.instalments.get(number=2).state == InstalmentState.CANCELLED
    proposal = project.clawback_proposal
    assert (proposal.amount, proposal.state, proposal.grounds) == (
        2_000_000,
        ProposalState.PROPOSED,
        "Indicators not met.",
    )
    # The lead may lower it, with a reason; never above what was paid.
    refused(
        ErrorCode.INVALID, clawbacks.proposal_amend, proposal=proposal, by=lead(project), amount="2000001", reason="x"
    )
    refused(
        ErrorCode.REQUIRED, clawbacks.proposal_amend, proposal=proposal, by=lead(project), amount="1500000", reason=""
    )
    clawbacks.proposal_amend(
        proposal=proposal, by=lead(project), amount="1500000", reason="Part of the work is usable."
    )
    refused(ErrorCode.NOT_ALLOWED, clawbacks.repayment_record, proposal=proposal, by=lead(project))
    clawbacks.repayment_record(proposal=proposal, by=finance())
    project = Project.objects.get(pk=applied.pk)
    award = Award.objects.get(pk=project.award_id)
    assert project.state == ProjectState.CLAWED_BACK and project.clawback_proposal.state == ProposalState.RECORDED
    assert (award.state, award.clawed_back) == (AwardState.CLAWED_BACK, 1_500_000)
    assert project.clawback_proposal.clawback.amount == 1_500_000
    assert not award.organisation.credit_flag


def test_fraud_sets_the_credit_flag_and_the_three_year_ban(applied):
    acceptance.acceptance_decide(
        project=applied, by=lead(applied), outcome=AcceptanceOutcome.FAILED, reasons="Forged invoices.", fraud=True
    )
    proposal = Project.objects.get(pk=applied.pk).clawback_proposal
    assert proposal.fraud
    clawbacks.repayment_record(proposal=proposal, by=finance())
    organisation = Award.objects.get(pk=applied.award_id).organisation
    today = timezone.localdate()
    assert organisation.credit_flag and organisation.banned_until == today.replace(year=today.year + 3)


def test_fraud_with_nothing_paid_still_bans(running, alice):
    project = acceptance_applied(all_reports_accepted(running, alice), alice)
    refused(
        ErrorCode.INVALID,
        acceptance.acceptance_decide,
        project=project,
        by=lead(project),
        outcome="passed",
        reasons="x",
        fraud=True,
    )
    acceptance.acceptance_decide(project=project, by=lead(project), outcome="failed", reasons="Forged.", fraud=True)
    project = Project.objects.get(pk=project.pk)
    assert not ClawbackProposal.objects.filter(project=project).exists()  # nothing was paid, nothing to claw back
    assert project.organisation.credit_flag and project.organisation.banned_until > timezone.localdate() + timedelta(
        days=1000
    )


def test_the_lead_may_return_an_application_for_acceptance(applied, alice):
    refused(ErrorCode.REQUIRED, acceptance.acceptance_return, project=applied, by=lead(applied), reason="")
    acceptance.acceptance_return(project=applied, by=lead(applied), reason="The audit report is unsigned.")
    project = Project.objects.get(pk=applied.pk)
    assert project.state == ProjectState.IN_PROGRESS and acceptance.current(project).returned
    # Applying again needs the documents again.
    error = refused(
        ErrorCode.INVALID,
        acceptance.acceptance_apply,
        project=project,
        by=alice,
        summary="x",
        audited_spending="1",
        achieved={"i1": "1", "i2": "1"},
    )
    assert set(error.errors) == {"file"}
