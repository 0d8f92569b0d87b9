"""Projects (SPEC §5, "After the award"): what a confirmed award opens. The task statement (任务书) with its
frozen versions, the instalments of the call's payment schedule, the progress reports due on the milestones,
the documents filed with them, variations, the acceptance (验收) with its expert panel, the clawback proposal
of a failed project, and the reminders sent. States move only through `lifecycle.project_step()`."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from reviews.models import AssignmentState


class ProjectTerms(models.Model):
    """What a call sets for the projects its awards open, edited by administrators in the Django admin. A call
    without terms uses the defaults of `terms.py` (50% on the letter, 50% after acceptance)."""

    call = models.OneToOneField("applications.Call", on_delete=models.CASCADE, related_name="project_terms")
    # [{"label_en", "label_zh", "percent": "50", "condition": ConditionKind, "report": 1, "on": "YYYY-MM-DD"}, ...]
    schedule = models.JSONField(_("payment schedule"), default=list)
    goals_template_en = models.TextField(_("goals template (English)"), blank=True)
    goals_template_zh = models.TextField(_("goals template (Chinese)"), blank=True)
    # [{"name", "unit", "target"}, ...]: the indicators the statement starts from.
    indicators_template = models.JSONField(_("indicators template"), default=list, blank=True)
    # [{"label", "months"}, ...]: milestones so many months after the project opens.
    milestones_template = models.JSONField(_("milestones template"), default=list, blank=True)
    statement_days = models.PositiveSmallIntegerField(_("working days to submit the task statement"), default=20)
    review_days = models.PositiveSmallIntegerField(_("working days for the commission to review"), default=10)
    # [{"code", "label_en", "label_zh", "weight"}, ...]; empty: terms.DEFAULT_ACCEPTANCE_RUBRIC.
    acceptance_rubric = models.JSONField(_("acceptance rubric"), default=list, blank=True)

    class Meta:
        verbose_name = _("project terms of a call")
        verbose_name_plural = _("project terms of calls")

    def __str__(self) -> str:
        return str(self.call)


class ProjectState(models.TextChoices):
    DRAFTING = "drafting", _("Task statement to draft")
    STATEMENT_SUBMITTED = "statement_submitted", _("Task statement with the commission")
    STATEMENT_RETURNED = "statement_returned", _("Task statement returned for correction")
    IN_PROGRESS = "in_progress", _("In progress")
    ACCEPTANCE_APPLIED = "acceptance_applied", _("Acceptance applied for")
    ACCEPTANCE_PANEL = "acceptance_panel", _("Acceptance with the expert panel")
    PASSED = "passed", _("Acceptance passed")
    PASSED_WITH_CONDITIONS = "passed_with_conditions", _("Acceptance passed with conditions")
    FAILED = "failed", _("Acceptance failed")
    CLAWED_BACK = "clawed_back", _("Failed: money clawed back")


# After the task statement is accepted and before the project closes: reports are due, variations asked.
RUNNING = [ProjectState.IN_PROGRESS, ProjectState.ACCEPTANCE_APPLIED, ProjectState.ACCEPTANCE_PANEL]
CLOSED = [ProjectState.PASSED, ProjectState.FAILED, ProjectState.CLAWED_BACK]


class Project(models.Model):
    """One confirmed award's project. The keys of the award are copied here so lists and their permissions
    filter one table; `statement` is the working copy of the task statement, frozen in StatementVersion."""

    award = models.OneToOneField("awards.Award", on_delete=models.PROTECT, related_name="project")
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="projects")
    organisation = models.ForeignKey("portal.Organisation", on_delete=models.PROTECT, related_name="projects")
    call = models.ForeignKey("applications.Call", on_delete=models.PROTECT, related_name="projects")
    program = models.ForeignKey("applications.Program", on_delete=models.PROTECT, related_name="projects")
    title = models.CharField(_("project"), max_length=200)
    state = models.CharField(_("state"), max_length=24, choices=ProjectState.choices, default=ProjectState.DRAFTING)
    # {"goals", "lead": {"name", "phone", "email"}, "indicators": [{"key", "name", "unit", "target"}],
    #  "milestones": [{"key", "label", "due_on"}]} as the enterprise typed it (statements.py).
    statement = models.JSONField(default=dict, blank=True)
    version = models.ForeignKey(
        "StatementVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("version")
    )
    # The enterprise's deadline for the task statement, and the commission's for what waits for it.
    statement_due_on = models.DateField(_("task statement due"))
    review_due_on = models.DateField(_("review due"), null=True, blank=True)
    # The last milestone: acceptance is applied for by then.
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    # Passed with conditions: what is still to do before the last instalment.
    conditions = models.TextField(_("conditions"), blank=True)
    opened_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-opened_at", "-pk"]
        indexes = [
            models.Index(fields=["program", "state"], name="project_program_state"),
            models.Index(fields=["organisation", "state"], name="project_org_state"),
        ]
        verbose_name = _("project")
        verbose_name_plural = _("projects")

    def __str__(self) -> str:
        return f"{self.application.receipt_number} {self.title}"


class StatementVersion(models.Model):
    """An accepted task statement, frozen: the first on acceptance by the lead, another on each approved variation."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    content = models.JSONField()
    accepted_at = models.DateTimeField(auto_now_add=True)
    accepted_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    variation = models.OneToOneField(
        "Variation", null=True, blank=True, on_delete=models.PROTECT, related_name="made_version"
    )

    class Meta:
        ordering = ["project", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="one_statement_version_number")]

    def __str__(self) -> str:
        return f"{self.project_id} v{self.number}"


class ConditionKind(models.TextChoices):
    """What an instalment waits for (besides an accepted task statement and no overdue report)."""

    LETTER_ISSUED = "letter_issued", _("the decision letter is issued")
    REPORT_ACCEPTED = "report_accepted", _("a progress report is accepted")
    ACCEPTANCE_PASSED = "acceptance_passed", _("the acceptance is passed")
    DATE = "date", _("a date is reached")


class InstalmentState(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    PAID = "paid", _("Paid")
    CANCELLED = "cancelled", _("Cancelled")


class Instalment(models.Model):
    """One payment of the schedule: its share of the award and the condition it waits for."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="instalments")
    number = models.PositiveSmallIntegerField()
    label_en = models.CharField(max_length=200)
    label_zh = models.CharField(max_length=200)
    percent = models.DecimalField(max_digits=5, decimal_places=2)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    condition = models.CharField(_("condition"), max_length=24, choices=ConditionKind.choices)
    # The progress report whose acceptance it waits for (1 = the first milestone's), and the date it waits for.
    report_number = models.PositiveSmallIntegerField(null=True, blank=True)
    due_from = models.DateField(null=True, blank=True)
    state = models.CharField(
        _("state"), max_length=12, choices=InstalmentState.choices, default=InstalmentState.SCHEDULED
    )
    payment = models.OneToOneField(
        "awards.Payment", null=True, blank=True, on_delete=models.PROTECT, related_name="instalment"
    )

    class Meta:
        ordering = ["project", "number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="one_instalment_number"),
            models.CheckConstraint(condition=Q(amount__gt=0), name="instalment_positive"),
            # Paid means one payment, and only a paid instalment has one.
            models.CheckConstraint(
                condition=Q(state=InstalmentState.PAID, payment__isnull=False)
                | (~Q(state=InstalmentState.PAID) & Q(payment__isnull=True)),
                name="instalment_paid_by_its_payment",
            ),
        ]
        indexes = [models.Index(fields=["state", "project"], name="instalment_state")]

    def __str__(self) -> str:
        return f"{self.project_id} #{self.number}"


class ReportState(models.TextChoices):
    DUE = "due", _("To file")
    FILED = "filed", _("Filed, with the commission")
    RETURNED = "returned", _("Returned for correction")
    ACCEPTED = "accepted", _("Accepted")


class ProgressReport(models.Model):
    """The report due on one milestone of the task statement: indicator values, narrative and evidence."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="reports")
    number = models.PositiveSmallIntegerField()  # the milestone's place, 1 first
    key = models.CharField(max_length=8)  # the milestone's key in the statement ("m1")
    label = models.CharField(_("milestone"), max_length=200)
    due_on = models.DateField(_("due"))
    state = models.CharField(_("state"), max_length=12, choices=ReportState.choices, default=ReportState.DUE)
    # {"<indicator key>": "value as typed"}
    values = models.JSONField(default=dict, blank=True)
    narrative = models.TextField(_("progress"), blank=True)
    filed_at = models.DateTimeField(null=True, blank=True)
    filed_by = models.ForeignKey("portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    filed_late = models.BooleanField(default=False)
    review_due_on = models.DateField(null=True, blank=True)
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey("portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    return_reason = models.TextField(_("why it was returned"), blank=True)

    class Meta:
        ordering = ["project", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "key"], name="one_report_per_milestone")]
        indexes = [models.Index(fields=["state", "due_on"], name="report_state_due")]

    def __str__(self) -> str:
        return f"{self.project_id} {self.key}"


class AcceptanceOutcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    PASSED_WITH_CONDITIONS = "passed_with_conditions", _("Passed with conditions")
    FAILED = "failed", _("Failed")


class Acceptance(models.Model):
    """An application for acceptance (验收): the final report and audited spending, and the lead's decision."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="acceptances")
    number = models.PositiveSmallIntegerField()
    summary = models.TextField(_("final report"))
    audited_spending = models.DecimalField(_("audited spending (CNY)"), max_digits=16, decimal_places=2)
    # {"<indicator key>": "value achieved"}
    achieved = models.JSONField(default=dict)
    applied_at = models.DateTimeField(auto_now_add=True)
    applied_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(_("outcome"), max_length=24, choices=AcceptanceOutcome.choices, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    fraud = models.BooleanField(_("fraud found"), default=False)
    returned = models.BooleanField(default=False)
    decided_at = models.DateTimeField(null=True, blank=True)
    decided_by = models.ForeignKey("portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["project", "number"]
        constraints = [models.UniqueConstraint(fields=["project", "number"], name="one_acceptance_number")]

    def __str__(self) -> str:
        return f"{self.project_id} acceptance {self.number}"


class DocumentKind(models.TextChoices):
    EVIDENCE = "evidence", _("Evidence of progress")
    FINAL_REPORT = "final_report", _("Final report")
    AUDIT_REPORT = "audit_report", _("Audit report on the spending")


class ProjectDocument(models.Model):
    """A file filed with a report or an acceptance; checked and stored as application attachments are."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="documents")
    report = models.ForeignKey(
        ProgressReport, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    # Bound when the acceptance is applied for; until then an acceptance document is the working copy's.
    acceptance = models.ForeignKey(
        Acceptance, null=True, blank=True, on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(_("document"), max_length=16, choices=DocumentKind.choices)
    # Under MEDIA_ROOT, which no URL serves: downloads go through a permission-checked view.
    file = models.FileField(upload_to="projects/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind}: {self.original_name}"


class VariationKind(models.TextChoices):
    EXTEND_MILESTONE = "extend_milestone", _("Extend a milestone")
    CHANGE_LEAD = "change_lead", _("Change the project lead")
    CHANGE_INDICATOR = "change_indicator", _("Change an indicator")


class VariationState(models.TextChoices):
    REQUESTED = "requested", _("Requested")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")


class Variation(models.Model):
    """A change to the accepted task statement the enterprise asks for; approved, it makes a new version."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="variations")
    kind = models.CharField(_("change"), max_length=20, choices=VariationKind.choices)
    # extend_milestone {"milestone", "due_on"}; change_lead {"name", "phone", "email"};
    # change_indicator {"indicator", "name", "unit", "target"}
    change = models.JSONField(default=dict)
    grounds = models.TextField(_("why"))
    state = models.CharField(
        _("state"), max_length=12, choices=VariationState.choices, default=VariationState.REQUESTED
    )
    requested_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    requested_at = models.DateTimeField(auto_now_add=True)
    review_due_on = models.DateField(null=True, blank=True)
    decided_by = models.ForeignKey("portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(blank=True)

    class Meta:
        ordering = ["project", "requested_at", "pk"]
        constraints = [
            # One open request at a time: a second waits for the first to be answered.
            models.UniqueConstraint(
                fields=["project"], condition=Q(state=VariationState.REQUESTED), name="one_open_variation"
            )
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.kind}"


class PanelAssignment(models.Model):
    """One expert on an acceptance's panel: declares conflicts first, then scores the acceptance rubric
    (the same states and rules as reviews.ExpertAssignment)."""

    acceptance = models.ForeignKey(Acceptance, on_delete=models.PROTECT, related_name="panel")
    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="panel_assignments")
    expert = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="acceptance_assignments")
    state = models.CharField(
        max_length=24, choices=AssignmentState.choices, default=AssignmentState.AWAITING_DECLARATION
    )
    declared_at = models.DateTimeField(null=True, blank=True)
    conflict_note = models.TextField(blank=True)
    scores = models.JSONField(default=dict, blank=True)
    weighted_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    comment = models.TextField(blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["acceptance", "expert"], name="one_panel_seat_per_expert")]
        indexes = [models.Index(fields=["expert", "state"], name="panel_expert_state")]

    def __str__(self) -> str:
        return f"{self.acceptance_id} / {self.expert_id}"


class ProposalState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed to the Finance Bureau")
    RECORDED = "recorded", _("Repayment recorded")


class ClawbackProposal(models.Model):
    """What a failed project owes back: what was paid, editable with a reason; Finance records the repayment
    through awards.money.clawback_record."""

    project = models.OneToOneField(Project, on_delete=models.PROTECT, related_name="clawback_proposal")
    amount = models.DecimalField(_("amount (CNY)"), max_digits=16, decimal_places=2)
    grounds = models.TextField(_("grounds"))
    fraud = models.BooleanField(_("fraud found"), default=False)
    state = models.CharField(max_length=12, choices=ProposalState.choices, default=ProposalState.PROPOSED)
    proposed_at = models.DateTimeField(auto_now_add=True)
    amended_by = models.ForeignKey("portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    amended_at = models.DateTimeField(null=True, blank=True)
    clawback = models.OneToOneField(
        "awards.Clawback", null=True, blank=True, on_delete=models.PROTECT, related_name="proposal"
    )

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="proposal_positive")]

    def __str__(self) -> str:
        return f"{self.project_id}: {self.amount}"


class ReminderStage(models.TextChoices):
    DUE_IN_10 = "due_in_10", _("due in 10 working days")
    DUE_IN_3 = "due_in_3", _("due in 3 working days")
    OVERDUE = "overdue", _("overdue")


class Reminder(models.Model):
    """A reminder sent: one per thing due, deadline and stage, whatever how often beat runs (the unique
    constraint is the idempotence)."""

    project = models.ForeignKey(Project, on_delete=models.PROTECT, related_name="reminders")
    # What is due: "statement", "report:<key>", "acceptance", or the commission's "review:<what>".
    subject = models.CharField(max_length=40)
    due_on = models.DateField()
    stage = models.CharField(max_length=12, choices=ReminderStage.choices)
    to_officers = models.BooleanField(default=False)
    # None when nobody was there to tell (a commission without a registered officer).
    message = models.ForeignKey(
        "portal.OutboxMessage", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["sent_at", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["project", "subject", "due_on", "stage"], name="one_reminder_per_stage")
        ]

    def __str__(self) -> str:
        return f"{self.project_id} {self.subject} {self.stage}"
