"""Two-factor sign-in (TOTP, django-otp): who must, who may, and enrolling a device.

Administrators must use it; officers and finance officers may. Once a person has a confirmed device,
every sign-in asks for a code (portal.accounts.security.TwoFactorMiddleware).
"""

from base64 import b32encode

import qrcode
import qrcode.image.svg
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import devices_for_user
from django_otp.plugins.otp_totp.models import TOTPDevice

from portal.accounts.models import User
from portal.accounts.predicates import is_admin, is_staff_account, reaches_django_admin
from portal.errors import ErrorCode, PortalError, refuse


def two_factor_required(user: User) -> bool:
    return is_admin(user) or reaches_django_admin(user)


def can_enrol_two_factor(user: User) -> tuple[bool, str]:
    # Commission staff may, administrators and Django-admin accounts must (is_staff_account holds both).
    if is_staff_account(user):
        return True, ""
    return refuse("not_staff", _("Two-factor sign-in is offered to commission staff and administrators."))


def confirmed_device(user: User) -> TOTPDevice | None:
    return next(iter(devices_for_user(user, confirmed=True)), None)


def two_factor_begin(*, user: User) -> TOTPDevice:
    """The unconfirmed device whose secret the setup page shows; the same one until it is confirmed,
    so reloading the page does not invalidate a code the person has already scanned."""
    allowed, reason = can_enrol_two_factor(user)
    if not allowed:
        raise PortalError(ErrorCode.NOT_ALLOWED, reason)
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)


def two_factor_confirm(*, user: User, device: TOTPDevice, token: str) -> TOTPDevice:
    """Confirms the device with a first code from the app; any older device stops working."""
    if device.user_id != user.pk or device.confirmed:
        raise PortalError(ErrorCode.NOT_ALLOWED, _("This device cannot be confirmed."))
    if not device.verify_token(token):
        raise PortalError(ErrorCode.INVALID, _("The code is wrong or has expired."), field="token")
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user, confirmed=True).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return device


def provisioning_secret(device: TOTPDevice) -> str:
    """The key as people type it into an authenticator app by hand."""
    return b32encode(device.bin_key).decode().rstrip("=")


def provisioning_qr_svg(device: TOTPDevice) -> str:
    """The otpauth:// URI as an inline SVG: drawn by the portal, no external QR service."""
    image = qrcode.make(device.config_url, image_factory=qrcode.image.svg.SvgPathImage, box_size=8)
    return image.to_string(encoding="unicode")
