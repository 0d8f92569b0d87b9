"""Pages of one's own account: password reset (Django's views, rate-limited), verifying the e-mail
address, and one's API tokens. Rules live in portal/accounts/verification.py and api_tokens.py."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST
from django_ratelimit.core import is_ratelimited

from portal.accounts import api_tokens, verification
from portal.accounts.forms import QueuedPasswordResetForm
from portal.errors import PortalError


def _submitted_email(group, request) -> str:
    return request.POST.get("email", "").strip().lower()


class PasswordResetView(auth_views.PasswordResetView):
    """Known and unknown addresses get the same answer (Django's behaviour, kept); a client address or an
    e-mail address asking too often gets 429 and the form again, whichever address it asked for."""

    form_class = QueuedPasswordResetForm
    success_url = reverse_lazy("password_reset_done")

    def post(self, request, *args, **kwargs):
        # Both counters count every request, so neither a new address nor a new e-mail resets the other.
        by_address = is_ratelimited(
            request,
            group="password-reset:address",
            key="ip",
            rate=settings.PASSWORD_RESET_RATE_PER_ADDRESS,
            method="POST",
            increment=True,
        )
        by_email = is_ratelimited(
            request,
            group="password-reset:email",
            key=_submitted_email,
            rate=settings.PASSWORD_RESET_RATE_PER_EMAIL,
            method="POST",
            increment=True,
        )
        if by_address or by_email:
            context = self.get_context_data(form=self.get_form(), limited=True)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form):
        response = super().form_valid(form)
        # The link came to the account's address, so the address is proven too.
        verification.email_mark_verified(user=self.user)
        return response


@never_cache
@require_GET
def email_verify(request, token: str):
    try:
        user = verification.email_verify(token=token)
    except PortalError as error:
        return render(request, "registration/email_verify_invalid.html", {"error": error}, status=404)
    messages.success(request, _("Thank you: your e-mail address %(email)s is confirmed.") % {"email": user.email})
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect("dashboard" if request.user.pk == user.pk else "home")


def _back(request, default: str) -> str:
    target = request.POST.get("next", "")
    if url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return default


@login_required
@require_POST
def email_verification_resend(request):
    back = _back(request, "/")
    if verification.email_is_verified(request.user):
        messages.info(request, _("Your e-mail address is already confirmed."))
        return redirect(back)
    if is_ratelimited(
        request,
        group="email-verification:resend",
        key="user",
        rate=settings.EMAIL_VERIFICATION_RESEND_RATE,
        method="POST",
        increment=True,
    ):
        messages.error(request, _("We already sent the link several times in the last hour; please check your mail."))
        return redirect(back)
    verification.queue_email_verification(user=request.user)
    messages.success(
        request, _("We sent a new link to %(email)s. Open it to confirm the address.") % {"email": request.user.email}
    )
    return redirect(back)


@never_cache
@login_required
@require_GET
def api_token_list(request):
    return render(request, "portal/api_tokens.html", {"tokens": list(api_tokens.tokens_of(request.user))})


@login_required
@require_POST
def api_token_revoke(request, token_key: str):
    if not api_tokens.api_token_revoke(user=request.user, token_key=token_key):
        raise Http404
    messages.success(request, _("The token %(key)s… was revoked; it no longer works.") % {"key": token_key})
    return redirect("api-tokens")
