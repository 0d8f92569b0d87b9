"""A register entry's lifecycle: (state, action) -> the state it moves to, and `entry_move()`, the only writer of
`RegisterEntry.state`. Each move locks the entry's row, writes an append-only `RegisterEvent` (who, when, why, the
validity after it) and the audit event on the application behind the entry, whose e-mail goes to the holder.

    awaiting_notice -> in_notice -> valid -> expired
                           |          | \\-> removed
                           v          \\--> valid (renewed; an expired entry too)
                       overturned

Creation is not a move: `awards/register.on_approved` writes a new entry as AWAITING_NOTICE (and records it).
"""

from enum import StrEnum

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import AuditEvent
from applications.notifications import outbox_for_event
from awards.models import EntryState as S
from awards.models import Letter, RegisterEntry, RegisterEvent
from portal.accounts.models import User
from portal.errors import ErrorCode, PortalError


class RegisterAction(StrEnum):
    """Moves and recorded facts of an entry; each is also the name of its audit event (distinct from an award's)."""

    CREATED = "entry_created"  # recorded: the approval that made it
    NOTICE_PUBLISHED = "entry_notice_published"
    OBJECTION_FILED = "entry_objection_filed"  # recorded, never a move
    # Upheld, a move to OVERTURNED; dismissed, recorded without a move (the entry stays on notice).
    OBJECTION_RESOLVED = "entry_objection_resolved"
    LISTED = "entry_listed"
    CERTIFICATE_ISSUED = "certificate_issued"  # recorded: the listing's or a renewal's certificate
    RENEWAL_REMINDED = "renewal_reminded"  # recorded: once per period of validity
    RENEWED = "entry_renewed"
    EXPIRED = "entry_expired"
    REMOVED = "entry_removed"


A = RegisterAction
TABLE: dict[tuple[S, A], S] = {
    (S.AWAITING_NOTICE, A.NOTICE_PUBLISHED): S.IN_NOTICE,
    (S.IN_NOTICE, A.LISTED): S.VALID,
    (S.IN_NOTICE, A.OBJECTION_RESOLVED): S.OVERTURNED,
    (S.VALID, A.RENEWED): S.VALID,
    (S.EXPIRED, A.RENEWED): S.VALID,
    (S.VALID, A.EXPIRED): S.EXPIRED,
    (S.VALID, A.REMOVED): S.REMOVED,
}
# What the holder is told by e-mail (the listing and a renewal through their certificate, which the mail attaches).
NOTIFIED = {A.NOTICE_PUBLISHED, A.CERTIFICATE_ISSUED, A.RENEWAL_REMINDED, A.EXPIRED, A.REMOVED}

LABELS = {
    A.CREATED: gettext_lazy("Approved for the register"),
    A.NOTICE_PUBLISHED: gettext_lazy("Listing on public notice"),
    A.OBJECTION_FILED: gettext_lazy("Objection to the listing filed"),
    A.OBJECTION_RESOLVED: gettext_lazy("Objection to the listing resolved"),
    A.LISTED: gettext_lazy("Listed in the register"),
    A.CERTIFICATE_ISSUED: gettext_lazy("Certificate issued"),
    A.RENEWAL_REMINDED: gettext_lazy("Renewal reminder sent"),
    A.RENEWED: gettext_lazy("Listing renewed"),
    A.EXPIRED: gettext_lazy("Listing expired"),
    A.REMOVED: gettext_lazy("Removed from the register"),
}


def target(state: str, action: str) -> S | None:
    """The state `action` moves an entry in `state` to; None when the move is not possible."""
    return TABLE.get((state, action))


def _write(
    entry: RegisterEntry,
    action: A,
    *,
    source: str,
    by: User | None,
    reason: str,
    certificate: Letter | None,
    data: dict | None,
    public: bool,
) -> RegisterEvent:
    """The history row and the audit event, both on the application behind the entry now (its listing or its
    latest renewal)."""
    event = RegisterEvent.objects.create(
        entry=entry,
        action=action,
        from_state=source,
        to_state=entry.state,
        by=by,
        reason=reason,
        valid_from=entry.valid_from,
        valid_to=entry.valid_to,
        application=entry.application,
        certificate=certificate,
        data=data or {},
    )
    audit = AuditEvent.record(
        application=entry.application,
        by=by,
        action=action,
        reason=reason,
        data={"entry": entry.pk, "entry_state": entry.state, "valid_to": str(entry.valid_to or ""), **(data or {})},
        public=public,
    )
    if action in NOTIFIED and public:
        outbox_for_event(audit)
    return event


def entry_record(
    *,
    entry: RegisterEntry,
    action: A,
    by: User | None = None,
    reason: str = "",
    certificate: Letter | None = None,
    data: dict | None = None,
    public: bool = True,
) -> RegisterEvent:
    """A fact of the entry's history that does not move it (its creation, a certificate, a reminder, an objection)."""
    with transaction.atomic():
        return _write(
            entry,
            action,
            source=entry.state,
            by=by,
            reason=reason,
            certificate=certificate,
            data=data,
            public=public,
        )


def entry_move(
    *,
    entry: RegisterEntry,
    action: A,
    by: User | None = None,
    reason: str = "",
    data: dict | None = None,
    public: bool = True,
    **fields,
) -> RegisterEntry:
    """Move `entry` by `action`, setting `fields` with it, under the entry's row lock (taken here; a caller that
    holds it already keeps it), and record the move. A renewal sets the entry's `application` and `decision` to
    its own, so its event is on the renewal's file. An illegal move raises PortalError and changes nothing.
    Returns the entry as now stored."""
    with transaction.atomic():
        locked = RegisterEntry.objects.select_for_update(of=("self",)).select_related("application").get(pk=entry.pk)
        moved_to = target(locked.state, action)
        if moved_to is None:
            raise PortalError(
                ErrorCode.ILLEGAL_TRANSITION,
                _("“%(action)s” is not possible while the entry is “%(state)s”.")
                % {"action": LABELS[action], "state": locked.get_state_display()},
            )
        source = locked.state
        locked.state = moved_to
        for name, value in fields.items():
            setattr(locked, name, value)
        locked.save(update_fields=["state", "updated_at", *fields])
        _write(
            locked,
            action,
            source=source,
            by=by,
            reason=reason,
            certificate=None,
            data=data,
            public=public,
        )
    return locked
