"""A project's lifecycle as one table, and the one writer that moves along it.

    (subject, state, action) -> who may take it, the states it may lead to

The subject is the project itself or one of its parts: a progress report, a variation, an instalment, the
clawback proposal, a seat on the acceptance panel. `project_step()` is the only writer of their states: it
refuses an illegal step with a reason (changing nothing), checks the actor against the step's role, requires the
reason where one is owed, sets the state and the fields given, writes the AuditEvent (on the award's application,
with the project in its data) and the e-mail it announces. Creating a subject is a step from "" (a new
variation, the clawback proposal), so that too is checked and audited here. The caller holds the project's row
lock (`lock()`), which serialises every step on a project.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications import notifications
from applications.models import AuditEvent
from awards.projects.models import (
    ClawbackProposal,
    InstalmentState,
    PanelAssignment,
    ProgressReport,
    Project,
    ProjectState,
    ProposalState,
    ReportState,
    Variation,
    VariationState,
)
from awards.projects.models import Instalment as InstalmentRow
from portal.accounts import inbox, predicates
from portal.accounts.models import OutboxKind, User
from portal.accounts.outbox import outbox_write
from portal.bilingual import bilingual_email
from portal.errors import ErrorCode, PortalError
from reviews.models import AssignmentState


class ProjectAction(StrEnum):
    """The steps of the table; each is also the name of its audit event (as `awards.lifecycle.AwardAction`)."""

    PROJECT_OPENED = "project_opened"
    STATEMENT_SUBMITTED = "statement_submitted"
    STATEMENT_RETURNED = "statement_returned"
    STATEMENT_ACCEPTED = "statement_accepted"
    REPORT_FILED = "report_filed"
    REPORT_ACCEPTED = "report_accepted"
    REPORT_RETURNED = "report_returned"
    VARIATION_REQUESTED = "variation_requested"
    VARIATION_APPROVED = "variation_approved"
    VARIATION_REFUSED = "variation_refused"
    INSTALMENT_PAID = "instalment_paid"
    INSTALMENT_CANCELLED = "instalment_cancelled"
    ACCEPTANCE_APPLIED = "acceptance_applied"
    ACCEPTANCE_RETURNED = "acceptance_returned"
    SENT_TO_PANEL = "sent_to_panel"
    PANEL_DECLARED = "panel_declared"
    PANEL_SCORED = "panel_scored"
    ACCEPTANCE_DECIDED = "acceptance_decided"
    CONDITIONS_MET = "conditions_met"
    CLAWBACK_PROPOSED = "clawback_proposed"
    CLAWBACK_AMENDED = "clawback_amended"
    REPAYMENT_RECORDED = "repayment_recorded"
    PROJECT_CLAWED_BACK = "project_clawed_back"
    # Recorded, never a move: a reminder sent (reminders.py).
    REMINDER_SENT = "reminder_sent"


class Subject(StrEnum):
    PROJECT = "project"
    REPORT = "report"
    VARIATION = "variation"
    INSTALMENT = "instalment"
    PROPOSAL = "proposal"
    PANEL_SEAT = "panel_seat"


SUBJECT_OF = {
    Project: Subject.PROJECT,
    ProgressReport: Subject.REPORT,
    Variation: Subject.VARIATION,
    InstalmentRow: Subject.INSTALMENT,
    ClawbackProposal: Subject.PROPOSAL,
    PanelAssignment: Subject.PANEL_SEAT,
}

# Who may take a step.
APPLICANT = "applicant"  # a member of the project's organisation who files for it (apply_for)
LEAD = "lead"  # an officer of the program's lead commission
FINANCE = "finance"  # a finance officer of the Finance Bureau
EXPERT = "expert"  # the expert who holds the panel seat
SYSTEM = "system"  # the portal itself (by=None): a failed acceptance cancels what is unpaid


def is_applicant(user, project: Project, subject=None) -> bool:
    return predicates.is_member_of(user, project.organisation_id) and predicates.may_apply_for(
        user, project.organisation
    )


def is_lead(user, project: Project, subject=None) -> bool:
    return predicates.is_lead_of(user, project.program)


def is_finance(user, project: Project, subject=None) -> bool:
    return predicates.is_budget_confirmer(user)


def is_seat_holder(user, project: Project, subject=None) -> bool:
    return predicates.is_expert(user) and isinstance(subject, PanelAssignment) and subject.expert_id == user.pk


def is_system(user, project: Project, subject=None) -> bool:
    return user is None


ROLE_CHECKS: dict[str, Callable[..., bool]] = {
    APPLICANT: is_applicant,
    LEAD: is_lead,
    FINANCE: is_finance,
    EXPERT: is_seat_holder,
    SYSTEM: is_system,
}


@dataclass(frozen=True)
class Step:
    subject: Subject
    source: str  # "" creates the subject
    action: ProjectAction
    role: str
    targets: tuple[str, ...]
    label: object


A, P, R, V = ProjectAction, ProjectState, ReportState, VariationState
IS, C, S = InstalmentState, ProposalState, AssignmentState
DECIDED = (P.PASSED, P.PASSED_WITH_CONDITIONS, P.FAILED)

TABLE: list[Step] = [
    # The project: opened by a confirmed award (opening.py), then its task statement, acceptance and close.
    Step(Subject.PROJECT, "", A.PROJECT_OPENED, SYSTEM, (P.DRAFTING,), gettext_lazy("Project opened")),
    Step(
        Subject.PROJECT,
        P.DRAFTING,
        A.STATEMENT_SUBMITTED,
        APPLICANT,
        (P.STATEMENT_SUBMITTED,),
        gettext_lazy("Task statement submitted"),
    ),
    Step(
        Subject.PROJECT,
        P.STATEMENT_RETURNED,
        A.STATEMENT_SUBMITTED,
        APPLICANT,
        (P.STATEMENT_SUBMITTED,),
        gettext_lazy("Task statement submitted"),
    ),
    Step(
        Subject.PROJECT,
        P.STATEMENT_SUBMITTED,
        A.STATEMENT_RETURNED,
        LEAD,
        (P.STATEMENT_RETURNED,),
        gettext_lazy("Task statement returned for correction"),
    ),
    Step(
        Subject.PROJECT,
        P.STATEMENT_SUBMITTED,
        A.STATEMENT_ACCEPTED,
        LEAD,
        (P.IN_PROGRESS,),
        gettext_lazy("Task statement accepted"),
    ),
    Step(
        Subject.PROJECT,
        P.IN_PROGRESS,
        A.ACCEPTANCE_APPLIED,
        APPLICANT,
        (P.ACCEPTANCE_APPLIED,),
        gettext_lazy("Acceptance applied for"),
    ),
    Step(
        Subject.PROJECT,
        P.ACCEPTANCE_APPLIED,
        A.ACCEPTANCE_RETURNED,
        LEAD,
        (P.IN_PROGRESS,),
        gettext_lazy("Acceptance application returned for completion"),
    ),
    Step(
        Subject.PROJECT,
        P.ACCEPTANCE_APPLIED,
        A.SENT_TO_PANEL,
        LEAD,
        (P.ACCEPTANCE_PANEL,),
        gettext_lazy("Acceptance sent to an expert panel"),
    ),
    Step(
        Subject.PROJECT, P.ACCEPTANCE_APPLIED, A.ACCEPTANCE_DECIDED, LEAD, DECIDED, gettext_lazy("Acceptance decided")
    ),
    Step(Subject.PROJECT, P.ACCEPTANCE_PANEL, A.ACCEPTANCE_DECIDED, LEAD, DECIDED, gettext_lazy("Acceptance decided")),
    Step(
        Subject.PROJECT,
        P.PASSED_WITH_CONDITIONS,
        A.CONDITIONS_MET,
        LEAD,
        (P.PASSED,),
        gettext_lazy("Conditions of the acceptance met"),
    ),
    Step(
        Subject.PROJECT,
        P.FAILED,
        A.PROJECT_CLAWED_BACK,
        FINANCE,
        (P.CLAWED_BACK,),
        gettext_lazy("Money of the failed project clawed back"),
    ),
    # Progress reports, one per milestone.
    Step(Subject.REPORT, R.DUE, A.REPORT_FILED, APPLICANT, (R.FILED,), gettext_lazy("Progress report filed")),
    Step(Subject.REPORT, R.RETURNED, A.REPORT_FILED, APPLICANT, (R.FILED,), gettext_lazy("Progress report filed")),
    Step(Subject.REPORT, R.FILED, A.REPORT_ACCEPTED, LEAD, (R.ACCEPTED,), gettext_lazy("Progress report accepted")),
    Step(
        Subject.REPORT,
        R.FILED,
        A.REPORT_RETURNED,
        LEAD,
        (R.RETURNED,),
        gettext_lazy("Progress report returned for correction"),
    ),
    # Variations of the accepted statement.
    Step(Subject.VARIATION, "", A.VARIATION_REQUESTED, APPLICANT, (V.REQUESTED,), gettext_lazy("Variation requested")),
    Step(Subject.VARIATION, V.REQUESTED, A.VARIATION_APPROVED, LEAD, (V.APPROVED,), gettext_lazy("Variation approved")),
    Step(Subject.VARIATION, V.REQUESTED, A.VARIATION_REFUSED, LEAD, (V.REFUSED,), gettext_lazy("Variation refused")),
    # The money.
    Step(Subject.INSTALMENT, IS.SCHEDULED, A.INSTALMENT_PAID, FINANCE, (IS.PAID,), gettext_lazy("Instalment paid")),
    Step(
        Subject.INSTALMENT,
        IS.SCHEDULED,
        A.INSTALMENT_CANCELLED,
        SYSTEM,
        (IS.CANCELLED,),
        gettext_lazy("Instalment cancelled: acceptance failed"),
    ),
    Step(Subject.PROPOSAL, "", A.CLAWBACK_PROPOSED, SYSTEM, (C.PROPOSED,), gettext_lazy("Clawback proposed")),
    Step(Subject.PROPOSAL, C.PROPOSED, A.CLAWBACK_AMENDED, LEAD, (C.PROPOSED,), gettext_lazy("Clawback amended")),
    Step(
        Subject.PROPOSAL, C.PROPOSED, A.REPAYMENT_RECORDED, FINANCE, (C.RECORDED,), gettext_lazy("Repayment recorded")
    ),
    # A seat on the acceptance panel (the experts' rules of reviews, on the acceptance's rubric).
    Step(
        Subject.PANEL_SEAT,
        S.AWAITING_DECLARATION,
        A.PANEL_DECLARED,
        EXPERT,
        (S.OPEN, S.CONFLICT),
        gettext_lazy("Panel expert declared conflicts of interest"),
    ),
    Step(Subject.PANEL_SEAT, S.OPEN, A.PANEL_SCORED, EXPERT, (S.SCORED,), gettext_lazy("Panel expert scored")),
]

# Steps whose actor must give the reason (the enterprise reads it, or an auditor does).
REASON_REQUIRED = {
    A.STATEMENT_RETURNED,
    A.REPORT_RETURNED,
    A.VARIATION_REQUESTED,
    A.VARIATION_REFUSED,
    A.ACCEPTANCE_RETURNED,
    A.ACCEPTANCE_DECIDED,
    A.CONDITIONS_MET,
    A.CLAWBACK_AMENDED,
}
# Steps the organisation's members get an e-mail about (written to the outbox with the event).
NOTIFIED = {
    A.PROJECT_OPENED,
    A.STATEMENT_RETURNED,
    A.STATEMENT_ACCEPTED,
    A.REPORT_ACCEPTED,
    A.REPORT_RETURNED,
    A.VARIATION_APPROVED,
    A.VARIATION_REFUSED,
    A.INSTALMENT_PAID,
    A.ACCEPTANCE_RETURNED,
    A.ACCEPTANCE_DECIDED,
    A.CONDITIONS_MET,
    A.REPAYMENT_RECORDED,
}
# Steps the lead commission's officers get an e-mail about: something now waits for them.
TO_OFFICERS = {A.STATEMENT_SUBMITTED, A.REPORT_FILED, A.VARIATION_REQUESTED, A.ACCEPTANCE_APPLIED}
# Internal steps: the enterprise does not read them in its history.
INTERNAL = {A.PANEL_DECLARED, A.PANEL_SCORED, A.CLAWBACK_AMENDED}


def subject_of(obj) -> Subject:
    return SUBJECT_OF[type(obj)]


def step_for(subject: Subject, state: str, action: str) -> Step | None:
    return next((s for s in TABLE if s.subject == subject and s.source == state and s.action == action), None)


def label_of(action: str) -> str:
    return str(labels().get(action, action))


def labels() -> dict[str, object]:
    """Every action's label, for the application's history (registered with applications.workflow)."""
    found: dict[str, object] = {A.REMINDER_SENT: gettext_lazy("Reminder sent")}
    for step in TABLE:
        found.setdefault(step.action, step.label)
    return found


def lock(project: Project | int) -> Project:
    """The project's row, locked for the caller's transaction: every step on a project takes it first."""
    pk = getattr(project, "pk", project)
    return (
        Project.objects.select_for_update(of=("self",))
        .select_related("award", "application", "organisation", "call", "program__lead", "version")
        .get(pk=pk)
    )


def project_step(
    *,
    project: Project,
    action: ProjectAction,
    by: User | None,
    subject=None,
    to: str | None = None,
    reason: str = "",
    data: dict | None = None,
    **fields,
) -> AuditEvent:
    """Take `action` on `subject` (the project when None), to `to` where the table allows several, setting
    `fields` with it. The caller holds the project's lock (`lock()`) and, for a part, that row's lock."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("project_step runs inside the transaction that holds the project's lock")
    target_obj = subject if subject is not None else project
    kind = subject_of(target_obj)
    source = "" if target_obj.pk is None else target_obj.state
    step = step_for(kind, source, action)
    if step is None:
        state = target_obj.get_state_display() if source else _("not yet made")
        raise PortalError(
            ErrorCode.ILLEGAL_TRANSITION,
            _("“%(step)s” is not possible now: the %(what)s is “%(state)s”.")
            % {"step": label_of(action), "what": SUBJECT_NAMES[kind], "state": state},
        )
    if not ROLE_CHECKS[step.role](by, project, target_obj):
        raise PortalError(ErrorCode.NOT_ALLOWED, ROLE_REFUSALS[step.role])
    reason = (reason or "").strip()
    if action in REASON_REQUIRED and not reason:
        raise PortalError(ErrorCode.REQUIRED, _("Give the reason; it is recorded."), field="reason")
    target = to if to is not None else (step.targets[0] if len(step.targets) == 1 else None)
    if target not in step.targets:
        raise PortalError(ErrorCode.INVALID, _("Choose the outcome."), field="outcome")
    target_obj.state = target
    for name, value in fields.items():
        setattr(target_obj, name, value)
    if source:
        target_obj.save(update_fields=["state", *fields, *(["updated_at"] if kind == Subject.PROJECT else [])])
    else:
        target_obj.save()
    event = AuditEvent.record(
        application=project.application,
        by=by,
        action=action,
        reason=reason,
        data={
            "project": project.pk,
            "subject": kind,
            "id": target_obj.pk,
            "from": source,
            "to": target,
            **(data or {}),
        },
        public=action not in INTERNAL,
    )
    if action in NOTIFIED:
        notify_enterprise(project, event)
    if action in TO_OFFICERS:
        notify_officers(project, event)
    return event


SUBJECT_NAMES = {
    Subject.PROJECT: gettext_lazy("project"),
    Subject.REPORT: gettext_lazy("progress report"),
    Subject.VARIATION: gettext_lazy("variation"),
    Subject.INSTALMENT: gettext_lazy("instalment"),
    Subject.PROPOSAL: gettext_lazy("clawback proposal"),
    Subject.PANEL_SEAT: gettext_lazy("panel seat"),
}
ROLE_REFUSALS = {
    APPLICANT: gettext_lazy("Only members of the funded organisation may do this."),
    LEAD: gettext_lazy("Only an officer of the lead commission may do this."),
    FINANCE: gettext_lazy("Only a finance officer of the Finance Bureau records payments and repayments."),
    EXPERT: gettext_lazy("This panel seat is another expert's."),
    SYSTEM: gettext_lazy("The portal takes this step itself."),
}


# --- the e-mails a step writes (in its transaction, through the outbox) ----------------------------------------


def render_texts(event: AuditEvent, project: Project, **extra) -> inbox.Texts:
    context = {"event": event, "project": project, "site_url": settings.SITE_URL, **extra}
    return inbox.render_texts("emails/project_subject.txt", "emails/project_event.txt", context)


def render(event: AuditEvent, project: Project, **extra) -> tuple[str, str]:
    return bilingual_email(render_texts(event, project, **extra))


def _link(project: Project) -> str:
    return reverse("project-detail", kwargs={"pk": project.pk})


def notify_enterprise(project: Project, event: AuditEvent, **extra):
    """To the organisation's members as they are when it leaves (the outbox reads a step's recipients again, and
    leaves out those who take the step's kind in the digest), and an inbox item for each, tied to the mail."""
    texts = render_texts(event, project, **extra)
    subject, body = bilingual_email(texts)
    members = project.organisation.members.filter(is_active=True)
    kind = notifications.kind_of(event)
    emails = sorted(members.exclude(email="").values_list("email", flat=True))
    message = outbox_write(
        kind=OutboxKind.EVENT,
        dedupe_key=f"event:{event.pk}",
        recipients=inbox.without_digest_takers(emails, members, kind),
        subject=subject,
        body=body,
        event=event,
    )
    inbox.notify(
        users=list(members),
        kind=kind,
        key=f"event:{event.pk}",
        texts=texts,
        link=_link(project),
        event=event,
        outbox=message,
    )
    return message


def lead_officers(project: Project) -> list[User]:
    staff = User.objects.filter(commission_id=project.program.lead_id, is_active=True)
    return [user for user in staff if predicates.is_officer_of(user, project.program.lead_id)]


def officer_emails(project: Project) -> list[str]:
    return sorted(user.email for user in lead_officers(project) if user.email)


def notify_officers(project: Project, event: AuditEvent, *, dedupe_key: str | None = None, **extra):
    """To the lead commission's officers: stored recipients (no event on the row, whose recipients would be the
    organisation's members) but those who take the kind in the digest, and an inbox item for each officer."""
    officers = lead_officers(project)
    if not officers:
        return None
    key = dedupe_key or f"project-officers:{event.pk}"
    kind = notifications.kind_of(event)
    texts = render_texts(event, project, to_officers=True, **extra)
    digest = inbox.digest_takers(officers, kind)
    recipients = sorted(user.email for user in officers if user.email and user.pk not in digest)
    message = None
    if recipients:
        subject, body = bilingual_email(texts)
        message = outbox_write(kind=OutboxKind.EVENT, dedupe_key=key, recipients=recipients, subject=subject, body=body)
    # With no mail of its own (every officer takes the digest), notify() writes none either: nobody takes it at once.
    inbox.notify(users=officers, kind=kind, key=key, texts=texts, link=_link(project), event=event, outbox=message)
    return message
