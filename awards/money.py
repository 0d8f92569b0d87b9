"""The Finance Bureau's records: payments (instalments) and clawbacks. Running totals live on the award
row and change only under its lock, so the sum paid never exceeds the award."""

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards import permissions
from awards.lifecycle import TABLE, AwardAction, award_move
from awards.models import Award, AwardState, Clawback, Letter, Payment, RevocationCause
from awards.revocation import letters_revoke
from portal.accounts.models import Organisation, User
from portal.amounts import amount_for
from portal.errors import ErrorCode, PortalError

PAYABLE = {state for state, action in TABLE if action == AwardAction.PAYMENT_RECORDED}
BAN_YEARS = 3


# What a payment must satisfy beyond the award's own rules, registered by the apps above in their
# AppConfig.ready() (awards/projects/apps.py: an award with a project is paid only by its schedule's instalments).
# A rule answers the reason a payment is refused, or None; it gets the award (locked) and the instalment the
# payment is for (None for a payment recorded on the award alone).
PaymentRule = Callable[[Award, object | None], str | None]
_PAYMENT_RULES: list[PaymentRule] = []


def add_payment_rule(rule: PaymentRule) -> None:
    if rule not in _PAYMENT_RULES:
        _PAYMENT_RULES.append(rule)


def payment_rules() -> list[PaymentRule]:
    return list(_PAYMENT_RULES)


def payment_refusal(award: Award, instalment: object | None = None) -> str | None:
    """Why a payment on `award` (for `instalment`) would be refused by a registered rule; None when none refuses."""
    for rule in _PAYMENT_RULES:
        reason = rule(award, instalment)
        if reason:
            return reason
    return None


def _amount(value, field: str = "amount") -> Decimal:
    amount = amount_for(value, field=field)
    if amount <= 0:
        raise PortalError(ErrorCode.INVALID, _("Enter a positive amount in yuan (at most two decimals)."), field=field)
    return amount


def _locked(award: Award, by: User) -> Award:
    award = Award.objects.select_for_update(of=("self",)).select_related("application", "decision").get(pk=award.pk)
    allowed, reason = permissions.can_record_money(by, award)
    if not allowed:
        raise PortalError(ErrorCode.NOT_ALLOWED, reason)
    return award


@transaction.atomic
def payment_record(
    *, award: Award, by: User, amount, paid_on: date, reference: str = "", instalment: object | None = None
) -> Payment:
    """`instalment`: what the payment pays in a schedule kept by an app above (awards/projects), for its rules."""
    award = _locked(award, by)
    amount = _amount(amount)
    if award.state not in PAYABLE:
        raise PortalError(ErrorCode.ILLEGAL_TRANSITION, _("Payments are made once the decision letter is issued."))
    refusal = payment_refusal(award, instalment)
    if refusal:
        raise PortalError(ErrorCode.ILLEGAL_TRANSITION, refusal)
    if paid_on > timezone.localdate():
        raise PortalError(ErrorCode.INVALID, _("A payment cannot be dated in the future."), field="paid_on")
    left = award.amount - award.paid
    if amount > left:
        raise PortalError(
            ErrorCode.INVALID,
            _("This would pay more than the award: %(left)s yuan is left to pay.") % {"left": left},
            field="amount",
        )
    payment = Payment.objects.create(award=award, amount=amount, paid_on=paid_on, reference=reference, recorded_by=by)
    paid = award.paid + amount
    award_move(
        award=award,
        action=AwardAction.PAYMENT_RECORDED,
        by=by,
        # Paid in full, the award is disbursed; an instalment leaves it where it is.
        to=AwardState.DISBURSED if paid == award.amount else award.state,
        data={"amount": str(amount), "paid_on": paid_on.isoformat()},
        paid=paid,
    )
    return payment


@transaction.atomic
def clawback_record(*, award: Award, by: User, amount, reason: str, fraud: bool = False) -> Clawback:
    award = _locked(award, by)
    amount = _amount(amount)
    reason = (reason or "").strip()
    if not reason:
        raise PortalError(ErrorCode.REQUIRED, _("Give the reason for the clawback."), field="reason")
    if amount > award.paid - award.clawed_back:
        raise PortalError(
            ErrorCode.INVALID,
            _("Only money paid can be clawed back: %(left)s yuan.") % {"left": award.paid - award.clawed_back},
            field="amount",
        )
    clawback = Clawback.objects.create(award=award, amount=amount, reason=reason, fraud=fraud, recorded_by=by)
    award_move(
        award=award,
        action=AwardAction.CLAWBACK_RECORDED,
        by=by,
        reason=reason,
        data={"amount": str(amount), "fraud": fraud},
        clawed_back=award.clawed_back + amount,
    )
    if fraud:
        fraud_ban(organisation_id=award.organisation_id)
        # Support obtained with false information: the decision letter no longer stands (its page says so).
        letters_revoke(
            letters=Letter.objects.filter(award=award), reason=reason, cause=RevocationCause.FRAUD_CLAWBACK, by=by
        )
    return clawback


def fraud_ban(*, organisation_id: int) -> Organisation:
    """Fraud: a credit record and a three-year ban from applying (SPEC §5, "How a real call runs"). Called in the
    transaction of the act that found it (a clawback for fraud, a failed acceptance for fraud)."""
    organisation = Organisation.objects.select_for_update().get(pk=organisation_id)
    today = timezone.localdate()
    organisation.credit_flag = True
    organisation.banned_until = (
        today.replace(year=today.year + BAN_YEARS)
        if not (today.month == 2 and today.day == 29)
        else today.replace(year=today.year + BAN_YEARS, day=28)
    )
    organisation.save(update_fields=["credit_flag", "banned_until"])
    return organisation
