"""Proving an e-mail address, and the mails that help someone back into their account.

A new applicant's address is unverified until they open the link mailed to it (Django's signing: the
user's id and address, signed and timestamped; EMAIL_VERIFICATION_MAX_AGE). Until then they sign in and
draft but cannot submit (`require_verified_email`, called by applications/filing.submit_effect).
Password reset is Django's own views (portal/account_views.py); its mail is queued from here.
Each mail is queued by one function below, so where it is sent from can change in one place.
"""

from functools import partial

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from portal.errors import ErrorCode, PortalError
from portal.models import User

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
    from django.urls import reverse

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


def queue_email_verification(*, user: User) -> None:
    """The verification mail, sent by Celery once the account is committed. A verified address gets none."""
    if email_is_verified(user) or not user.email:
        return
    from portal.account_tasks import send_email_verification

    transaction.on_commit(partial(send_email_verification.delay, user.pk))


def queue_password_reset_email(*, user_id: int) -> None:
    """The password-reset mail; the task makes the link when it sends, so no secret waits in the broker."""
    from portal.account_tasks import send_password_reset_email

    transaction.on_commit(partial(send_password_reset_email.delay, user_id))
