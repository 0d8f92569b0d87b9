"""The password-reset and address-verification mails, in Chinese then English, sent by Celery.

Registered with the worker through portal/tasks.py (autodiscovery imports `<app>.tasks` only).
"""

from celery import shared_task
from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from portal.accounts import email_is_verified, email_verification_link
from portal.models import User
from portal.team_tasks import SEPARATOR


def _render(template: str, context: dict) -> tuple[str, str]:
    """(subject, body) of emails/<template>.txt and emails/<template>_subject.txt in both languages."""
    parts, subjects = [], []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            subjects.append(render_to_string(f"emails/{template}_subject.txt", context).strip())
            parts.append(render_to_string(f"emails/{template}.txt", context).strip())
    return " ".join(" / ".join(subjects).split()), SEPARATOR.join(parts)


def password_reset_link(user: User) -> str:
    # SITE_URL, not the request's Host header: a forged Host cannot point the link elsewhere.
    uidb64 = urlsafe_base64_encode(force_bytes(user.pk))
    token = default_token_generator.make_token(user)
    path = reverse("password_reset_confirm", kwargs={"uidb64": uidb64, "token": token})
    return settings.SITE_URL + path


def deliver_password_reset_email(user_id: int) -> bool:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or not user.has_usable_password():
        return False
    hours = settings.PASSWORD_RESET_TIMEOUT // 3600
    subject, body = _render("password_reset", {"user": user, "link": password_reset_link(user), "hours": hours})
    EmailMessage(subject=subject, body=body, to=[user.email]).send()
    return True


def deliver_email_verification(user_id: int) -> bool:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or email_is_verified(user):
        return False
    days = settings.EMAIL_VERIFICATION_MAX_AGE // (24 * 3600)
    subject, body = _render("email_verification", {"user": user, "link": email_verification_link(user), "days": days})
    EmailMessage(subject=subject, body=body, to=[user.email]).send()
    return True


@shared_task(
    name="portal.account_tasks.send_password_reset_email", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_password_reset_email(user_id: int) -> bool:
    return deliver_password_reset_email(user_id)


@shared_task(
    name="portal.account_tasks.send_email_verification", autoretry_for=(OSError,), retry_backoff=True, max_retries=5
)
def send_email_verification(user_id: int) -> bool:
    return deliver_email_verification(user_id)
