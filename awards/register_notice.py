"""Public notice (公示) of a register's new entries, as of a call's awards (awards/notice.py): the lead publishes the
entries its call approved for the call's notice period, anyone identified may object in writing, and the beat lists
every entry whose notice ended without an open objection. An upheld objection sends the application back to the
lead commission and the entry is overturned. Renewals are not noticed again: the entry was published once, and
its new period shows on the public register at once."""

from datetime import date

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import workflow
from applications.models import Call
from awards import permissions
from awards.models import EntryState, Objection, ObjectionState, RegisterEntry, RevocationCause
from awards.notice import notice_until, objector_identity
from awards.objection_news import tell_lead_of_objection
from awards.register import validity
from awards.register_lifecycle import RegisterAction, entry_move, entry_record
from awards.revocation import letters_revoke
from portal.accounts.models import User
from portal.errors import ErrorCode, PortalError
from portal.queueing import enqueue_on_commit


def _duplicate() -> PortalError:
    return PortalError(
        ErrorCode.OBJECTION_DUPLICATE,
        _("You already have an open objection to this entry; it will be answered before the entry is listed."),
        field="id_number",
    )


def _refuse(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PortalError(ErrorCode.NOT_ALLOWED, reason)


@transaction.atomic
def register_notice_publish(*, call: Call, by: User) -> list[RegisterEntry]:
    """Publish every entry of the call awaiting its notice."""
    _refuse(permissions.can_publish_notice(by, call))
    call = Call.objects.select_for_update(of=("self",)).select_related("program").get(pk=call.pk)
    waiting = list(
        RegisterEntry.objects.select_for_update(of=("self",))
        .filter(call=call, state=EntryState.AWAITING_NOTICE)
        .order_by("pk")
    )
    if not waiting:
        raise PortalError(ErrorCode.INVALID, _("This call has no approved entry waiting for its notice."))
    today = timezone.localdate()
    until = notice_until(call, today)
    return [
        entry_move(
            entry=entry,
            action=RegisterAction.NOTICE_PUBLISHED,
            by=by,
            data={"until": until.isoformat()},
            notice_from=today,
            notice_until=until,
        )
        for entry in waiting
    ]


def entry_objection_file(
    *, entry: RegisterEntry, name: str, id_number: str, phone: str, text: str, organisation: str = "", email: str = ""
) -> Objection:
    """A written objection by an identified person or organisation while the entry is on notice; one open
    objection per objector and entry (the rules of an award's objections)."""
    errors = {}
    for field, value in {"name": name, "id_number": id_number, "phone": phone, "text": text}.items():
        if not (value or "").strip():
            errors[field] = [_("Anonymous objections are not accepted: this is required.")]
    if errors:
        raise PortalError(ErrorCode.REQUIRED, errors=errors)
    identity = objector_identity(id_number=id_number, organisation=organisation)
    with transaction.atomic():
        entry = RegisterEntry.objects.select_for_update(of=("self",)).select_related("application").get(pk=entry.pk)
        today = timezone.localdate()
        if entry.state != EntryState.IN_NOTICE or not (entry.notice_from <= today <= entry.notice_until):
            raise PortalError(ErrorCode.ILLEGAL_TRANSITION, _("This entry is not on public notice."))
        if entry.objections.filter(id_number=identity, state=ObjectionState.OPEN).exists():
            raise _duplicate()
        try:
            with transaction.atomic():
                objection = Objection.objects.create(
                    entry=entry,
                    name=name.strip(),
                    organisation=organisation.strip(),
                    id_number=identity,
                    phone=phone.strip(),
                    email=email.strip(),
                    text=text.strip(),
                )
        except IntegrityError:
            raise _duplicate() from None
        entry_record(entry=entry, action=RegisterAction.OBJECTION_FILED, public=False, data={"objection": objection.pk})
        # The register's own event is no audit event; the item stands without one.
        tell_lead_of_objection(objection=objection, event=None)
    return objection


@transaction.atomic
def entry_objection_resolve(*, objection: Objection, by: User, upheld: bool, resolution: str) -> Objection:
    objection = (
        Objection.objects.select_for_update(of=("self",))
        .select_related("entry__program", "entry__application")
        .get(pk=objection.pk)
    )
    entry = objection.entry
    if entry is None:
        raise PortalError(ErrorCode.INVALID, _("This objection is about an award, not a register entry."))
    _refuse(permissions.can_resolve_entry_objection(by, entry))
    if objection.state != ObjectionState.OPEN:
        raise PortalError(ErrorCode.ILLEGAL_TRANSITION, _("This objection is already resolved."))
    resolution = (resolution or "").strip()
    if not resolution:
        raise PortalError(ErrorCode.REQUIRED, _("Record how the objection was resolved."), field="resolution")
    objection.state = ObjectionState.UPHELD if upheld else ObjectionState.DISMISSED
    objection.resolution, objection.resolved_by, objection.resolved_at = resolution, by, timezone.now()
    objection.save()
    data = {"objection": objection.pk, "upheld": upheld}
    if upheld:
        # Back to the lead commission: the application returns to department review for a new decision.
        workflow.transition(
            application=entry.application, action=workflow.Action.REOPEN_AFTER_OBJECTION, by=by, reason=resolution
        )
        entry_move(
            entry=entry, action=RegisterAction.OBJECTION_RESOLVED, by=by, reason=resolution, public=False, data=data
        )
        # Any certificate of the entry no longer stands; the resolution is the commission's record, not public.
        letters_revoke(letters=entry.certificates.all(), reason="", cause=RevocationCause.OBJECTION_UPHELD, by=by)
    else:
        entry_record(
            entry=entry, action=RegisterAction.OBJECTION_RESOLVED, by=by, reason=resolution, public=False, data=data
        )
    return objection


@transaction.atomic
def register_notices_close(*, today: date | None = None) -> list[RegisterEntry]:
    """List every entry whose notice ended without an open objection, valid from `today` for its program's
    years, and queue its certificate (Celery beat)."""
    today = today or timezone.localdate()
    ended = (
        RegisterEntry.objects.select_for_update(skip_locked=True, of=("self",))
        .filter(state=EntryState.IN_NOTICE, notice_until__lt=today)
        .exclude(objections__state=ObjectionState.OPEN)
        .select_related("program")
    )
    listed = []
    for entry in ended:
        start, until = validity(entry.program, today)
        listed.append(entry_move(entry=entry, action=RegisterAction.LISTED, valid_from=start, valid_to=until))
        enqueue_on_commit("awards.tasks.issue_certificate", entry.decision_id)
    return listed
