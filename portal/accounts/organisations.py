"""Membership of organisations: who files for which organisation. Keyword-only, typed, no request.

Membership is two things kept in step here and only here: `User.organisation` (the plain foreign
key every list is scoped by) and guardian object permissions on the organisation (`apply_for`,
and `manage_team` for its administrators), which object-level checks consult.

Also here: signing an organisation up (its first user becomes its administrator), inviting
colleagues by a one-time link (only the SHA-256 of the link's token is stored), accepting,
revoking, and removing members.
"""

import hashlib
import re
import secrets
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from guardian.shortcuts import assign_perm, remove_perm

from portal.accounts.models import Invitation, Organisation, OutboxKind, OutboxMessage, Role, User
from portal.accounts.outbox import outbox_send, outbox_write
from portal.accounts.permissions import can_manage_team
from portal.accounts.predicates import is_applicant
from portal.accounts.uscc import read_shanghai_uscc
from portal.accounts.verification import email_mark_verified, queue_email_verification
from portal.bilingual import render_bilingual_email
from portal.errors import ErrorCode, PortalError

MEMBER_PERMISSIONS = ["portal.apply_for"]
ADMIN_PERMISSIONS = ["portal.apply_for", "portal.manage_team"]

INVITATION_VALIDITY = timedelta(days=7)
# An organisation cannot turn the portal into a mail relay: at most this many invitations a day.
INVITATIONS_PER_DAY = 50
# token_urlsafe(32) gives 43 characters; anything much longer is not one of ours.
MAX_TOKEN_LENGTH = 128
PHONE = re.compile(r"^\+?[0-9][0-9 ()\-]{5,38}$")


@transaction.atomic
def member_add(*, organisation: Organisation, user: User, admin: bool = False) -> User:
    user.organisation = organisation
    user.role = Role.ENTERPRISE
    user.is_org_admin = admin
    user.save(update_fields=["organisation", "role", "is_org_admin"])
    for permission in ADMIN_PERMISSIONS if admin else MEMBER_PERMISSIONS:
        assign_perm(permission, user, organisation)
    return user


@transaction.atomic
def member_detach(*, organisation: Organisation, user: User) -> User:
    for permission in ADMIN_PERMISSIONS:
        remove_perm(permission, user, organisation)
    user.organisation = None
    user.is_org_admin = False
    user.save(update_fields=["organisation", "is_org_admin"])
    return user


# --- validation shared by sign-up and invitation acceptance -------------------------------------


class _Errors:
    """Collects field errors so a form shows every problem at once; the first code wins."""

    def __init__(self) -> None:
        self.code: ErrorCode | None = None
        self.errors: dict[str | None, list] = {}

    def add(self, code: ErrorCode, field: str | None, *messages: str) -> None:
        self.code = self.code or code
        self.errors.setdefault(field, []).extend(messages)

    def merge(self, error: PortalError) -> None:
        for field, messages in error.errors.items():
            self.add(error.code, field, *messages)

    def raise_if_any(self) -> None:
        if self.errors:
            raise PortalError(self.code or ErrorCode.INVALID, errors=self.errors)


def _normalize_email(email: str | None) -> str:
    return User.objects.normalize_email((email or "").strip())


def _check_email(errors: _Errors, field: str, email: str, *, required: bool = True) -> None:
    if not email:
        if required:
            errors.add(ErrorCode.REQUIRED, field, _("Enter an e-mail address."))
        return
    try:
        validate_email(email)
    except ValidationError:
        errors.add(ErrorCode.INVALID, field, _("Enter a valid e-mail address."))


def _username_taken(username: str) -> bool:
    # Case-insensitive: "Alice" and "alice" would be two accounts no person can tell apart.
    return User.objects.filter(username__iexact=username).exists()


def _new_account(errors: _Errors, *, username: str | None, email: str | None, password: str | None, first_name: str):
    """An unsaved enterprise User, its problems added to `errors`."""
    username = (username or "").strip()
    email = _normalize_email(email)
    first_name = (first_name or "").strip()
    user = User(username=username, email=email, first_name=first_name, role=Role.ENTERPRISE)
    if not username:
        errors.add(ErrorCode.REQUIRED, "username", _("Choose a user name."))
    else:
        try:
            User._meta.get_field("username").clean(username, user)
        except ValidationError as error:
            errors.add(ErrorCode.INVALID, "username", *error.messages)
        else:
            if _username_taken(username):
                errors.add(ErrorCode.INVALID, "username", _("This user name is taken; please choose another."))
    _check_email(errors, "email", email)
    if len(first_name) > User._meta.get_field("first_name").max_length:
        errors.add(ErrorCode.INVALID, "first_name", _("This name is too long."))
    if not password:
        errors.add(ErrorCode.REQUIRED, "password", _("Choose a password."))
    else:
        try:
            validate_password(password, user=user)
        except ValidationError as error:
            errors.add(ErrorCode.INVALID, "password", *error.messages)
        user.set_password(password)
    return user


def _save_new_account(user: User) -> User:
    """Save in a savepoint: a concurrent sign-up that took the name in between is a field error."""
    try:
        with transaction.atomic():
            user.save()
    except IntegrityError:
        raise PortalError(
            ErrorCode.INVALID, _("This user name is taken; please choose another."), field="username"
        ) from None
    return user


# --- organisation sign-up ------------------------------------------------------------------------


def _uscc_taken(code: str) -> bool:
    return Organisation.objects.filter(uscc=code).exists()


def _duplicate_uscc(code: str) -> PortalError:
    return PortalError(
        ErrorCode.DUPLICATE_USCC,
        _(
            "An organisation with the unified social credit code %(code)s is already registered. Ask its "
            "administrator to invite you to its team."
        )
        % {"code": code},
        field="uscc",
    )


def _check_organisation(errors: _Errors, organisation: Organisation) -> None:
    try:
        organisation.full_clean(exclude=["uscc", "district"], validate_unique=False, validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.add(ErrorCode.INVALID, None if field == "__all__" else field, *messages)
    if not organisation.contact_name and "contact_name" not in errors.errors:
        errors.add(ErrorCode.REQUIRED, "contact_name", _("Enter the name of a contact person."))
    if "contact_phone" not in errors.errors:
        phone = organisation.contact_phone
        if not phone:
            errors.add(ErrorCode.REQUIRED, "contact_phone", _("Enter a contact phone number."))
        elif not PHONE.match(phone) or sum(c.isdigit() for c in phone) < 7:
            errors.add(
                ErrorCode.INVALID, "contact_phone", _("Enter a phone number, for example 021-12345678 or 13812345678.")
            )
    if "contact_email" not in errors.errors:
        _check_email(errors, "contact_email", organisation.contact_email)


@transaction.atomic
def organisation_register(
    *,
    uscc: str,
    name: str,
    kind: str,
    contact_name: str,
    contact_phone: str,
    contact_email: str,
    username: str,
    email: str,
    password: str,
    first_name: str = "",
) -> User:
    """Sign an organisation up; its first user becomes its administrator. All or nothing."""
    errors = _Errors()
    info = None
    try:
        info = read_shanghai_uscc(uscc)
    except PortalError as error:
        errors.merge(error)
    else:
        if _uscc_taken(info.code):
            errors.merge(_duplicate_uscc(info.code))
    organisation = Organisation(
        uscc=info.code if info else "",
        name=(name or "").strip(),
        kind=kind or "",
        district=(info.district if info else "") or "",
        contact_name=(contact_name or "").strip(),
        contact_phone=(contact_phone or "").strip(),
        contact_email=_normalize_email(contact_email),
    )
    _check_organisation(errors, organisation)
    user = _new_account(errors, username=username, email=email, password=password, first_name=first_name)
    errors.raise_if_any()
    try:
        with transaction.atomic():
            organisation.save()
    except IntegrityError:
        # Another sign-up with the same code committed between our check and our insert.
        raise _duplicate_uscc(organisation.uscc) from None
    _save_new_account(user)
    queue_email_verification(user=user)
    return member_add(organisation=organisation, user=user, admin=True)


# --- invitations ---------------------------------------------------------------------------------


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_is_open(invitation: Invitation, at=None) -> bool:
    return (
        invitation.accepted_at is None
        and invitation.revoked_at is None
        and invitation.expires_at > (at or timezone.now())
    )


def invitation_for_token(token: str) -> Invitation | None:
    """The open invitation this token belongs to, or None (unknown, used, revoked or expired)."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        return None
    invitation = (
        Invitation.objects.select_related("organisation", "invited_by").filter(token_hash=hash_token(token)).first()
    )
    return invitation if invitation is not None and invitation_is_open(invitation) else None


def invitation_link(token: str) -> str:
    return f"{settings.SITE_URL}/invitations/{token}/"


# --- the invitation's e-mail, in Chinese then English, written to the outbox with the invitation ----------


def render_invitation_email(invitation: Invitation, token: str) -> tuple[str, str]:
    context = {
        "invitation": invitation,
        "organisation": invitation.organisation,
        "invited_by": invitation.invited_by,
        "link": invitation_link(token),
        "site_url": settings.SITE_URL,
    }
    return render_bilingual_email("emails/invitation_subject.txt", "emails/invitation.txt", context)


def invitation_email_write(*, invitation: Invitation, token: str) -> OutboxMessage:
    """The invitation's mail as an outbox row of the caller's transaction (portal/accounts/outbox.py)."""
    subject, body = render_invitation_email(invitation, token)
    return outbox_write(
        kind=OutboxKind.INVITATION,
        dedupe_key=f"invitation:{invitation.pk}",
        recipients=[invitation.email],
        subject=subject,
        body=body,
        invitation=invitation,
    )


def invitation_email_wanted(message: OutboxMessage) -> bool:
    """An invitation's mail leaves only while the invitation is open (registered with the outbox in
    portal/accounts/apps.py)."""
    return message.invitation_id is None or invitation_is_open(message.invitation)


def deliver_invitation_email(invitation_id: int, token: str) -> bool:
    """Send the link once, and only while the invitation is still open. The mail is normally written with
    the invitation; this serves tasks queued before the outbox existed (portal/accounts/team_tasks.py)."""
    invitation = Invitation.objects.select_related("organisation", "invited_by").filter(pk=invitation_id).first()
    if invitation is None or invitation.token_hash != hash_token(token) or not invitation_is_open(invitation):
        return False
    with transaction.atomic():
        message = invitation_email_write(invitation=invitation, token=token)
    return outbox_send(message_id=message.pk)


def team_members(organisation: Organisation) -> QuerySet[User]:
    return organisation.members.filter(is_active=True).order_by("-is_org_admin", "first_name", "username")


def pending_invitations(organisation: Organisation) -> QuerySet[Invitation]:
    return organisation.invitations.filter(
        accepted_at__isnull=True, revoked_at__isnull=True, expires_at__gt=timezone.now()
    ).select_related("invited_by")


def _require_manager(by: User, organisation: Organisation) -> None:
    allowed, reason = can_manage_team(by, organisation)
    if not allowed:
        raise PortalError(ErrorCode.NOT_ALLOWED, reason)


@transaction.atomic
def member_invite(*, organisation: Organisation, email: str, by: User) -> Invitation:
    """Invite a colleague by e-mail. A new invitation to the same address replaces a pending one."""
    _require_manager(by, organisation)
    email = _normalize_email(email)
    errors = _Errors()
    _check_email(errors, "email", email)
    errors.raise_if_any()
    if organisation.members.filter(email__iexact=email, is_active=True).exists():
        raise PortalError(
            ErrorCode.INVALID,
            _("%(email)s already belongs to a member of this organisation.") % {"email": email},
            field="email",
        )
    # Serialise invitations of one organisation, so the daily limit holds under concurrent requests.
    Organisation.objects.select_for_update().filter(pk=organisation.pk).first()
    now = timezone.now()
    if organisation.invitations.filter(created_at__gte=now - timedelta(days=1)).count() >= INVITATIONS_PER_DAY:
        raise PortalError(
            ErrorCode.LIMIT_REACHED,
            _("This organisation sent %(limit)s invitations in the last 24 hours; please try again tomorrow.")
            % {"limit": INVITATIONS_PER_DAY},
            field="email",
        )
    organisation.invitations.filter(email__iexact=email, accepted_at__isnull=True, revoked_at__isnull=True).update(
        revoked_at=now
    )
    token = secrets.token_urlsafe(32)
    invitation = Invitation.objects.create(
        organisation=organisation,
        email=email,
        invited_by=by,
        token_hash=hash_token(token),
        expires_at=now + INVITATION_VALIDITY,
    )
    # The clear token exists only in this call and the e-mail (its outbox row, until the mail has left).
    invitation_email_write(invitation=invitation, token=token)
    return invitation


def _invitation_invalid() -> PortalError:
    return PortalError(
        ErrorCode.INVITATION_INVALID,
        _(
            "This invitation link is not valid: it was already used, withdrawn, or it has expired. Ask the "
            "organisation's administrator for a new invitation."
        ),
    )


@transaction.atomic
def invitation_accept(
    *,
    token: str,
    user: User | None = None,
    username: str | None = None,
    email: str | None = None,
    password: str | None = None,
    first_name: str = "",
) -> User:
    """Join the inviting organisation: a logged-in `user` without an organisation, or a new account."""
    if not token or len(token) > MAX_TOKEN_LENGTH:
        raise _invitation_invalid()
    # Locked: a double click waits here and then finds the invitation accepted.
    invitation = (
        Invitation.objects.select_for_update(of=("self",))
        .select_related("organisation")
        .filter(token_hash=hash_token(token))
        .first()
    )
    if invitation is None or not invitation_is_open(invitation):
        raise _invitation_invalid()
    if user is not None and user.is_authenticated:
        account = User.objects.select_for_update().get(pk=user.pk)
        if account.organisation_id is not None:
            raise PortalError(
                ErrorCode.NOT_ALLOWED,
                _("Your account already belongs to an organisation. Log out to create a new account for this one."),
            )
        if not is_applicant(account):
            raise PortalError(ErrorCode.NOT_ALLOWED, _("This account cannot join an organisation."))
    else:
        errors = _Errors()
        account = _new_account(
            errors, username=username, email=email or invitation.email, password=password, first_name=first_name
        )
        errors.raise_if_any()
        _save_new_account(account)
        # The invitation link reached invitation.email: that address is proven; another one is not yet.
        if account.email.lower() == invitation.email.lower():
            email_mark_verified(user=account)
        else:
            queue_email_verification(user=account)
    member_add(organisation=invitation.organisation, user=account, admin=False)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = account
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    return account


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by: User) -> Invitation:
    _require_manager(by, invitation.organisation)
    locked = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if locked.accepted_at is not None:
        raise PortalError(
            ErrorCode.INVITATION_INVALID,
            _("This invitation was already accepted; remove the member from the team instead."),
        )
    if locked.revoked_at is None:
        locked.revoked_at = timezone.now()
        locked.save(update_fields=["revoked_at"])
    return locked


# --- removal -------------------------------------------------------------------------------------


@transaction.atomic
def member_remove(*, organisation: Organisation, member: User, by: User) -> User:
    """Take `member` off the team: foreign key and object permissions both go (member_detach)."""
    _require_manager(by, organisation)
    # Lock the administrators' rows: two administrators removing each other at once are serialised,
    # and the second finds that it no longer manages the team, or that the other is the last one.
    # Only active administrators count: a deactivated one can neither log in nor manage the team.
    admin_ids = set(
        User.objects.select_for_update()
        .filter(organisation=organisation, is_org_admin=True, is_active=True)
        .values_list("pk", flat=True)
    )
    _require_manager(User.objects.get(pk=by.pk), organisation)
    locked = User.objects.select_for_update().filter(pk=member.pk, organisation=organisation).first()
    if locked is None:
        raise PortalError(ErrorCode.INVALID, _("This person is not a member of this organisation."))
    if locked.is_org_admin and admin_ids <= {locked.pk}:
        if locked.pk == by.pk:
            message = _(
                "You are this organisation's only administrator; you cannot remove yourself, or nobody could "
                "manage its team."
            )
        else:
            message = _("The organisation's only administrator cannot be removed.")
        raise PortalError(ErrorCode.NOT_ALLOWED, message)
    return member_detach(organisation=organisation, user=locked)
