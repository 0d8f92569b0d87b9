"""Call alerts: an organisation subscribes to kinds of support, lead commissions or programs; when a call that
matches opens, each of its members gets one inbox item and its e-mail (`portal/accounts/inbox.notify`).

A call is announced while `opens_at` is ahead and open from then until `closes_at`. The beat's
`call_alerts_send` looks at open calls not yet alerted (`Call.alerts_sent_at`), so a call created already open
is alerted by its next run as well; the inbox's key (`call-alert:<call>`) keeps it to one item per person however
many criteria match or however often the beat runs.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import AlertCriterion, Call, CallAlert, Program
from applications.permissions import can_manage_alerts
from portal.accounts import inbox
from portal.accounts.models import Commission, NotificationKind, Organisation, Role, User
from portal.accounts.predicates import may_apply_for
from portal.errors import ErrorCode, PortalError

# --- subscriptions ------------------------------------------------------------------------------------------


def alerts_of(organisation: Organisation) -> QuerySet[CallAlert]:
    return CallAlert.objects.filter(organisation=organisation).select_related("commission", "program")


def _check_manager(by: User, organisation: Organisation) -> None:
    allowed, reason = can_manage_alerts(by, organisation)
    if not allowed:
        raise PortalError(ErrorCode.NOT_ALLOWED, reason)


def _criterion_values(criterion: str, value: str) -> dict:
    """The column a criterion sets, looked up by the code given; a field error for anything unknown."""
    value = (value or "").strip()
    if criterion not in AlertCriterion.values:
        raise PortalError(
            ErrorCode.INVALID, _("Choose a kind of support, a commission or a measure."), field="criterion"
        )
    if not value:
        raise PortalError(ErrorCode.REQUIRED, _("Choose what to be alerted of."), field="value")
    if criterion == AlertCriterion.KIND:
        if not Program.objects.filter(kind=value).exists():
            raise PortalError(ErrorCode.INVALID, _("No measure is of this kind of support."), field="value")
        return {"kind": value}
    if criterion == AlertCriterion.COMMISSION:
        # A commission's calls are those it leads (`forms.CallFilter`): only a lead is a useful criterion.
        commission = Commission.objects.filter(code=value.upper(), led_programs__isnull=False).distinct().first()
        if commission is None:
            raise PortalError(ErrorCode.INVALID, _("This commission leads no measure."), field="value")
        return {"commission": commission}
    program = Program.objects.filter(code=value.upper()).first()
    if program is None:
        raise PortalError(ErrorCode.UNKNOWN_PROGRAM, _("There is no such measure."), field="value")
    return {"program": program}


def alert_add(*, organisation: Organisation, by: User, criterion: str, value: str) -> tuple[CallAlert, bool]:
    """Subscribe `organisation` to calls matching one criterion; (alert, created). Subscribing again to what it
    already has changes nothing."""
    _check_manager(by, organisation)
    columns = _criterion_values(criterion, value)
    existing = CallAlert.objects.filter(organisation=organisation, criterion=criterion, **columns).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            alert = CallAlert.objects.create(organisation=organisation, criterion=criterion, created_by=by, **columns)
    except IntegrityError:  # a colleague subscribed to the same a moment before
        return CallAlert.objects.get(organisation=organisation, criterion=criterion, **columns), False
    return alert, True


def alert_remove(*, alert: CallAlert, by: User) -> None:
    _check_manager(by, alert.organisation)
    CallAlert.objects.filter(pk=alert.pk).delete()


# --- matching and sending -------------------------------------------------------------------------------------


def organisations_alerted_by(call: Call) -> QuerySet[Organisation]:
    """Organisations with a criterion `call` matches: its program's kind, its lead commission, or the program."""
    program = call.program
    matches = CallAlert.objects.filter(
        Q(criterion=AlertCriterion.KIND, kind=program.kind)
        | Q(criterion=AlertCriterion.COMMISSION, commission_id=program.lead_id)
        | Q(criterion=AlertCriterion.PROGRAM, program_id=program.pk)
    )
    return Organisation.objects.filter(pk__in=matches.values("organisation_id")).order_by("pk")


def members_to_alert(organisation: Organisation) -> list[User]:
    """Those who may apply for the organisation (the foreign key and the object permission)."""
    members = organisation.members.filter(is_active=True, role=Role.ENTERPRISE).order_by("pk")
    return [member for member in members if may_apply_for(member, organisation)]


def alert_texts(call: Call) -> inbox.Texts:
    return inbox.render_texts("emails/call_alert_subject.txt", "emails/call_alert.txt", {"call": call})


def call_alert_write(call: Call) -> int:
    """The inbox items (and e-mails) of one call's alert, in the caller's transaction; the number of people told
    now (none a second time: the key is the call's)."""
    texts = alert_texts(call)
    told = 0
    for organisation in organisations_alerted_by(call):
        told += len(
            inbox.notify(
                users=members_to_alert(organisation),
                kind=NotificationKind.CALL_ALERT,
                key=f"call-alert:{call.pk}",
                texts=texts,
                link=f"/calls/{call.pk}/",
            )
        )
    return told


def calls_to_alert(now: datetime) -> QuerySet[Call]:
    return Call.objects.filter(alerts_sent_at__isnull=True, opens_at__lte=now, closes_at__gt=now)


def call_alerts_send(*, now: datetime | None = None) -> int:
    """Tell the organisations alerted by each call that has opened and was not announced yet (beat). Each call
    under its row lock, marked in the same transaction: two runs at once or one after the other tell nobody
    twice. Returns the number of inbox items written."""
    now = now or timezone.now()
    written = 0
    for pk in calls_to_alert(now).order_by("opens_at", "pk").values_list("pk", flat=True):
        with transaction.atomic():
            call = (
                calls_to_alert(now)
                .select_for_update(skip_locked=True, of=("self",))
                .select_related("program__lead", "program__policy")
                .filter(pk=pk)
                .first()
            )
            if call is None:
                continue  # another run has it, or it was alerted meanwhile
            written += call_alert_write(call)
            Call.objects.filter(pk=call.pk).update(alerts_sent_at=now)
    return written
