"""The internationalisation desk of Policy B II.5(12), a program of outcome `channel` (SPEC §5): an enterprise
opens a case on the filing pages (a draft, then its submission with a receipt), the lead commission routes it to
the units concerned, each answers on the working-day clock, and when the last answer is in the portal hands
them all to the enterprise, which may reopen the case once (the lead routes it again, to the same units or
others) or close it as resolved.

Every move is a step of `applications.workflow` (ROUTE, ANSWERED, REOPEN, CLOSE: channel programs only). The
effects below run inside `transition()`, after its checks and under its row lock, and return (version, audit
data); the answers themselves are review tasks of kind DESK_ANSWER, given through `services.answer_give`.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from applications.models import Application, Program, ProgramOutcome, ProgramUnit
from portal.accounts.models import Commission, User
from portal.bilingual import localized
from portal.errors import ErrorCode, PortalError
from reviews import permissions
from reviews.clock import stage_due
from reviews.models import Outcome, ReviewTask, TaskKind, TaskState
from reviews.selectors import awaited_answers, has_officer, undelivered_answers


def routable_units(program: Program) -> QuerySet[Commission]:
    """The units the lead may route a case of `program` to, in the clause's order: the units its clause names
    (ProgramUnit rows; clause (12) names thirteen), the lead excepted. The one place this is decided."""
    return (
        Commission.objects.filter(program_rows__program=program)
        .exclude(pk=program.lead_id)
        .order_by("program_rows__position")
    )


def programs_routable_to(commission_id: int | None) -> Q:
    """The channel programs whose cases may come to `commission_id` (routing.programs_reviewed_by, for the queue's
    filters); it says of the programs what `routable_units` says of the units, and changes with it."""
    named = ProgramUnit.objects.filter(program=OuterRef("pk"), commission_id=commission_id)
    return Q(outcome=ProgramOutcome.CHANNEL) & Q(Exists(named)) & ~Q(lead_id=commission_id)


def _today():
    return timezone.localdate()


def _await_routing(application: Application) -> ReviewTask:
    program = application.call.program
    return ReviewTask.objects.create(
        application=application,
        version=application.current_version,
        commission_id=program.lead_id,
        kind=TaskKind.DESK_ROUTING,
        is_lead=True,
        due_on=stage_due(application.call, "desk_routing", _today()),
    )


def on_case_opened(*, application: Application, **_payload):
    """A submitted case waits in the lead commission's queue to be routed (called by `routing.on_submitted`)."""
    _await_routing(application)
    return None, {"routed_to": [application.call.program.lead.code]}


def _unit_data(units) -> list[dict]:
    # Codes for the audit trail, names for the enterprise's e-mail (it reads names, never codes).
    return [{"code": u.code, "name_en": u.name_en, "name_zh": u.name_zh} for u in units]


def on_routed(*, application: Application, by: User, units=(), **_payload):
    """The lead picks the units concerned: each gets a task to answer on the working-day clock."""
    units = list(dict.fromkeys(units))
    if not units:
        raise PortalError(ErrorCode.REQUIRED, _("Pick at least one unit to answer the case."), field="units")
    allowed = set(routable_units(application.call.program).values_list("pk", flat=True))
    if any(unit.pk not in allowed for unit in units):
        raise PortalError(ErrorCode.INVALID, _("A case can only be routed to the units listed."), field="units")
    unstaffed = [unit for unit in units if not has_officer(unit)]
    if unstaffed:
        # Nobody could answer: the case would wait past its deadline with nobody to chase.
        raise PortalError(
            ErrorCode.INVALID,
            _("No officer of %(units)s is registered on the portal, so nobody could answer; pick another unit.")
            % {"units": ", ".join(localized(unit, "name") for unit in unstaffed)},
            field="units",
        )
    # The units are the answer tasks below (and the event's data): the routing task records who routed, when.
    for task in application.tasks.filter(kind=TaskKind.DESK_ROUTING, state=TaskState.OPEN).select_for_update():
        task.close(by=by, outcome=Outcome.ROUTED)
    due = stage_due(application.call, "desk_answer", _today())
    for unit in units:
        ReviewTask.objects.create(
            application=application,
            version=application.current_version,
            commission=unit,
            kind=TaskKind.DESK_ANSWER,
            due_on=due,
        )
    return None, {"routed_to": [unit.code for unit in units], "units": _unit_data(units), "due_on": due.isoformat()}


def on_answered(*, application: Application, **_payload):
    """The portal's own step once the last routed unit has answered: it hands the enterprise every answer of the
    routing at once (the event lists them: `selectors.delivered_answers` shows the enterprise exactly those)."""
    if awaited_answers(application).exists():
        raise PortalError(ErrorCode.ANSWERS_MISSING, _("Not every unit the case was routed to has answered yet."))
    answers = list(undelivered_answers(application))
    return None, {"tasks": [task.pk for task in answers], "units": _unit_data(task.commission for task in answers)}


def on_reopened(*, application: Application, by: User, **_payload):
    """Reopened once, with the enterprise's reason: back to the lead, who routes it again (to the same units or
    others: the reason may show that another unit is concerned)."""
    allowed, reason = permissions.can_reopen_case(by, application)
    if not allowed:
        raise PortalError(ErrorCode.NOT_ALLOWED, reason)
    _await_routing(application)
    return None, {"routed_to": [application.call.program.lead.code]}
