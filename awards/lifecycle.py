"""The award's lifecycle: (state, action) -> the states it may move to, and `award_move()`, the only writer
of `Award.state`. Each move is an audit event on the award's application whose action is the move's
action, so the audit trail and the e-mail templates read the same names as this table.

Creation is not a move: `awards/services.award_compute` writes new awards as COMPUTED.
"""

from collections.abc import Callable
from enum import StrEnum

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import AuditEvent
from applications.notifications import outbox_for_event
from awards.models import Award
from awards.models import AwardState as S
from portal.accounts.models import User
from portal.errors import ErrorCode, PortalError


class AwardAction(StrEnum):
    NOTICE_PUBLISHED = "notice_published"
    OBJECTION_FILED = "objection_filed"  # recorded, never a move
    # Upheld, a move to OVERTURNED; dismissed, recorded without a move (the award stays on notice).
    OBJECTION_RESOLVED = "objection_resolved"
    AWARD_CONFIRMED = "award_confirmed"
    LETTER_ISSUED = "letter_issued"
    PAYMENT_RECORDED = "payment_recorded"
    CLAWBACK_RECORDED = "clawback_recorded"


A = AwardAction
# More than one target: the caller says which (`to=`), by its own rule (money.py: paid in full -> disbursed).
TABLE: dict[tuple[S, A], tuple[S, ...]] = {
    (S.COMPUTED, A.NOTICE_PUBLISHED): (S.PUBLICITY,),
    (S.PUBLICITY, A.AWARD_CONFIRMED): (S.CONFIRMED,),
    (S.PUBLICITY, A.OBJECTION_RESOLVED): (S.OVERTURNED,),
    (S.CONFIRMED, A.LETTER_ISSUED): (S.LETTER_ISSUED,),
    (S.LETTER_ISSUED, A.PAYMENT_RECORDED): (S.LETTER_ISSUED, S.DISBURSED),
    (S.DISBURSED, A.PAYMENT_RECORDED): (S.DISBURSED,),
    (S.LETTER_ISSUED, A.CLAWBACK_RECORDED): (S.CLAWED_BACK,),
    (S.DISBURSED, A.CLAWBACK_RECORDED): (S.CLAWED_BACK,),
    (S.CLAWED_BACK, A.CLAWBACK_RECORDED): (S.CLAWED_BACK,),
}
# Words for the events in an application's history (registered with the workflow in awards/apps.py).
LABELS = {
    A.NOTICE_PUBLISHED: gettext_lazy("Award on public notice"),
    A.OBJECTION_FILED: gettext_lazy("Objection to the award filed"),
    A.OBJECTION_RESOLVED: gettext_lazy("Objection to the award resolved"),
    A.AWARD_CONFIRMED: gettext_lazy("Award confirmed"),
    A.LETTER_ISSUED: gettext_lazy("Decision letter issued"),
    A.PAYMENT_RECORDED: gettext_lazy("Payment recorded"),
    A.CLAWBACK_RECORDED: gettext_lazy("Clawback recorded"),
}
# Moves whose applicant gets an e-mail, written to the outbox with the event (as in applications/workflow.py).
NOTIFIED = {A.NOTICE_PUBLISHED, A.LETTER_ISSUED, A.PAYMENT_RECORDED, A.CLAWBACK_RECORDED}


# What a move does beyond the award, registered by the apps above in their AppConfig.ready() with real imports
# (awards/projects/apps.py: a confirmed award opens its project). Each runs in the move's transaction, after its
# event is written, in the order registered; a PortalError it raises rolls the move back.
MoveEffect = Callable[[Award, AuditEvent], None]
_AFTER_MOVE: dict[str, list[MoveEffect]] = {}


def after_move(action: AwardAction, effect: MoveEffect) -> None:
    effects = _AFTER_MOVE.setdefault(action, [])
    if effect not in effects:
        effects.append(effect)


def after_move_of(action: str) -> list[MoveEffect]:
    return list(_AFTER_MOVE.get(action, []))


def targets(state: str, action: str) -> tuple[S, ...]:
    """The states `action` may move an award in `state` to; empty when the move is not possible."""
    return TABLE.get((state, action), ())


def award_record(
    *, award: Award, action: AwardAction, by: User | None = None, reason: str = "", data=None, public: bool = True
) -> AuditEvent:
    """An audit event about the award, on its application, which the award's event does not move."""
    return AuditEvent.record(
        application=award.application,
        by=by,
        action=action,
        version=award.decision.version,
        reason=reason,
        data={"award": award.pk, "award_state": award.state, **(data or {})},
        public=public,
    )


def award_move(
    *,
    award: Award,
    action: AwardAction,
    by: User | None = None,
    to: S | None = None,
    reason: str = "",
    data=None,
    public: bool = True,
    **fields,
) -> Award:
    """Move `award` by `action` (to `to` where the table allows several), set `fields` with it, save and
    record the event. The caller holds the award's row lock (select_for_update) in its transaction, so the
    check below sees the state it changes. An illegal move raises PortalError and changes nothing."""
    allowed = targets(award.state, action)
    target = to if to is not None else (allowed[0] if len(allowed) == 1 else None)
    if target not in allowed:
        raise PortalError(
            ErrorCode.ILLEGAL_TRANSITION,
            _("“%(action)s” is not possible while the award is “%(state)s”.")
            % {"action": action, "state": award.get_state_display()},
        )
    with transaction.atomic():
        award.state = target
        for name, value in fields.items():
            setattr(award, name, value)
        award.save(update_fields=["state", *fields])
        event = award_record(award=award, action=action, by=by, reason=reason, data=data, public=public)
        if action in NOTIFIED:
            outbox_for_event(event)
        for effect in after_move_of(action):
            effect(award, event)
    return award
