"""Awards: what the engine computed for an approved application, and where the money stands."""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Sum
from django.utils.translation import gettext_lazy as _


class AwardState(models.TextChoices):
    COMPUTED = "computed", _("Computed")
    PUBLICITY = "publicity", _("Public notice")
    CONFIRMED = "confirmed", _("Confirmed")
    LETTER_ISSUED = "letter_issued", _("Decision letter issued")
    DISBURSED = "disbursed", _("Disbursed")
    CLAWED_BACK = "clawed_back", _("Clawed back")
    OVERTURNED = "overturned", _("Overturned after an objection")


# Awards that hold money against caps and budgets. A clawed-back award keeps what was not clawed back
# (`amount - clawed_back`); an overturned one holds nothing.
HOLDING = [s for s in AwardState.values if s != AwardState.OVERTURNED]


def held_amount(through: str = ""):
    """What one holding award holds: its amount less any clawback. `through` reaches awards from another
    model ("awards__"). The raw SQL of `services._holdings` spells the same: `amount - clawed_back` over
    `state = ANY(HOLDING)`."""
    return F(f"{through}amount") - F(f"{through}clawed_back")


class AwardQuerySet(models.QuerySet):
    def holding(self) -> "AwardQuerySet":
        return self.filter(state__in=HOLDING)

    def held(self) -> Decimal:
        """What these awards hold against caps and budgets, together."""
        return self.holding().aggregate(total=Sum(held_amount()))["total"] or Decimal(0)


class Award(models.Model):
    """The amount for one approved decision, with the engine's breakdown in both languages as
    computed, and the keys that the yearly cap, the overlap rule and the call budget sum over."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="awards")
    decision = models.OneToOneField("reviews.Decision", on_delete=models.PROTECT, related_name="award")
    # No index of their own: the covering indexes below start with them and serve their lookups too
    # (one index fewer to write on every award).
    organisation = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, related_name="awards", db_index=False
    )
    call = models.ForeignKey("applications.Call", on_delete=models.PROTECT, related_name="awards", db_index=False)
    program = models.ForeignKey("applications.Program", on_delete=models.PROTECT, related_name="awards")
    year = models.PositiveSmallIntegerField()
    # "<overlap group>|<product key>": one product or project is funded once per group, and per stage where the
    # track funds stages of it: awards of one key overlap when their stages meet (awards/engine.stages_meet).
    overlap_key = models.CharField(max_length=200)
    overlap_stages = ArrayField(models.CharField(max_length=40), default=list, blank=True)
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    breakdown = models.JSONField(default=dict)
    catalogue_version = models.CharField(max_length=40)
    state = models.CharField(_("state"), max_length=16, choices=AwardState.choices, default=AwardState.COMPUTED)
    computed_at = models.DateTimeField(auto_now_add=True)
    notice_from = models.DateField(null=True, blank=True)
    notice_until = models.DateField(null=True, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    # Running totals of Payment and Clawback rows, kept under the award's row lock.
    paid = models.DecimalField(max_digits=16, decimal_places=2, default=0)
    clawed_back = models.DecimalField(max_digits=16, decimal_places=2, default=0)

    objects = AwardQuerySet.as_manager()

    class Meta:
        ordering = ["-computed_at"]
        indexes = [
            # The sums behind the yearly cap, the overlap rule and the call budget (the overlap sum is
            # always an organisation's own, so overlap_key needs no index of its own).
            # Covering (INCLUDE): each approval's sums are index-only scans, however many awards exist.
            models.Index(
                fields=["organisation", "program", "year"],
                include=["amount", "clawed_back", "overlap_key", "overlap_stages", "state"],
                name="award_org_holdings",
            ),
            models.Index(fields=["call", "state"], include=["amount", "clawed_back"], name="award_call_holdings"),
        ]
        constraints = [
            models.CheckConstraint(condition=models.Q(paid__lte=models.F("amount")), name="award_paid_within_amount"),
            models.CheckConstraint(
                condition=models.Q(clawed_back__lte=models.F("amount")), name="award_clawback_within_amount"
            ),
        ]
        verbose_name = _("award")
        verbose_name_plural = _("awards")

    def __str__(self) -> str:
        return f"{self.application} ¥{self.amount}"


class ObjectionState(models.TextChoices):
    OPEN = "open", _("Open")
    UPHELD = "upheld", _("Upheld")
    DISMISSED = "dismissed", _("Dismissed")


class Objection(models.Model):
    """A written, signed objection to an award, or to a register entry, on public notice (anonymous ones are not
    accepted)."""

    award = models.ForeignKey(Award, null=True, blank=True, on_delete=models.PROTECT, related_name="objections")
    entry = models.ForeignKey(
        "RegisterEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="objections"
    )
    name = models.CharField(_("your name"), max_length=100)
    organisation = models.CharField(_("your organisation (if you object for one)"), max_length=200, blank=True)
    # Normalised (stdnum's compact form): a resident ID number, or the organisation's USCC.
    id_number = models.CharField(_("identity document number"), max_length=40)
    phone = models.CharField(_("phone"), max_length=40)
    email = models.EmailField(_("e-mail"), blank=True)
    text = models.TextField(_("the objection and its grounds"))
    filed_at = models.DateTimeField(auto_now_add=True)
    state = models.CharField(max_length=12, choices=ObjectionState.choices, default=ObjectionState.OPEN)
    resolution = models.TextField(blank=True)
    resolved_by = models.ForeignKey("portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["filed_at"]
        verbose_name = _("objection")
        verbose_name_plural = _("objections")
        constraints = [
            # Each open objection holds the award back from confirmation: one per objector and award.
            models.UniqueConstraint(
                fields=["award", "id_number"],
                condition=models.Q(state=ObjectionState.OPEN),
                name="objection_one_open_per_identity",
            ),
            # ... and the entry back from its listing: one per objector and entry.
            models.UniqueConstraint(
                fields=["entry", "id_number"],
                condition=models.Q(state=ObjectionState.OPEN),
                name="objection_one_open_per_identity_and_entry",
            ),
            models.CheckConstraint(
                condition=models.Q(award__isnull=False, entry__isnull=True)
                | models.Q(award__isnull=True, entry__isnull=False),
                name="objection_to_an_award_or_an_entry",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.award_id or self.entry_id}: {self.name}"


class LetterKind(models.TextChoices):
    AWARD = "award", _("Award decision")
    REJECTION = "rejection", _("Rejection")
    # The numbered certificate of a register entry: its listing, or a renewal of it.
    CERTIFICATE = "certificate", _("Certificate")


class RevocationCause(models.TextChoices):
    """Why a letter or certificate no longer stands (awards/revocation.py)."""

    FRAUD_CLAWBACK = "fraud_clawback", _("The support was clawed back because it was obtained with false information")
    OBJECTION_UPHELD = "objection_upheld", _("An objection to the decision was upheld")
    REGISTER_REMOVAL = "register_removal", _("The entry was removed from the register")


class LetterSequence(models.Model):
    """The last letter number used by one commission in one year. Locked to take the next number, so
    numbers have no gaps and no duplicates whatever the concurrency."""

    commission = models.ForeignKey("portal.Commission", on_delete=models.PROTECT, related_name="+")
    year = models.PositiveSmallIntegerField()
    last = models.PositiveIntegerField(default=0)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["commission", "year"], name="one_sequence_per_year")]

    def __str__(self) -> str:
        return f"{self.commission_id}/{self.year}: {self.last}"


class Letter(models.Model):
    """A decision letter. `content` holds everything the PDF shows, so it re-renders identically."""

    application = models.ForeignKey("applications.Application", on_delete=models.PROTECT, related_name="letters")
    decision = models.OneToOneField("reviews.Decision", on_delete=models.PROTECT, related_name="letter")
    award = models.OneToOneField(Award, null=True, blank=True, on_delete=models.PROTECT, related_name="letter")
    # A certificate's register entry (a renewal's certificate is a letter of the same entry).
    entry = models.ForeignKey(
        "RegisterEntry", null=True, blank=True, on_delete=models.PROTECT, related_name="certificates"
    )
    kind = models.CharField(max_length=12, choices=LetterKind.choices)
    commission = models.ForeignKey("portal.Commission", on_delete=models.PROTECT, related_name="letters")
    year = models.PositiveSmallIntegerField()
    number = models.PositiveIntegerField()
    reference = models.CharField(_("letter number"), max_length=40, unique=True)
    content = models.JSONField(default=dict)
    issued_on = models.DateField()
    # Stored outside the web root like attachments; served by a permission-checked view.
    pdf = models.FileField(upload_to="letters/%Y/", blank=True)
    sha256 = models.CharField(max_length=64, blank=True)
    rendered_at = models.DateTimeField(null=True, blank=True)
    # The key of its public verification page (/verify/<token>/), printed on it: random, so the pages of
    # letters cannot be enumerated from their numbers (rejections are not public).
    token = models.CharField(_("verification token"), max_length=32, unique=True, editable=False)
    # Set once by `awards.revocation.letter_revoke` when the decision stops standing; the page then says so.
    revoked_on = models.DateField(_("revoked on"), null=True, blank=True)
    revoked_cause = models.CharField(
        _("cause of revocation"), max_length=20, choices=RevocationCause.choices, blank=True
    )
    revoked_reason = models.TextField(_("reason for revocation"), blank=True)

    class Meta:
        ordering = ["commission", "year", "number"]
        constraints = [
            models.UniqueConstraint(fields=["commission", "year", "number"], name="letter_number_unique"),
        ]
        verbose_name = _("decision letter")
        verbose_name_plural = _("decision letters")

    def __str__(self) -> str:
        return self.reference


class EntryState(models.TextChoices):
    AWAITING_NOTICE = "awaiting_notice", _("Approved, notice not yet published")
    IN_NOTICE = "in_notice", _("On public notice")
    VALID = "valid", _("Valid")
    EXPIRED = "expired", _("Expired")
    REMOVED = "removed", _("Removed")
    OVERTURNED = "overturned", _("Overturned after an objection")


# Entries that stand for their product (or holder) in a register: one at a time per key; an approval for the same
# key renews a valid or expired one instead of adding another.
LIVE = [EntryState.AWAITING_NOTICE, EntryState.IN_NOTICE, EntryState.VALID, EntryState.EXPIRED]
# What the public register shows: entries that were listed (never one still being decided or overturned).
PUBLIC = [EntryState.VALID, EntryState.EXPIRED, EntryState.REMOVED]


class RegisterEntry(models.Model):
    """One holder (and product, where the register lists products) in the register of a recognition program: who,
    what, valid from/to, the decision that granted it and its current certificate. Every change of state is an
    `entry_move()` (awards/register_lifecycle.py), with a `RegisterEvent` row."""

    program = models.ForeignKey("applications.Program", on_delete=models.PROTECT, related_name="register_entries")
    track = models.ForeignKey("applications.Track", on_delete=models.PROTECT, related_name="+")
    organisation = models.ForeignKey(
        "portal.Organisation", on_delete=models.PROTECT, related_name="register_entries", verbose_name=_("holder")
    )
    # The call whose notice published it (the lead publishes a call's entries together, as its awards).
    call = models.ForeignKey("applications.Call", on_delete=models.PROTECT, related_name="register_entries")
    # The application and decision of the latest grant: the listing, then each renewal.
    application = models.ForeignKey(
        "applications.Application", on_delete=models.PROTECT, related_name="register_entries"
    )
    decision = models.ForeignKey("reviews.Decision", on_delete=models.PROTECT, related_name="register_entries")
    subject = models.CharField(_("listed"), max_length=200)
    # The product key as the engine matches it (stripped, upper case); "" where the holder itself is listed.
    key = models.CharField(_("product or project identifier"), max_length=100, blank=True)
    # [{name, kind, label_en, label_zh, value}] of the program's public facts, as granted.
    public_facts = models.JSONField(default=list, blank=True)
    state = models.CharField(_("state"), max_length=16, choices=EntryState.choices, default=EntryState.AWAITING_NOTICE)
    notice_from = models.DateField(null=True, blank=True)
    notice_until = models.DateField(_("notice until"), null=True, blank=True)
    valid_from = models.DateField(_("valid from"), null=True, blank=True)
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    certificate = models.ForeignKey(
        Letter, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name=_("certificate")
    )
    removed_on = models.DateField(_("removed on"), null=True, blank=True)
    removal_reason = models.TextField(_("reason for removal"), blank=True)
    # The end of validity a renewal reminder went out for: one reminder per period.
    reminded_for = models.DateField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["program", "pk"]
        indexes = [
            models.Index(fields=["program", "state"], name="entry_register_state"),
            # The beat's expiry and reminders: valid entries by their end of validity.
            models.Index(fields=["state", "valid_to"], name="entry_state_valid_to"),
            models.Index(fields=["organisation", "program", "key"], name="entry_holder_key"),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "organisation", "key"],
                condition=models.Q(state__in=LIVE),
                name="one_live_entry_per_key",
            ),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="entry_valid_to_after_from",
            ),
        ]
        verbose_name = _("register entry")
        verbose_name_plural = _("register entries")

    def __str__(self) -> str:
        return f"{self.program_id}/{self.pk}: {self.subject}"


class RegisterEvent(models.Model):
    """The history of a register entry, append-only (also in the database: awards/migrations/0008): each move
    and each recorded fact (a certificate, a reminder, an objection) with who, when and why."""

    entry = models.ForeignKey(RegisterEntry, on_delete=models.PROTECT, related_name="events")
    action = models.CharField(max_length=40)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    by = models.ForeignKey("portal.User", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)
    # The validity after the event.
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    # The application behind it (the listing, a renewal), and the certificate it issued.
    application = models.ForeignKey(
        "applications.Application", null=True, blank=True, on_delete=models.PROTECT, related_name="register_events"
    )
    certificate = models.ForeignKey(Letter, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["at", "pk"]
        indexes = [models.Index(fields=["entry", "at"], name="register_event_entry_at")]

    def __str__(self) -> str:
        return f"{self.entry_id} {self.action}: {self.from_state} -> {self.to_state}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("register events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("register events are append-only")


class Payment(models.Model):
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="payments")
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    paid_on = models.DateField(_("paid on"))
    reference = models.CharField(_("payment reference"), max_length=100, blank=True)
    recorded_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["paid_on", "pk"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="payment_positive")]

    def __str__(self) -> str:
        return f"{self.award_id}: {self.amount} on {self.paid_on}"


class Clawback(models.Model):
    award = models.ForeignKey(Award, on_delete=models.PROTECT, related_name="clawbacks")
    amount = models.DecimalField(_("amount"), max_digits=16, decimal_places=2)
    reason = models.TextField(_("reason"))
    fraud = models.BooleanField(_("fraud found"), default=False)
    recorded_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    recorded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["recorded_at"]
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="clawback_positive")]

    def __str__(self) -> str:
        return f"{self.award_id}: -{self.amount}"


class ExportState(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    FAILED = "failed", _("Failed")


class Export(models.Model):
    """A large report export built by Celery; the page shows its progress and then the download."""

    requested_by = models.ForeignKey("portal.User", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(max_length=8)  # csv | xlsx
    filters = models.JSONField(default=dict)
    # The language of the page that asked: the worker writes names (districts, states, calls) in it.
    language = models.CharField(max_length=10, default=settings.LANGUAGE_CODE)
    state = models.CharField(max_length=10, choices=ExportState.choices, default=ExportState.QUEUED)
    rows_total = models.PositiveIntegerField(default=0)
    rows_done = models.PositiveIntegerField(default=0)
    file = models.FileField(upload_to="exports/%Y/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"export {self.pk} ({self.kind}, {self.state})"

    @property
    def percent(self) -> int:
        return (
            100
            if self.state == ExportState.DONE
            else int(100 * self.rows_done / self.rows_total)
            if self.rows_total
            else 0
        )
