"""Public notice (公示): a call's awards are published for objections for the call's notice period, then
confirmed automatically. An upheld objection sends the application back to the lead commission."""

from datetime import date, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import ric

from applications import workflow
from applications.models import Call, NoticeKind
from awards import permissions
from awards.lifecycle import AwardAction, award_move, award_record
from awards.models import Award, AwardState, Letter, Objection, ObjectionState, RevocationCause
from awards.objection_news import tell_lead_of_objection
from awards.revocation import letters_revoke
from awards.services import allocate_call_budget
from portal.accounts.models import Organisation, User
from portal.accounts.uscc import read_uscc
from portal.errors import ErrorCode, PortalError
from portal.queueing import enqueue_on_commit
from reviews.clock import add_working_days


def notice_until(call: Call, start: date) -> date:
    if call.notice_kind == NoticeKind.CALENDAR_DAYS_7:
        return start + timedelta(days=7)
    return add_working_days(start, 5)


def _refuse(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PortalError(ErrorCode.NOT_ALLOWED, reason)


@transaction.atomic
def notice_publish(*, call: Call, by: User) -> list[Award]:
    """Publish every computed award of the call, after allocating its budget in ranking order."""
    _refuse(permissions.can_publish_notice(by, call))
    call = Call.objects.select_for_update(of=("self",)).select_related("program").get(pk=call.pk)
    organisations = Award.objects.filter(call=call, state=AwardState.COMPUTED).values("organisation_id")
    list(Organisation.objects.select_for_update().filter(pk__in=organisations).order_by("pk"))
    batch = allocate_call_budget(call)
    if not batch:
        raise PortalError(ErrorCode.INVALID, _("This call has no computed award waiting for its notice."))
    today = timezone.localdate()
    until = notice_until(call, today)
    for award in batch:
        award_move(
            award=award,
            action=AwardAction.NOTICE_PUBLISHED,
            by=by,
            data={"until": until.isoformat()},
            notice_from=today,
            notice_until=until,
        )
    return batch


def objector_identity(*, id_number: str, organisation: str = "") -> str:
    """The objector's number, validated and normalised: the organisation's unified social credit code when
    they object for one, their resident identity card number otherwise. Raises PortalError on `id_number`."""
    number = "".join((id_number or "").split()).upper()  # stdnum strips the ends only; people type groups
    if (organisation or "").strip():
        return read_uscc(number, field="id_number").code
    try:
        return ric.validate(number)
    except stdnum_errors.InvalidChecksum:
        message = _("The check digit of this resident identity card number is wrong; please check the number.")
    except stdnum_errors.ValidationError:
        message = _(
            "A resident identity card number has 18 characters: 17 digits with a real date of birth, then a "
            "check digit or X. If you object for an organisation, name it and give its unified social credit code."
        )
    raise PortalError(ErrorCode.ID_NUMBER_INVALID, message, field="id_number")


def _duplicate() -> PortalError:
    return PortalError(
        ErrorCode.OBJECTION_DUPLICATE,
        _("You already have an open objection to this award; it will be answered before the award is confirmed."),
        field="id_number",
    )


def objection_file(
    *, award: Award, name: str, id_number: str, phone: str, text: str, organisation: str = "", email: str = ""
) -> Objection:
    """A written objection by an identified person or organisation, while the notice runs; one open
    objection per objector and award."""
    errors = {}
    for field, value in {"name": name, "id_number": id_number, "phone": phone, "text": text}.items():
        if not (value or "").strip():
            errors[field] = [_("Anonymous objections are not accepted: this is required.")]
    if errors:
        raise PortalError(ErrorCode.REQUIRED, errors=errors)
    identity = objector_identity(id_number=id_number, organisation=organisation)
    with transaction.atomic():
        award = Award.objects.select_for_update().get(pk=award.pk)
        today = timezone.localdate()
        if award.state != AwardState.PUBLICITY or not (award.notice_from <= today <= award.notice_until):
            raise PortalError(ErrorCode.ILLEGAL_TRANSITION, _("This award is not on public notice."))
        # The award's row lock makes this check safe; the partial unique constraint is the backstop.
        if award.objections.filter(id_number=identity, state=ObjectionState.OPEN).exists():
            raise _duplicate()
        try:
            with transaction.atomic():
                objection = Objection.objects.create(
                    award=award,
                    name=name.strip(),
                    organisation=organisation.strip(),
                    id_number=identity,
                    phone=phone.strip(),
                    email=email.strip(),
                    text=text.strip(),
                )
        except IntegrityError:
            raise _duplicate() from None
        event = award_record(
            award=award, action=AwardAction.OBJECTION_FILED, public=False, data={"objection": objection.pk}
        )
        tell_lead_of_objection(objection=objection, event=event)
    return objection


@transaction.atomic
def objection_resolve(*, objection: Objection, by: User, upheld: bool, resolution: str) -> Objection:
    objection = (
        Objection.objects.select_for_update(of=("self",)).select_related("award__call__program").get(pk=objection.pk)
    )
    award = objection.award
    _refuse(permissions.can_resolve_objection(by, award))
    if objection.state != ObjectionState.OPEN:
        raise PortalError(ErrorCode.ILLEGAL_TRANSITION, _("This objection is already resolved."))
    if not (resolution or "").strip():
        raise PortalError(ErrorCode.REQUIRED, _("Record how the objection was resolved."), field="resolution")
    objection.state = ObjectionState.UPHELD if upheld else ObjectionState.DISMISSED
    objection.resolution, objection.resolved_by, objection.resolved_at = resolution.strip(), by, timezone.now()
    objection.save()
    data = {"objection": objection.pk, "upheld": upheld}
    if upheld:
        award = Award.objects.select_for_update().get(pk=award.pk)
        # Back to the lead commission: the application returns to department review for a new decision.
        workflow.transition(
            application=award.application,
            action=workflow.Action.REOPEN_AFTER_OBJECTION,
            by=by,
            reason=resolution.strip(),
        )
        award_move(
            award=award, action=AwardAction.OBJECTION_RESOLVED, by=by, reason=resolution, public=False, data=data
        )
        # Any letter of the decision no longer stands; the resolution is the commission's record, not public.
        letters_revoke(
            letters=Letter.objects.filter(decision_id=award.decision_id),
            reason="",
            cause=RevocationCause.OBJECTION_UPHELD,
            by=by,
        )
    else:
        award_record(
            award=award, action=AwardAction.OBJECTION_RESOLVED, by=by, reason=resolution, public=False, data=data
        )
    return objection


@transaction.atomic
def objections_dismiss(*, objections: list[Objection], by: User, resolution: str) -> list[Objection]:
    """Dismiss several open objections with one resolution (the same complaint filed many times): all or
    none, one audit event each. Upholding stays one at a time: it overturns an award and reopens its
    application, a decision each award gets on its own."""
    if not objections:
        raise PortalError(ErrorCode.REQUIRED, _("Select the objections to dismiss."), field="objections")
    ordered = sorted(objections, key=lambda objection: objection.pk)  # one lock order for every caller
    return [objection_resolve(objection=o, by=by, upheld=False, resolution=resolution) for o in ordered]


@transaction.atomic
def notices_close(*, today: date | None = None) -> list[Award]:
    """Confirm every award whose notice period has ended without an open objection (Celery beat)."""
    today = today or timezone.localdate()
    ended = (
        Award.objects.select_for_update(skip_locked=True)
        .filter(state=AwardState.PUBLICITY, notice_until__lt=today)
        .exclude(objections__state=ObjectionState.OPEN)
        .select_related("application", "decision")
    )
    confirmed = []
    for award in ended:
        award_move(award=award, action=AwardAction.AWARD_CONFIRMED, confirmed_at=timezone.now())
        confirmed.append(award)
        enqueue_on_commit("awards.tasks.issue_letter", award.decision_id)
    return confirmed
