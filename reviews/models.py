"""Review work: one task per commission and stage, expert assignments and their scores, and the
lead commission's decision. Application states live on `applications.Application`; these rows are
the work that moves it along."""

from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class TaskKind(models.TextChoices):
    FORMAL_CHECK = "formal_check", _("Formal check")
    OPINION = "opinion", _("Department opinion")
    BUDGET = "budget_confirmation", _("Budget confirmation")
    # A service channel's case (reviews/desk.py): the lead routes it, each unit it is routed to answers.
    DESK_ROUTING = "desk_routing", _("Routing of a desk case")
    DESK_ANSWER = "desk_answer", _("Answer to a desk case")


class TaskState(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")
    CANCELLED = "cancelled", _("Cancelled")


class Outcome(models.TextChoices):
    PASSED = "passed", _("Passed")
    RETURNED = "returned", _("Returned for correction")
    SUPPORT = "support", _("Support")
    OBJECT = "object", _("Object")
    CONFIRMED = "confirmed", _("Budget confirmed")
    NOT_CONFIRMED = "not_confirmed", _("Budget not available")
    # The lead went ahead without a co-reviewer's opinion: nobody of that commission is registered to give it.
    WAIVED = "waived", _("Proceeded without: no officer registered")
    ROUTED = "routed", _("Routed to the units concerned")
    ANSWERED = "answered", _("Answered")


class ReviewTaskQuerySet(models.QuerySet):
    def cancel(self) -> int:
        """These tasks leave the queues unanswered (a withdrawal, a decision that went ahead without them)."""
        return self.update(state=TaskState.CANCELLED)


class ReviewTask(models.Model):
    """The work one commission does on one submitted version at one stage."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="tasks")
    version = models.ForeignKey("applications.ApplicationVersion", on_delete=models.PROTECT, related_name="+")
    commission = models.ForeignKey("portal.Commission", on_delete=models.PROTECT, related_name="tasks")
    kind = models.CharField(_("stage"), max_length=24, choices=TaskKind.choices)
    is_lead = models.BooleanField(_("lead commission"), default=False)
    state = models.CharField(_("state"), max_length=12, choices=TaskState.choices, default=TaskState.OPEN)
    assigned_to = models.ForeignKey(
        "portal.User", verbose_name=_("assigned to"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    due_on = models.DateField(_("due"))
    outcome = models.CharField(_("outcome"), max_length=16, choices=Outcome.choices, blank=True)
    reasons = models.TextField(_("reasons"), blank=True)
    checklist = models.JSONField(default=dict, blank=True)
    # What a unit writes for the lead and the other units only, beside its answer (`reasons`), which the
    # enterprise reads: never shown to the applicant.
    internal_note = models.TextField(_("internal note"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    completed_by = models.ForeignKey("portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")

    objects = ReviewTaskQuerySet.as_manager()

    class Meta:
        ordering = ["due_on", "pk"]
        indexes = [
            # The queue: a commission's open tasks by deadline.
            models.Index(fields=["commission", "state", "due_on"], name="task_queue"),
            models.Index(fields=["application", "kind", "state"], name="task_app_kind"),
        ]
        constraints = [
            # Routing twice (a retried request) must not give a commission two open tasks of one kind.
            models.UniqueConstraint(
                fields=["application", "commission", "kind"],
                condition=models.Q(state=TaskState.OPEN),
                name="one_open_task_per_commission_and_stage",
            ),
        ]
        verbose_name = _("review task")
        verbose_name_plural = _("review tasks")

    def __str__(self) -> str:
        return f"{self.application} {self.commission.code} {self.kind}"

    def close(
        self,
        *,
        by,
        outcome: str,
        reasons: str = "",
        checklist: dict | None = None,
        timed: bool = True,
        internal_note: str = "",
    ) -> None:
        """Done, with its outcome: the one way a task is answered (formal check, opinion, budget, decision, a desk
        case's routing and answers). The caller holds the task's row lock. `timed=False` leaves `completed_at`
        empty: the decision that closes the lead's own opinion task has its time on the Decision, and the on-time
        figures count answers only."""
        self.state, self.outcome, self.reasons, self.completed_by = TaskState.DONE, outcome, reasons, by
        self.internal_note = internal_note
        if timed:
            self.completed_at = timezone.now()
        if checklist is not None:
            self.checklist = checklist
        fields = ["state", "outcome", "reasons", "completed_by", "completed_at", "checklist", "internal_note"]
        self.save(update_fields=fields)

    def cancel(self) -> None:
        self.state = TaskState.CANCELLED
        self.save(update_fields=["state"])


class CallExpert(models.Model):
    """An expert invited by an administrator to score one call's applications."""

    call = models.ForeignKey("applications.Call", on_delete=models.CASCADE, related_name="experts")
    expert = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="expert_calls")
    invited_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    invited_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["call", "expert"], name="expert_once_per_call")]
        verbose_name = _("call expert")
        verbose_name_plural = _("call experts")

    def __str__(self) -> str:
        return f"{self.expert} @ {self.call_id}"


class AssignmentState(models.TextChoices):
    AWAITING_DECLARATION = "awaiting_declaration", _("Conflict of interest to declare")
    OPEN = "open", _("To score")
    SCORED = "scored", _("Scored")
    CONFLICT = "conflict", _("Excluded: declared conflict of interest")
    SAME_ORGANISATION = "same_organisation", _("Excluded: the expert's own organisation")
    CANCELLED = "cancelled", _("Cancelled")


EXCLUDED = [AssignmentState.CONFLICT, AssignmentState.SAME_ORGANISATION, AssignmentState.CANCELLED]


class ExpertAssignment(models.Model):
    """One expert's review of one application. The expert sees the file only after declaring no
    conflict of interest; experts of the applicant's own organisation are excluded when assigned."""

    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="expert_assignments"
    )
    version = models.ForeignKey("applications.ApplicationVersion", on_delete=models.PROTECT, related_name="+")
    expert = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="assignments")
    state = models.CharField(
        max_length=24, choices=AssignmentState.choices, default=AssignmentState.AWAITING_DECLARATION
    )
    declared_at = models.DateTimeField(null=True, blank=True)
    conflict_note = models.TextField(blank=True)
    # {"<criterion code>": 0..100}; the weighted total is kept for ranking.
    scores = models.JSONField(default=dict, blank=True)
    weighted_score = models.DecimalField(max_digits=6, decimal_places=2, null=True, blank=True)
    comment = models.TextField(blank=True)
    scored_at = models.DateTimeField(null=True, blank=True)
    due_on = models.DateField()

    class Meta:
        ordering = ["due_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["application", "expert"], name="one_assignment_per_expert")]
        indexes = [models.Index(fields=["expert", "state"], name="assignment_expert_state")]
        verbose_name = _("expert assignment")
        verbose_name_plural = _("expert assignments")

    def __str__(self) -> str:
        return f"{self.application} / {self.expert}"


class DecisionOutcome(models.TextChoices):
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class Decision(models.Model):
    """The lead commission's decision on one version, with any lower amount it recommends."""

    # A foreign key, not one-to-one: an upheld objection sends an award back to the lead commission.
    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="decisions")
    version = models.ForeignKey("applications.ApplicationVersion", on_delete=models.PROTECT, related_name="+")
    outcome = models.CharField(max_length=12, choices=DecisionOutcome.choices)
    recommended_amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    reasons = models.TextField(blank=True)
    decided_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    decided_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-decided_at", "-pk"]
        verbose_name = _("decision")
        verbose_name_plural = _("decisions")

    def __str__(self) -> str:
        return f"{self.application}: {self.outcome}"


# --- the thread of an application (reviews/threads.py) --------------------------------------------------


class Side(models.TextChoices):
    APPLICANT = "applicant", _("Applicant")
    COMMISSION = "commission", _("Commission")


class Message(models.Model):
    """One message of an application's thread, between its team and the commissions that hold a task on it.

    Keyed on the application, not a version: the thread survives a return for correction and a resubmission.
    Part of the audit record, so append-only (trigger in reviews/migrations/0004): body, author and what it
    answers never change, nothing is deleted; only `answered_at`/`answered_by` of a clarification request are
    set, once, by the reply that answers it."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="messages")
    author = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+", verbose_name=_("author"))
    side = models.CharField(_("side"), max_length=12, choices=Side.choices)
    # The author's commission when it was written (a commission's message stays its own if the officer moves).
    commission = models.ForeignKey(
        "portal.Commission", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    body = models.TextField(_("message"))
    # Officers only: never shown to the applicant's team, in the portal or the API.
    internal = models.BooleanField(_("internal (officers only)"), default=False)
    # A clarification request: what the applicant answers by `due_on`; null for a plain message.
    due_on = models.DateField(_("answer due"), null=True, blank=True)
    answered_at = models.DateTimeField(null=True, blank=True)
    answered_by = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("answered by")
    )
    # A reply that answers a clarification request points at it.
    answers = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="replies")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["application", "created_at"], name="message_app_at")]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(internal=True, due_on__isnull=False), name="clarification_not_internal"
            ),
            models.UniqueConstraint(
                fields=["answers"], condition=models.Q(answers__isnull=False), name="one_answer_per_request"
            ),
        ]
        verbose_name = _("message")
        verbose_name_plural = _("messages")

    def __str__(self) -> str:
        return f"{self.application} #{self.pk}"

    @property
    def is_request(self) -> bool:
        return self.due_on is not None

    @property
    def is_open_request(self) -> bool:
        return self.due_on is not None and self.answered_at is None


class MessageAttachment(models.Model):
    """A file sent with a message; checked and stored like an application's documents (filing.sniff_upload)."""

    message = models.ForeignKey(Message, on_delete=models.PROTECT, related_name="attachments")
    # Stored under MEDIA_ROOT, which no URL serves: downloads go through a permission-checked view.
    file = models.FileField(upload_to="messages/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("message attachment")
        verbose_name_plural = _("message attachments")

    def __str__(self) -> str:
        return self.original_name
