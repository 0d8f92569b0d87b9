from django.contrib.auth.models import AbstractUser
from django.db import models
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase

from portal.accounts.districts import DISTRICT_CHOICES
from portal.bilingual import localized


class Commission(models.Model):
    """A municipal department named by the policies (SPEC §4); loaded from the catalogue."""

    code = models.CharField(_("code"), max_length=16, unique=True)
    name_en = models.CharField(_("name (English)"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200)
    # The Finance Bureau takes part in every program by confirming the budget, not by an opinion.
    confirms_budget = models.BooleanField(_("confirms budgets"), default=False)

    class Meta:
        ordering = ["code"]
        verbose_name = _("commission")
        verbose_name_plural = _("commissions")

    def __str__(self) -> str:
        # The name a person reads; the code beside it, for officers who know the commissions by it.
        return f"{localized(self, 'name')} ({self.code})"


class OrganisationKind(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise")
    PUBLIC_INSTITUTION = "public_institution", _("Public institution")
    PRIVATE_NON_ENTERPRISE = "private_non_enterprise", _("Private non-enterprise unit")


class Organisation(models.Model):
    """An applicant. `district` is derived from the USCC when the organisation is registered."""

    uscc = models.CharField(_("unified social credit code"), max_length=18, unique=True)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("type"), max_length=32, choices=OrganisationKind.choices)
    district = models.CharField(_("district"), max_length=16, choices=DISTRICT_CHOICES)
    contact_name = models.CharField(_("contact person"), max_length=100, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=40, blank=True)
    contact_email = models.EmailField(_("contact e-mail"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    # Fraud found after an award: a credit record and a 3-year ban from applying (SPEC §5).
    credit_flag = models.BooleanField(_("on the serious-dishonesty list"), default=False)
    banned_until = models.DateField(_("banned from applying until"), null=True, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        permissions = [
            ("apply_for", _("File and follow applications for this organisation")),
            ("manage_team", _("Invite and remove colleagues of this organisation")),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.uscc})"


class Role(models.TextChoices):
    ENTERPRISE = "enterprise", _("Enterprise user")
    OFFICER = "officer", _("Commission officer")
    EXPERT = "expert", _("Expert reviewer")
    FINANCE = "finance", _("Finance officer")
    ADMIN = "admin", _("Administrator")


class User(AbstractUser):
    role = models.CharField(_("role"), max_length=16, choices=Role.choices, default=Role.ENTERPRISE)
    # Officers and finance officers act for one commission; enterprise users for one organisation.
    # Experts may carry their own affiliation, which conflict-of-interest checks compare.
    commission = models.ForeignKey(
        Commission, verbose_name=_("commission"), null=True, blank=True, on_delete=models.PROTECT, related_name="staff"
    )
    organisation = models.ForeignKey(
        Organisation,
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="members",
    )
    is_org_admin = models.BooleanField(_("organisation administrator"), default=False)
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=[("zh-hans", "简体中文"), ("en", "English")], default="zh-hans"
    )
    # Set when the person opened the link mailed to `email` (portal/accounts/verification.py); until then an applicant
    # drafts but cannot submit.
    email_verified_at = models.DateTimeField(_("e-mail address verified at"), null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(role__in=["officer", "finance"]) | models.Q(commission__isnull=False),
                name="staff_belong_to_a_commission",
            ),
        ]
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.get_full_name() or self.username


# Direct-FK permission rows: a guardian check or a permission-filtered list joins on an indexed
# foreign key instead of scanning generic (content type, text object id) rows.
class OrganisationUserObjectPermission(UserObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class OrganisationGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Organisation, on_delete=models.CASCADE)


class Invitation(models.Model):
    """A one-time link by which a colleague joins an organisation. Only the token's hash is stored."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("e-mail"))
    invited_by = models.ForeignKey(User, on_delete=models.PROTECT, related_name="+")
    token_hash = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    expires_at = models.DateTimeField()
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(User, null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.email} -> {self.organisation_id}"


class OutboxKind(models.TextChoices):
    EVENT = "event", _("Step of an application")
    INVITATION = "invitation", _("Team invitation")
    EMAIL_VERIFICATION = "email_verification", _("E-mail address confirmation")
    PASSWORD_RESET = "password_reset", _("Password reset")
    NOTIFICATION = "notification", _("Inbox item")
    DIGEST = "digest", _("Daily digest")


# Kinds whose body holds a one-time link: cleared once the mail has left (portal/accounts/outbox.py).
SECRET_KINDS = (OutboxKind.INVITATION, OutboxKind.EMAIL_VERIFICATION, OutboxKind.PASSWORD_RESET)


class OutboxMessage(models.Model):
    """An e-mail to send, written in the transaction of what it announces (portal/accounts/outbox.py): a lost
    queue message, a killed worker or a dropped connection delays it, never loses it."""

    kind = models.CharField(_("kind"), max_length=32, choices=OutboxKind.choices)
    # What the mail is about, one per row: a second write for the same thing is refused by the database.
    dedupe_key = models.CharField(_("dedupe key"), max_length=100, unique=True)
    # The same on every attempt, so a receiving server or client drops the duplicate a resend may cause.
    message_id = models.CharField(_("Message-ID"), max_length=255, unique=True)
    recipients = models.JSONField(_("recipients"), default=list)
    subject = models.TextField(_("subject"))
    body = models.TextField(_("body"), blank=True)
    # DO_NOTHING: the audit log is append-only in the database itself (a trigger refuses DELETE), which is
    # the answer a deletion should meet, not a Python-side PROTECT that would pre-empt it.
    event = models.ForeignKey(
        "applications.AuditEvent", null=True, blank=True, on_delete=models.DO_NOTHING, related_name="outbox_messages"
    )
    # Its PDF is read when the mail is sent, from the stored letter.
    letter = models.ForeignKey("awards.Letter", null=True, blank=True, on_delete=models.PROTECT, related_name="+")
    invitation = models.ForeignKey(Invitation, null=True, blank=True, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    # Settled: handed to the mail server, or dropped (an invitation closed before it left; see last_error).
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    attempts = models.PositiveIntegerField(_("attempts"), default=0)
    last_error = models.TextField(_("last error"), blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("outgoing e-mail")
        verbose_name_plural = _("outgoing e-mails")
        # The sweep reads unsent rows by age; sent ones are the vast majority and stay out of this index.
        indexes = [
            models.Index(fields=["created_at"], name="outbox_unsent_created", condition=models.Q(sent_at__isnull=True))
        ]

    def __str__(self) -> str:
        return self.dedupe_key


class NotificationKind(models.TextChoices):
    """What an inbox item is about; a person chooses per kind whether its e-mail comes at once or in the daily
    digest (portal/accounts/inbox.py)."""

    SUBMITTED = "submitted", _("Submission receipts")
    RETURNED = "returned", _("Returned for correction")
    DECISION = "decision", _("Decisions")
    NOTICE = "notice", _("Public notices")
    OBJECTION = "objection", _("Objections")
    LETTER = "letter", _("Letters and certificates")
    PAYMENT = "payment", _("Payments and clawbacks")
    PROJECT = "project", _("Project steps")
    REMINDER = "reminder", _("Reminders")
    MESSAGE = "message", _("Messages")
    CALL_ALERT = "call_alert", _("New calls")
    BROADCAST = "broadcast", _("Announcements to applicants")
    OTHER = "other", _("Other news")


class Delivery(models.TextChoices):
    IMMEDIATE = "immediate", _("An e-mail at once")
    DIGEST = "digest", _("One daily digest e-mail")


class Notification(models.Model):
    """One item of one person's inbox, written in the transaction of what it announces, in both languages (the
    page shows the reader's). Its e-mail is an outbox row: the item's own (`outbox`), or the daily digest
    (`mailed_at` set when the digest row is written)."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    # What it is about, e.g. "event:12", "reminder:task:7:due": the same thing is announced to a person once.
    key = models.CharField(max_length=120)
    title_zh = models.CharField(_("title (Chinese)"), max_length=300)
    title_en = models.CharField(_("title (English)"), max_length=300)
    body_zh = models.TextField(_("text (Chinese)"), blank=True)
    body_en = models.TextField(_("text (English)"), blank=True)
    # A path inside the portal (never an outside address): where "open" leads after marking it read.
    link = models.CharField(_("link"), max_length=300, blank=True)
    event = models.ForeignKey(
        "applications.AuditEvent", null=True, blank=True, on_delete=models.DO_NOTHING, related_name="+"
    )
    outbox = models.ForeignKey(
        OutboxMessage, null=True, blank=True, on_delete=models.SET_NULL, related_name="notifications"
    )
    created_at = models.DateTimeField(_("received"), auto_now_add=True)
    read_at = models.DateTimeField(_("read"), null=True, blank=True)
    # Covered by an e-mail: its own at once, or a digest.
    mailed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("inbox item")
        verbose_name_plural = _("inbox items")
        constraints = [models.UniqueConstraint(fields=["user", "key"], name="notification_once_per_person")]
        indexes = [
            # The header's unread count on every page.
            models.Index(fields=["user"], name="notification_unread", condition=models.Q(read_at__isnull=True)),
            # The inbox, newest first.
            models.Index(fields=["user", "-created_at"], name="notification_inbox"),
            # The digest finds what no e-mail covers yet.
            models.Index(fields=["user"], name="notification_unmailed", condition=models.Q(mailed_at__isnull=True)),
        ]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.key}"


class NotificationPreference(models.Model):
    """How a person's e-mail of one kind comes; no row means at once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="notification_preferences")
    kind = models.CharField(_("kind"), max_length=16, choices=NotificationKind.choices)
    delivery = models.CharField(_("e-mail"), max_length=16, choices=Delivery.choices, default=Delivery.IMMEDIATE)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "kind"], name="one_preference_per_kind")]

    def __str__(self) -> str:
        return f"{self.user_id}:{self.kind}={self.delivery}"
