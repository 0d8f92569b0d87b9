"""Public notice (公示): a call's awards are published for objections for the call's notice period, then
confirmed automatically. An upheld objection sends the application back to the lead commission."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from applications import workflow
from applications.models import AuditEvent, Call, NoticeKind
from awards import permissions
from awards.models import Award, AwardState, Objection, ObjectionState
from awards.services import allocate_call_budget
from portal.errors import ErrorCode, PortalError
from portal.models import Organisation, User
from reviews.clock import add_working_days


def notice_until(call: Call, start: date) -> date:
    if call.notice_kind == NoticeKind.CALENDAR_DAYS_7:
        return start + timedelta(days=7)
    return add_working_days(start, 5)


def _refuse(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PortalError(ErrorCode.NOT_ALLOWED, reason)


def _audit(award: Award, *, by: User | None, action: str, reason: str = "", data=None, public: bool = True):
    application = award.application
    event = AuditEvent.objects.create(
        application=application,
        actor=by,
        action=action,
        from_state=application.state,
        to_state=application.state,
        version=award.decision.version,
        reason=reason,
        data={"award": award.pk, "award_state": award.state, **(data or {})},
        visible_to_applicant=public,
    )
    return event


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
        award.state, award.notice_from, award.notice_until = AwardState.PUBLICITY, today, until
        award.save(update_fields=["state", "notice_from", "notice_until"])
        event = _audit(award, by=by, action="notice_published", data={"until": until.isoformat()})
        _notify(event)
    return batch


def _notify(event: AuditEvent) -> None:
    from applications.notifications import outbox_for_event

    outbox_for_event(event)


def objection_file(
    *, award: Award, name: str, id_number: str, phone: str, text: str, organisation: str = "", email: str = ""
) -> Objection:
    """A written objection by an identified person or organisation, while the notice runs."""
    errors = {}
    for field, value in {"name": name, "id_number": id_number, "phone": phone, "text": text}.items():
        if not (value or "").strip():
            errors[field] = [_("Anonymous objections are not accepted: this is required.")]
    if errors:
        raise PortalError(ErrorCode.REQUIRED, errors=errors)
    with transaction.atomic():
        award = Award.objects.select_for_update().get(pk=award.pk)
        today = timezone.localdate()
        if award.state != AwardState.PUBLICITY or not (award.notice_from <= today <= award.notice_until):
            raise PortalError(ErrorCode.ILLEGAL_TRANSITION, _("This award is not on public notice."))
        objection = Objection.objects.create(
            award=award,
            name=name.strip(),
            organisation=organisation.strip(),
            id_number=id_number.strip(),
            phone=phone.strip(),
            email=email.strip(),
            text=text.strip(),
        )
        _audit(award, by=None, action="objection_filed", public=False, data={"objection": objection.pk})
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
    if upheld:
        award = Award.objects.select_for_update().get(pk=award.pk)
        award.state = AwardState.OVERTURNED
        award.save(update_fields=["state"])
        # Back to the lead commission: the application returns to department review for a new decision.
        workflow.transition(
            application=award.application, action="reopen_after_objection", by=by, reason=resolution.strip()
        )
    _audit(award, by=by, action="objection_resolved", reason=resolution, public=False, data={"upheld": upheld})
    return objection


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
        award.state, award.confirmed_at = AwardState.CONFIRMED, timezone.now()
        award.save(update_fields=["state", "confirmed_at"])
        _audit(award, by=None, action="award_confirmed")
        confirmed.append(award)
        transaction.on_commit(lambda decision_id=award.decision_id: _queue_letter(decision_id))
    return confirmed


def _queue_letter(decision_id: int) -> None:
    from awards.tasks import issue_letter

    issue_letter.delay(decision_id)
