"""The application lifecycle of SPEC §3 as one table, and the one function that moves along it.

    (state, action, the program's outcome) -> who may do it, next state

A grant (and a recognition, reviewed the same way) goes through formal check, review and decision; a service
channel's case (SPEC §5, B II.5(12)) is routed by the lead to the units concerned and answered by them. Each
step says which outcomes it applies to, so a grant's step is never offered on a channel's case, nor the
reverse.

`transition()` is the only writer of `Application.state`: it locks the row, refuses an illegal step
with a reason (changing nothing), checks the actor against the row's role, runs the action's effect,
writes the AuditEvent and queues side effects after commit. What each step does beyond its state is
registered by the app that owns it (`on_transition`, `after_commit`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import Application, AuditEvent, ProgramOutcome
from applications.models import State as S
from applications.notifications import outbox_for_event
from portal.accounts import predicates
from portal.accounts.models import User
from portal.errors import ErrorCode, PortalError

# Who may take a step, as functions of (user, application) -> bool.
APPLICANT = "applicant"  # a member of the application's organisation with the apply_for permission
LEAD_OFFICER = "lead_officer"  # an officer of the program's lead commission
SYSTEM = "system"  # the portal itself (`by=None`), never a person: a channel's case once every answer is in


class Action(StrEnum):
    """The steps of the table; each is also the name of its audit event (as `awards.lifecycle.AwardAction`)."""

    SUBMIT = "submit"
    RESUBMIT = "resubmit"
    START_FORMAL_CHECK = "start_formal_check"
    RETURN_FOR_CORRECTION = "return_for_correction"
    PASS_FORMAL_CHECK = "pass_formal_check"  # noqa: S105 (a step, not a password)
    SEND_TO_EXPERTS = "send_to_experts"
    APPROVE = "approve"
    REJECT = "reject"
    WITHDRAW = "withdraw"
    REOPEN_AFTER_OBJECTION = "reopen_after_objection"
    # A service channel's case (reviews/desk.py).
    ROUTE = "route"
    ANSWERED = "answered"  # taken by the portal when the last routed unit answers
    REOPEN = "reopen"
    CLOSE = "close"


A = Action

# Which programs a step applies to, by their outcome (applications.models.ProgramOutcome).
EVERY_OUTCOME = frozenset(ProgramOutcome)
# Grants and recognitions are filed, checked, reviewed and decided alike (SPEC §5); only what approval gives differs.
REVIEWED = frozenset({ProgramOutcome.GRANT, ProgramOutcome.RECOGNITION})
CHANNEL = frozenset({ProgramOutcome.CHANNEL})


@dataclass(frozen=True)
class Step:
    action: Action
    source: S
    role: str
    target: S
    label: str
    outcomes: frozenset[str] = REVIEWED


BEFORE_DECISION = [S.SUBMITTED, S.FORMAL_CHECK, S.RETURNED, S.DEPARTMENT_REVIEW, S.EXPERT_REVIEW]
# A case can be withdrawn until it is answered (the difficulty solved itself meanwhile).
CASE_OPEN = [S.SUBMITTED, S.ROUTED, S.REOPENED]

TABLE: list[Step] = [
    # Filing is the same whatever the program gives: a draft, then its submission with a receipt.
    Step(A.SUBMIT, S.DRAFT, APPLICANT, S.SUBMITTED, gettext_lazy("Submit"), EVERY_OUTCOME),
    Step(A.RESUBMIT, S.RETURNED, APPLICANT, S.SUBMITTED, gettext_lazy("Resubmit")),
    Step(A.START_FORMAL_CHECK, S.SUBMITTED, LEAD_OFFICER, S.FORMAL_CHECK, gettext_lazy("Start the formal check")),
    Step(A.RETURN_FOR_CORRECTION, S.FORMAL_CHECK, LEAD_OFFICER, S.RETURNED, gettext_lazy("Return for correction")),
    Step(A.PASS_FORMAL_CHECK, S.FORMAL_CHECK, LEAD_OFFICER, S.DEPARTMENT_REVIEW, gettext_lazy("Pass the formal check")),
    Step(A.SEND_TO_EXPERTS, S.DEPARTMENT_REVIEW, LEAD_OFFICER, S.EXPERT_REVIEW, gettext_lazy("Send to expert review")),
    Step(A.APPROVE, S.DEPARTMENT_REVIEW, LEAD_OFFICER, S.APPROVED, gettext_lazy("Approve")),
    Step(A.REJECT, S.DEPARTMENT_REVIEW, LEAD_OFFICER, S.REJECTED, gettext_lazy("Reject")),
    Step(A.APPROVE, S.EXPERT_REVIEW, LEAD_OFFICER, S.APPROVED, gettext_lazy("Approve")),
    Step(A.REJECT, S.EXPERT_REVIEW, LEAD_OFFICER, S.REJECTED, gettext_lazy("Reject")),
    *[Step(A.WITHDRAW, state, APPLICANT, S.WITHDRAWN, gettext_lazy("Withdraw")) for state in BEFORE_DECISION],
    # An objection upheld during the public notice sends the application back for a new decision.
    Step(
        A.REOPEN_AFTER_OBJECTION,
        S.APPROVED,
        LEAD_OFFICER,
        S.DEPARTMENT_REVIEW,
        gettext_lazy("Reopen after an upheld objection"),
    ),
    # --- a service channel's case: routed, answered by every unit, reopened once (then routed again) or closed --
    Step(A.ROUTE, S.SUBMITTED, LEAD_OFFICER, S.ROUTED, gettext_lazy("Route to the units concerned"), CHANNEL),
    Step(A.ROUTE, S.REOPENED, LEAD_OFFICER, S.ROUTED, gettext_lazy("Route to the units concerned"), CHANNEL),
    Step(A.ANSWERED, S.ROUTED, SYSTEM, S.ANSWERED, gettext_lazy("Every unit answered"), CHANNEL),
    Step(A.REOPEN, S.ANSWERED, APPLICANT, S.REOPENED, gettext_lazy("Reopen the case"), CHANNEL),
    Step(A.CLOSE, S.ANSWERED, APPLICANT, S.CLOSED, gettext_lazy("Close the case as resolved"), CHANNEL),
    *[Step(A.WITHDRAW, state, APPLICANT, S.WITHDRAWN, gettext_lazy("Withdraw"), CHANNEL) for state in CASE_OPEN],
]

# Actions whose reason the actor must give (the applicant reads it, or an auditor does).
REASON_REQUIRED = {A.RETURN_FOR_CORRECTION, A.REJECT, A.WITHDRAW, A.REOPEN_AFTER_OBJECTION, A.REOPEN}


def is_applicant(user: User, application: Application) -> bool:
    # The key first: the organisation row is loaded only for a member, to ask for the object permission.
    return predicates.is_member_of(user, application.organisation_id) and predicates.may_apply_for(
        user, application.organisation
    )


def is_lead_officer(user: User, application: Application) -> bool:
    return predicates.is_lead_of(user, application.call.program)


def is_system(user: User | None, application: Application) -> bool:
    # A step of the portal's own: any person, however senior, is refused it.
    return user is None


ROLE_CHECKS: dict[str, Callable[[User, Application], bool]] = {
    APPLICANT: is_applicant,
    LEAD_OFFICER: is_lead_officer,
    SYSTEM: is_system,
}


def step_for(state: str, action: str, outcome: str) -> Step | None:
    """The step `action` from `state` on a program of `outcome`, or None where the table has none."""
    return next((s for s in TABLE if s.source == state and s.action == action and outcome in s.outcomes), None)


def step_of(application: Application, action: str) -> Step | None:
    return step_for(application.state, action, application.call.program.outcome)


# Words for the events the apps above record on an application (an award's moves, a register entry's), registered
# in their AppConfig.ready(), so a history shows what happened, never its code.
_EVENT_LABELS: dict[str, object] = {}


def add_event_labels(labels: dict[str, object]) -> None:
    _EVENT_LABELS.update(labels)


def label_of(action: str) -> str:
    step = next((s.label for s in TABLE if s.action == action), None)
    return str(step if step is not None else _EVENT_LABELS.get(action, action))


def available_steps(user: User, application: Application) -> list[Step]:
    """The steps this user may take now (for buttons; transition() checks again)."""
    outcome = application.call.program.outcome
    return [
        s
        for s in TABLE
        if s.source == application.state and outcome in s.outcomes and ROLE_CHECKS[s.role](user, application)
    ]


# What an action does beyond changing the state, registered by the app that owns it in its
# AppConfig.ready() with real imports (applications/apps.py: filing.submit_effect; reviews/apps.py: routing
# and decisions; awards/apps.py: the award pipeline), so a reader follows `approve` from there. The lower
# app names the steps; the higher ones say what they do.
#
# An effect runs inside the transaction after the checks, in the order registered (apps register in the
# order of INSTALLED_APPS, lowest first), may refuse with PortalError (which rolls everything back), and
# returns (version, audit data).
Effect = Callable[..., tuple]
# Called in the step's transaction once its event is written, to queue work for after the commit
# (`portal.queueing.enqueue_on_commit`): a step rolled back queues nothing.
AfterCommit = Callable[[Application, AuditEvent], None]
_EFFECTS: dict[str, list[Effect]] = {}
_AFTER_COMMIT: dict[str, list[AfterCommit]] = {}


def _register(registry: dict[str, list], action: str, handler: Callable) -> None:
    if not any(s.action == action for s in TABLE):
        raise ValueError(f"the workflow has no step {action!r}")
    handlers = registry.setdefault(action, [])
    if handler not in handlers:
        handlers.append(handler)


def on_transition(action: str, effect: Effect) -> None:
    """Run `effect(application=, by=, reason=, **payload)` when `action` is taken, before the state changes."""
    _register(_EFFECTS, action, effect)


def after_commit(action: str, queue: AfterCommit) -> None:
    """Call `queue(application, event)` when `action` is taken, to queue its work for after the commit."""
    _register(_AFTER_COMMIT, action, queue)


def effects_of(action: str) -> list[Effect]:
    return list(_EFFECTS.get(action, []))


def after_commit_of(action: str) -> list[AfterCommit]:
    return list(_AFTER_COMMIT.get(action, []))


# Steps whose applicant gets an e-mail: written to the outbox in the step's transaction, with the event.
NOTIFIED = {
    A.SUBMIT,
    A.RESUBMIT,
    A.RETURN_FOR_CORRECTION,
    A.WITHDRAW,
    A.APPROVE,
    A.REJECT,
    A.REOPEN_AFTER_OBJECTION,
    A.ANSWERED,
}


def transition(*, application: Application, action: str, by: User | None, reason: str = "", **payload) -> Application:
    with transaction.atomic():
        # The row lock serialises concurrent steps on one application (two officers, a double click).
        locked = (
            Application.objects.select_for_update(of=("self",)).select_related("call__program").get(pk=application.pk)
        )
        outcome = locked.call.program.outcome
        step = step_for(locked.state, action, outcome)
        if step is None and any(s.source == locked.state and s.action == action for s in TABLE):
            raise PortalError(
                ErrorCode.ILLEGAL_TRANSITION,
                _("“%(action)s” is not a step of a program of this kind (%(outcome)s).")
                % {"action": action, "outcome": ProgramOutcome(outcome).label},
            )
        if step is None:
            raise PortalError(
                ErrorCode.ILLEGAL_TRANSITION,
                _("“%(action)s” is not possible while the application is “%(state)s”.")
                % {"action": action, "state": locked.get_state_display()},
            )
        if not ROLE_CHECKS[step.role](by, locked):
            raise PortalError(ErrorCode.NOT_ALLOWED, _("You may not take this step on this application."))
        reason = (reason or "").strip()
        if action in REASON_REQUIRED and not reason:
            raise PortalError(ErrorCode.REQUIRED, _("Give the reason; it is recorded."), field="reason")
        version, data = None, {}
        for effect in effects_of(action):
            made, more = effect(application=locked, by=by, reason=reason, **payload)
            version, data = made or version, {**data, **more}
        source = locked.state
        locked.state = step.target
        locked.save(update_fields=["state", "updated_at"])
        event = AuditEvent.record(
            application=locked,
            by=by,
            action=action,
            from_state=source,
            to_state=step.target,
            version=version,
            reason=reason,
            data=data,
        )
        if action in NOTIFIED:
            outbox_for_event(event)
        for queue in after_commit_of(action):
            queue(locked, event)
    application.refresh_from_db()
    return application
