"""Proving an e-mail address, and the mails that help someone back into their account.

A new applicant's address is unverified until they open the link mailed to it (Django's signing: the
user's id and address, signed and timestamped; EMAIL_VERIFICATION_MAX_AGE). Until then they sign in and
draft but cannot submit (`require_verified_email`, called by applications/filing.submit_effect).
Password reset is Django's own views (account_views.py). Both mails are outbox rows (outbox.py),
rendered here in both languages.
"""

import uuid

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext as _

from portal.accounts.models import OutboxKind, User
from portal.accounts.outbox import outbox_write
from portal.bilingual import render_bilingual_email
from portal.errors import ErrorCode, PortalError

VERIFICATION_SALT = "portal.accounts.email-verification"


def email_is_verified(user: User) -> bool:
    return user.email_verified_at is not None


def require_verified_email(user: User) -> None:
    if not email_is_verified(user):
        raise PortalError(
            ErrorCode.EMAIL_NOT_VERIFIED,
            _(
                "Confirm your e-mail address %(email)s before you submit: open the link we sent to it. No mail? "
                "Use “Send the link again” at the top of the page."
            )
            % {"email": user.email},
        )


def email_verification_token(user: User) -> str:
    # The address is signed too: a link sent to an earlier address proves nothing about a new one.
    return signing.dumps({"user": user.pk, "email": user.email.lower()}, salt=VERIFICATION_SALT, compress=True)


def email_verification_link(user: User) -> str:
    return settings.SITE_URL + reverse("email-verify", kwargs={"token": email_verification_token(user)})


def _link_invalid() -> PortalError:
    return PortalError(
        ErrorCode.LINK_INVALID,
        _("This link is not valid or has expired. Log in and use “Send the link again” for a new one."),
    )


@transaction.atomic
def email_verify(*, token: str) -> User:
    """Marks the address of the link's account as verified; opening the link twice changes nothing."""
    try:
        data = signing.loads(token, salt=VERIFICATION_SALT, max_age=settings.EMAIL_VERIFICATION_MAX_AGE)
    except signing.BadSignature:  # also SignatureExpired
        raise _link_invalid() from None
    if not isinstance(data, dict):
        raise _link_invalid()
    user = User.objects.select_for_update().filter(pk=data.get("user"), is_active=True).first()
    if user is None or user.email.lower() != data.get("email"):
        raise _link_invalid()
    return email_mark_verified(user=user)


def email_mark_verified(*, user: User) -> User:
    if user.email_verified_at is None:
        user.email_verified_at = timezone.now()
        user.save(update_fields=["email_verified_at"])
    return user


def _render(template: str, context: dict) -> tuple[str, str]:
    return render_bilingual_email(f"emails/{template}_subject.txt", f"emails/{template}.txt", context)


def password_reset_link(user: User) -> str:
    # SITE_URL, not the request's Host header: a forged Host cannot point the link elsewhere.
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    return settings.SITE_URL + path


@transaction.atomic
def queue_email_verification(*, user: User) -> None:
    """The verification mail, as an outbox row of the caller's transaction. A verified address gets none."""
    if email_is_verified(user) or not user.email:
        return
    days = settings.EMAIL_VERIFICATION_MAX_AGE // (24 * 3600)
    subject, body = _render("email_verification", {"user": user, "link": email_verification_link(user), "days": days})
    outbox_write(
        kind=OutboxKind.EMAIL_VERIFICATION,
        # Each "send the link again" is a mail of its own (rate-limited by the view).
        dedupe_key=f"email-verification:{user.pk}:{uuid.uuid4().hex}",
        recipients=[user.email],
        subject=subject,
        body=body,
    )


@transaction.atomic
def queue_password_reset_email(*, user: User) -> None:
    """The password-reset mail, as an outbox row; its link is cleared from the row once the mail has left."""
    if not user.is_active or not user.email or not user.has_usable_password():
        return
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    subject, body = _render("password_reset", {"user": user, "link": password_reset_link(user), "hours": hours})
    outbox_write(
        kind=OutboxKind.PASSWORD_RESET,
        dedupe_key=f"password-reset:{user.pk}:{uuid.uuid4().hex}",
        recipients=[user.email],
        subject=subject,
        body=body,
    )
