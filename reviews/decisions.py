"""The lead commission's decision: effects of the `approve` and `reject` steps of the workflow."""

from decimal import Decimal

from django.utils.translation import gettext as _

from applications.models import Application
from portal.accounts.models import User
from portal.amounts import amount_for
from portal.errors import ErrorCode, PortalError
from reviews.models import Decision, DecisionOutcome, Outcome, TaskKind
from reviews.routing import check_decision_ready, open_tasks


def _recommended(application: Application, value, reason: str) -> Decimal | None:
    if value in (None, ""):
        return None
    if not application.call.program.is_grant:
        raise PortalError(
            ErrorCode.INVALID,
            _("This measure grants a status, not money; no amount can be recommended."),
            field="recommended_amount",
        )
    amount = amount_for(value, field="recommended_amount")
    if not application.track.rate_is_ceiling:
        raise PortalError(
            ErrorCode.INVALID,
            _("This measure pays a fixed rate; a lower amount cannot be recommended."),
            field="recommended_amount",
        )
    if application.estimated_amount is not None and amount >= application.estimated_amount:
        raise PortalError(
            ErrorCode.INVALID,
            _("A recommendation can only lower the amount (the formula gives %(amount)s).")
            % {"amount": application.estimated_amount},
            field="recommended_amount",
        )
    if not reason:
        raise PortalError(ErrorCode.REQUIRED, _("Give the reason for the lower amount."), field="reason")
    return amount


def _close_review(application: Application, by: User, outcome: str, reasons: str) -> None:
    # The lead's own review task ends with the decision; co-reviewers' tasks whose deadline passed
    # (the decision went ahead without them) leave the queues.
    for task in open_tasks(application, TaskKind.OPINION).select_for_update():
        if task.is_lead:
            task.close(by=by, outcome=outcome, reasons=reasons, timed=False)
        else:
            task.cancel()


def on_approved(*, application: Application, by: User, reason: str = "", recommended_amount=None, **_payload):
    check_decision_ready(application, approving=True)
    amount = _recommended(application, recommended_amount, reason)
    Decision.objects.create(
        application=application,
        version=application.current_version,
        outcome=DecisionOutcome.APPROVED,
        recommended_amount=amount,
        reasons=reason,
        decided_by=by,
    )
    _close_review(application, by, Outcome.SUPPORT, reason)
    return None, {"recommended_amount": None if amount is None else str(amount)}


def on_rejected(*, application: Application, by: User, reason: str = "", **_payload):
    check_decision_ready(application, approving=False)
    Decision.objects.create(
        application=application,
        version=application.current_version,
        outcome=DecisionOutcome.REJECTED,
        reasons=reason,
        decided_by=by,
    )
    _close_review(application, by, Outcome.OBJECT, reason)
    open_tasks(application, TaskKind.BUDGET).cancel()
    return None, {}
