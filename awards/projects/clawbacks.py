"""The clawback of a failed project: proposed by the failure with what was paid, the amount editable by the lead
commission with a reason, the repayment recorded by the Finance Bureau through the award's own clawback
(`awards.money.clawback_record`: the award's lock, its clawed-back total, the credit record and ban for fraud)."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import money
from awards.projects import permissions
from awards.projects.lifecycle import ProjectAction, lock, project_step
from awards.projects.models import ClawbackProposal
from portal.accounts.models import User
from portal.amounts import amount_for
from portal.errors import ErrorCode, PortalError


def _locked(proposal: ClawbackProposal) -> ClawbackProposal:
    project = lock(proposal.project_id)
    proposal = ClawbackProposal.objects.select_for_update(of=("self",)).get(pk=proposal.pk)
    proposal.project = project
    return proposal


def _refuse(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PortalError(ErrorCode.NOT_ALLOWED, reason)


@transaction.atomic
def proposal_amend(*, proposal: ClawbackProposal, by: User, amount, reason: str) -> ClawbackProposal:
    proposal = _locked(proposal)
    _refuse(permissions.can_amend_clawback(by, proposal))
    amount = amount_for(amount, field="amount")
    award = proposal.project.award
    owed = award.paid - award.clawed_back
    if not 0 < amount <= owed:
        raise PortalError(
            ErrorCode.INVALID,
            _("The clawback is more than 0 and at most what was paid: %(owed)s yuan.") % {"owed": owed},
            field="amount",
        )
    project_step(
        project=proposal.project,
        action=ProjectAction.CLAWBACK_AMENDED,
        by=by,
        subject=proposal,
        reason=reason,
        data={"amount": str(amount), "was": str(proposal.amount)},
        amount=amount,
        amended_by=by,
        amended_at=timezone.now(),
    )
    return proposal


@transaction.atomic
def repayment_record(*, proposal: ClawbackProposal, by: User) -> ClawbackProposal:
    proposal = _locked(proposal)
    _refuse(permissions.can_record_repayment(by, proposal))
    project = proposal.project
    clawback = money.clawback_record(
        award=project.award, by=by, amount=proposal.amount, reason=proposal.grounds, fraud=proposal.fraud
    )
    project_step(
        project=project,
        action=ProjectAction.REPAYMENT_RECORDED,
        by=by,
        subject=proposal,
        data={"amount": str(proposal.amount), "fraud": proposal.fraud},
        clawback=clawback,
    )
    project_step(project=project, action=ProjectAction.PROJECT_CLAWED_BACK, by=by, reason=proposal.grounds)
    return proposal
