"""The policy catalogue (Policy, Program, Track) and the calls opened on it.

Catalogue rows are loaded from `applications/catalogue.toml` by `load_catalogue`; their natural
keys (`code`) are what the file names, so loading again updates in place.
"""

from django.db import models
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from portal.accounts.models import Commission, User
from portal.bilingual import localized


class Policy(models.Model):
    code = models.CharField(_("code"), max_length=40, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    document_number = models.CharField(_("document number"), max_length=80, blank=True)
    issuing_body_en = models.CharField(_("issuing body (English)"), max_length=200)
    issuing_body_zh = models.CharField(_("issuing body (Chinese)"), max_length=200)
    effective_from = models.DateField(_("effective from"))
    effective_to = models.DateField(_("effective to"))
    # Policy C funds measures from before its own effective date (2024-06-01 vs 2024-08-01).
    funding_from = models.DateField(_("funding covers from"), null=True, blank=True)
    source_file = models.CharField(_("source document"), max_length=200, blank=True)
    # Amounts reported by the press, not read in the official text: an administrator confirms them
    # before a call may open on this policy.
    amounts_verified = models.BooleanField(_("amounts verified against the official text"), default=True)
    # Who confirmed them, when, and against which text (services.policy_confirm_amounts); empty for a policy
    # whose amounts the catalogue itself read in the official text.
    amounts_verified_by = models.ForeignKey(
        User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("amounts verified by")
    )
    amounts_verified_at = models.DateTimeField(_("amounts verified at"), null=True, blank=True)
    amounts_verified_against = models.CharField(_("amounts verified against"), max_length=300, blank=True)
    note_en = models.TextField(blank=True)
    note_zh = models.TextField(blank=True)
    catalogue_version = models.CharField(max_length=40)

    class Meta:
        ordering = ["effective_from", "code"]
        verbose_name = _("policy")
        verbose_name_plural = _("policies")

    def __str__(self) -> str:
        return localized(self, "title")

    @property
    def funding_starts(self):
        return self.funding_from or self.effective_from

    def in_force_on(self, day) -> bool:
        return self.funding_starts <= day <= self.effective_to


class ProgramOutcome(models.TextChoices):
    """What a program's approval gives (SPEC §5): money by the award engine, an entry in a register
    (a listing, a recognition, a number of beds), or the answers of the units a case was routed to."""

    GRANT = "grant", _("Grant")
    RECOGNITION = "recognition", _("Recognition")
    CHANNEL = "channel", _("Service channel")


class Program(models.Model):
    """One support measure (clause) of a policy. Award terms live on its tracks."""

    policy = models.ForeignKey(Policy, on_delete=models.PROTECT, related_name="programs")
    code = models.CharField(_("code"), max_length=40, unique=True)
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    clause = models.CharField(_("clause"), max_length=60)
    # How pages and letters cite the measure where the policy's text numbers no clause (policy C's press
    # release): what the catalogue says instead, in both languages. Empty: "clause <clause>".
    citation_en = models.CharField(_("citation (English)"), max_length=200, blank=True)
    citation_zh = models.CharField(_("citation (Chinese)"), max_length=200, blank=True)
    # The kind of support (catalogue `kinds`), by which applicants filter the open calls.
    kind = models.CharField(_("kind of support"), max_length=40, db_index=True, default="")
    kind_label_en = models.CharField(max_length=100, blank=True)
    kind_label_zh = models.CharField(max_length=100, blank=True)
    outcome = models.CharField(
        _("outcome"), max_length=16, choices=ProgramOutcome.choices, default=ProgramOutcome.GRANT, db_index=True
    )
    summary_en = models.TextField(_("what it funds (English)"), blank=True)
    summary_zh = models.TextField(_("what it funds (Chinese)"), blank=True)
    # Every unit the clause names, in the clause's order (`unit_rows`, ProgramUnit); the first one leads.
    units = models.ManyToManyField(Commission, through="ProgramUnit", related_name="named_in_programs", blank=True)
    lead = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="led_programs")
    # Which of the other units receive a review task (SPEC §5's co-review list); FIN confirms the budget instead
    # of giving an opinion (reviews/routing.py).
    co_reviewers = models.ManyToManyField(
        Commission, related_name="co_reviewed_programs", blank=True, verbose_name=_("units that review")
    )
    # Per-enterprise cap per calendar year, all tracks together; null where the policy sets none.
    yearly_cap = models.DecimalField(_("yearly cap per enterprise"), max_digits=16, decimal_places=2, null=True)
    # Programs funding the same thing share a group; one product/project key is funded once per key.
    overlap_group = models.CharField(_("overlap group"), max_length=60, blank=True)
    # Without `overlap_stages` of its own, each track is its own stage (catalogue.py).
    overlap_per_track = models.BooleanField(_("overlap key includes the track"), default=False)
    # Working days per stage where the program sets its own clock ({"desk_answer": 10}); a call may set
    # others (Call.stage_deadlines), reviews/clock.py falls back to its defaults.
    stage_days = models.JSONField(_("working days per stage"), default=dict, blank=True)
    # Who may apply: organisation kinds (portal.accounts.models.OrganisationKind); empty: every kind the
    # policies support (enterprises, public institutions, private non-enterprise units).
    applicants = models.JSONField(_("who may apply"), default=list, blank=True)
    # A recognition's register entry lasts this long from the day it is granted; null for grants.
    valid_years = models.PositiveSmallIntegerField(_("validity (years)"), null=True, blank=True)
    # The facts a recognition's public register shows beside the holder and the subject (the number of beds,
    # the products listed); every other fact stays with the file.
    public_facts = models.JSONField(_("facts the public register shows"), default=list, blank=True)
    note_en = models.TextField(blank=True)
    note_zh = models.TextField(blank=True)
    catalogue_version = models.CharField(max_length=40)

    class Meta:
        ordering = ["code"]
        verbose_name = _("program")
        verbose_name_plural = _("programs")

    def __str__(self) -> str:
        return f"{self.code} {localized(self, 'title')}"

    @property
    def is_grant(self) -> bool:
        """Money by the award engine: an estimate, a budget, an award and its decision letter."""
        return self.outcome == ProgramOutcome.GRANT

    @property
    def is_channel(self) -> bool:
        """A service channel: cases the lead routes to the units concerned, who answer (reviews/desk.py)."""
        return self.outcome == ProgramOutcome.CHANNEL

    def admits(self, organisation_kind: str) -> bool:
        return not self.applicants or organisation_kind in self.applicants

    @property
    def citation(self) -> str:
        """The measure's citation in the active language: "clause III.1", or what the catalogue says where
        the policy's text numbers no clause."""
        if self.citation_en or self.citation_zh:
            return localized(self, "citation")
        return gettext("clause %(clause)s") % {"clause": self.clause}


class ProgramUnit(models.Model):
    """One responsible unit a program's clause names, at its place in the clause's list (0 leads)."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="unit_rows")
    commission = models.ForeignKey(Commission, on_delete=models.PROTECT, related_name="program_rows")
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["program", "position"]
        constraints = [
            models.UniqueConstraint(fields=["program", "position"], name="one_unit_per_place"),
            models.UniqueConstraint(fields=["program", "commission"], name="unit_named_once_per_program"),
        ]
        verbose_name = _("responsible unit")
        verbose_name_plural = _("responsible units")

    def __str__(self) -> str:
        return f"{self.program.code} {self.position}: {self.commission.code}"


class Track(models.Model):
    """One way a program pays: rate x base fact, capped. Single-track programs have one with code ''."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="tracks")
    code = models.CharField(_("code"), max_length=40, blank=True)
    title_en = models.CharField(_("title (English)"), max_length=200, blank=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200, blank=True)
    base_fact = models.CharField(_("base fact"), max_length=40, blank=True)
    # Null where the policy leaves the rate to each call (policies B and C).
    rate = models.DecimalField(_("rate"), max_digits=6, decimal_places=4, null=True, blank=True)
    # "No more than X%" is a ceiling a reviewer may lower; "will be granted X%" is fixed.
    rate_is_ceiling = models.BooleanField(_("rate is a ceiling"), default=True)
    clause_cap = models.DecimalField(_("clause cap"), max_digits=16, decimal_places=2, null=True, blank=True)
    # Eligibility beyond "registered in Shanghai": [{fact, test, values?, reason_en, reason_zh}, ...]
    conditions = models.JSONField(_("eligibility conditions"), default=list)
    # The form of this track: the facts its formula, conditions and the filing use (name, kind, labels, help,
    # choices), and the documents it requires ([{code, label_en, label_zh}, ...]). Nothing another track uses.
    fact_schema = models.JSONField(_("fact schema"), default=list)
    document_types = models.JSONField(_("required documents"), default=list)
    # What the track funds of a product, for the overlap rule: awards in the program's overlap group for the
    # same product overlap when their stages meet; empty: the product as a whole (awards/engine.py).
    overlap_stages = models.JSONField(_("overlap stages"), default=list, blank=True)
    note_en = models.TextField(blank=True)
    note_zh = models.TextField(blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["program", "position"]
        constraints = [models.UniqueConstraint(fields=["program", "code"], name="one_track_code_per_program")]
        verbose_name = _("track")
        verbose_name_plural = _("tracks")

    def __str__(self) -> str:
        return f"{self.program.code} {self.code or '-'}"


# JSON columns a list page never shows: deferring them skips decoding them for every row (the review
# queue decoded ~500 such blobs per request before; `make bench`).
TRACK_BLOBS = ("fact_schema", "document_types", "conditions")
CALL_BLOBS = ("rubric", "milestone_windows", "track_terms", "stage_deadlines")


class NoticeKind(models.TextChoices):
    WORKING_DAYS_5 = "working_days_5", _("5 working days")
    CALENDAR_DAYS_7 = "calendar_days_7", _("7 calendar days")


class Call(models.Model):
    """A round: a program opened for applications for a period, with a budget."""

    program = models.ForeignKey(Program, on_delete=models.PROTECT, related_name="calls")
    year = models.PositiveSmallIntegerField(_("year"))
    title_en = models.CharField(_("title (English)"), max_length=300)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    budget = models.DecimalField(_("budget envelope"), max_digits=16, decimal_places=2, null=True, blank=True)
    uses_expert_review = models.BooleanField(_("uses expert review"), default=False)
    rubric = models.JSONField(_("scoring rubric"), default=list, blank=True)
    notice_kind = models.CharField(
        _("public notice period"), max_length=20, choices=NoticeKind.choices, default=NoticeKind.WORKING_DAYS_5
    )
    max_applications_per_applicant = models.PositiveSmallIntegerField(
        _("applications per applicant"), null=True, blank=True
    )
    # {"<track or *>": {"from": "YYYY-MM-DD", "to": "YYYY-MM-DD"}}: the milestone date must fall inside.
    milestone_windows = models.JSONField(_("milestone windows"), default=dict, blank=True)
    # {"<track>": {"rate": "0.3", "cap": "2000000"}}: fills what the catalogue leaves to each call.
    track_terms = models.JSONField(_("terms set by this call"), default=dict, blank=True)
    # {"formal_check": 5, "department_review": 15, ...} in working days.
    stage_deadlines = models.JSONField(_("stage deadlines (working days)"), default=dict, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # When the organisations alerted of this call were told it opened (applications/alerts.py): the beat
    # looks at open calls without it only.
    alerts_sent_at = models.DateTimeField(_("alerts sent at"), null=True, blank=True)

    class Meta:
        ordering = ["-opens_at"]
        indexes = [
            models.Index(fields=["opens_at", "closes_at"], name="call_open_window"),
            models.Index(fields=["opens_at"], condition=models.Q(alerts_sent_at__isnull=True), name="call_alert_due"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closes_at__gt=models.F("opens_at")), name="call_closes_after_open"
            ),
        ]
        verbose_name = _("call")
        verbose_name_plural = _("calls")

    def __str__(self) -> str:
        return localized(self, "title")

    def is_open(self, at) -> bool:
        return self.opens_at <= at < self.closes_at


class State(models.TextChoices):
    """Where an application is in SPEC §3. Awards carry their own states (awards app)."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    FORMAL_CHECK = "formal_check", _("Formal check")
    RETURNED = "returned_for_correction", _("Returned for correction")
    DEPARTMENT_REVIEW = "department_review", _("Department review")
    EXPERT_REVIEW = "expert_review", _("Expert review")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    WITHDRAWN = "withdrawn", _("Withdrawn")
    # A service channel's case (SPEC §5, B II.5(12)): submitted, routed by the lead to the units concerned,
    # answered by all of them, reopened once or closed.
    ROUTED = "routed", _("Routed to the units concerned")
    ANSWERED = "answered", _("Answered")
    REOPENED = "reopened", _("Reopened")
    CLOSED = "closed", _("Closed as resolved")


class Application(models.Model):
    """One filing by an organisation to a call. The working copy lives here; what was submitted is
    frozen in ApplicationVersion rows."""

    # A plain FK that every list is scoped by: cheap, and the same column guardian checks resolve to.
    organisation = models.ForeignKey("portal.Organisation", on_delete=models.PROTECT, related_name="applications")
    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="applications")
    track = models.ForeignKey(Track, on_delete=models.PROTECT, related_name="applications")
    created_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("state"), max_length=32, choices=State.choices, default=State.DRAFT)
    title = models.CharField(_("project or product name"), max_length=200)
    # What the applicant typed, as typed (strings), so a draft comes back exactly as left.
    draft_facts = models.JSONField(default=dict, blank=True)
    estimated_amount = models.DecimalField(max_digits=16, decimal_places=2, null=True, blank=True)
    receipt_number = models.CharField(_("receipt number"), max_length=40, unique=True, null=True, blank=True)
    current_version = models.ForeignKey(
        "ApplicationVersion", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    first_submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at"]
        indexes = [
            # The organisation's dashboard and the per-applicant limit of a call.
            models.Index(fields=["organisation", "-updated_at"], name="app_org_recent"),
            models.Index(fields=["call", "organisation", "state"], name="app_call_org_state"),
            models.Index(fields=["call", "state"], name="app_call_state"),
        ]
        verbose_name = _("application")
        verbose_name_plural = _("applications")

    def __str__(self) -> str:
        return self.receipt_number or f"{_('Draft')} #{self.pk}"


class ApplicationVersion(models.Model):
    """What was submitted, frozen: facts (typed, as JSON), attachments, and the estimate then."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    title = models.CharField(max_length=200)
    facts = models.JSONField()
    product_key = models.CharField(max_length=100, db_index=True)
    milestone_date = models.DateField(null=True, blank=True)
    attachments = models.ManyToManyField("Attachment", related_name="versions")
    estimate = models.JSONField(default=dict)
    catalogue_version = models.CharField(max_length=40)
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["application", "number"]
        constraints = [models.UniqueConstraint(fields=["application", "number"], name="one_version_number")]

    def __str__(self) -> str:
        return f"{self.application} v{self.number}"


class Attachment(models.Model):
    """An uploaded document. Files are never changed; a draft drops one by leaving `in_draft`."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="attachments")
    document_type = models.CharField(_("document type"), max_length=40)
    # Stored under MEDIA_ROOT, which no URL serves: downloads go through a permission-checked view.
    file = models.FileField(upload_to="attachments/%Y/%m/")
    original_name = models.CharField(max_length=200)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    in_draft = models.BooleanField(default=True)
    uploaded_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["uploaded_at"]

    def __str__(self) -> str:
        return f"{self.document_type}: {self.original_name}"


class AuditEvent(models.Model):
    """Append-only: every state change and decision, who, when, from, to, why, on which version."""

    application = models.ForeignKey(Application, on_delete=models.PROTECT, related_name="events")
    actor = models.ForeignKey("portal.User", null=True, on_delete=models.PROTECT, related_name="+")
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=32, blank=True)
    to_state = models.CharField(max_length=32, blank=True)
    version = models.ForeignKey(ApplicationVersion, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(blank=True)
    # Internal notes of the commissions stay internal; the applicant's history shows the rest.
    visible_to_applicant = models.BooleanField(default=True)
    data = models.JSONField(default=dict, blank=True)
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["application", "at"], name="audit_app_at")]
        verbose_name = _("history event")
        verbose_name_plural = _("history events")

    def __str__(self) -> str:
        return f"{self.action}: {self.from_state} -> {self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("audit events are append-only")

    @classmethod
    def record(
        cls,
        *,
        application: Application,
        action: str,
        by: User | None = None,
        reason: str = "",
        data: dict | None = None,
        version: ApplicationVersion | None = None,
        public: bool = True,
        from_state: str | None = None,
        to_state: str | None = None,
    ) -> "AuditEvent":
        """The one place an audit row is written. Without states the event is about something other than
        the application's lifecycle (a review opinion, an award's move): it stays where it is."""
        return cls.objects.create(
            application=application,
            actor=by,
            action=action,
            from_state=application.state if from_state is None else from_state,
            to_state=application.state if to_state is None else to_state,
            version=version or application.current_version,
            reason=reason,
            data=data or {},
            visible_to_applicant=public,
        )


class Broadcast(models.Model):
    """An announcement the lead commission wrote to every applicant of a call (a deadline moved, a session
    announced), as typed, with how many people it reached. Append-only: what was said stays said."""

    call = models.ForeignKey(Call, on_delete=models.PROTECT, related_name="broadcasts")
    author = models.ForeignKey(User, verbose_name=_("written by"), on_delete=models.PROTECT, related_name="+")
    subject = models.CharField(_("subject"), max_length=200)
    body = models.TextField(_("message"))
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)
    recipient_count = models.PositiveIntegerField(_("people reached"), default=0)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("announcement to applicants")
        verbose_name_plural = _("announcements to applicants")

    def __str__(self) -> str:
        return self.subject


class AlertCriterion(models.TextChoices):
    """What an organisation's call alert matches a call by (applications/alerts.py)."""

    KIND = "kind", _("Kind of support")
    COMMISSION = "commission", _("Lead commission")
    PROGRAM = "program", _("Measure")


class CallAlert(models.Model):
    """One criterion an organisation is alerted by: a kind of support, a lead commission or a program. A call that
    opens and matches any of them puts one inbox item in each member's inbox (`alerts.call_alerts_send`)."""

    organisation = models.ForeignKey("portal.Organisation", on_delete=models.CASCADE, related_name="call_alerts")
    criterion = models.CharField(_("alert by"), max_length=16, choices=AlertCriterion.choices)
    kind = models.CharField(_("kind of support"), max_length=40, blank=True)
    commission = models.ForeignKey(
        Commission, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("commission")
    )
    program = models.ForeignKey(
        Program, on_delete=models.CASCADE, null=True, blank=True, related_name="+", verbose_name=_("measure")
    )
    created_by = models.ForeignKey("portal.User", on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["organisation", "criterion", "pk"]
        constraints = [
            # Exactly the column of its criterion is set.
            models.CheckConstraint(
                condition=(
                    models.Q(criterion="kind", commission__isnull=True, program__isnull=True) & ~models.Q(kind="")
                )
                | models.Q(criterion="commission", kind="", commission__isnull=False, program__isnull=True)
                | models.Q(criterion="program", kind="", commission__isnull=True, program__isnull=False),
                name="call_alert_one_criterion",
            ),
            models.UniqueConstraint(
                fields=["organisation", "kind"], condition=models.Q(criterion="kind"), name="call_alert_kind_once"
            ),
            models.UniqueConstraint(
                fields=["organisation", "commission"],
                condition=models.Q(criterion="commission"),
                name="call_alert_commission_once",
            ),
            models.UniqueConstraint(
                fields=["organisation", "program"],
                condition=models.Q(criterion="program"),
                name="call_alert_program_once",
            ),
        ]
        verbose_name = _("call alert")
        verbose_name_plural = _("call alerts")

    def __str__(self) -> str:
        return f"{self.organisation_id}: {self.criterion} {self.kind or self.commission_id or self.program_id}"
