"""The two pages of two-factor sign-in: enter a code, and set up an authenticator app."""

from urllib.parse import quote

import django_otp
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from portal.accounts import two_factor
from portal.accounts.forms import TwoFactorCodeForm
from portal.accounts.guards import requires
from portal.errors import PortalError


def _next_url(request) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    # A path of this site only: redirect() would take "abc" for a view's name and fail on it.
    hosts = {request.get_host()}
    local = url_has_allowed_host_and_scheme(target, allowed_hosts=hosts, require_https=request.is_secure())
    if target.startswith("/") and local:
        return target
    return "/"


@never_cache
@login_required
def two_factor_verify(request):
    device = two_factor.confirmed_device(request.user)
    if device is None:
        return redirect(f"{reverse('two-factor-setup')}?next={quote(_next_url(request))}")
    if request.user.is_verified():
        return redirect(_next_url(request))
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        # verify_token throttles repeated failures itself (growing delay per wrong code).
        if device.verify_token(form.cleaned_data["token"]):
            django_otp.login(request, device)
            return redirect(_next_url(request))
        form.add_error("token", _("The code is wrong or has expired."))
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next_url(request)})


@never_cache
@login_required
@requires(two_factor.can_enrol_two_factor, otherwise=403)
def two_factor_setup(request):
    existing = two_factor.confirmed_device(request.user)
    # Replacing a working device needs that device's code first (the verify page), not just a password.
    if existing is not None and not request.user.is_verified():
        return redirect(f"{reverse('two-factor-verify')}?next={quote(request.get_full_path())}")
    device = two_factor.two_factor_begin(user=request.user)
    form = TwoFactorCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            two_factor.two_factor_confirm(user=request.user, device=device, token=form.cleaned_data["token"])
        except PortalError as error:
            error.add_to_form(form)
        else:
            django_otp.login(request, device)
            messages.success(request, _("Two-factor sign-in is on. From now on you enter a code after your password."))
            return redirect(_next_url(request))
    context = {
        "form": form,
        "next": _next_url(request),
        "required": two_factor.two_factor_required(request.user),
        "replacing": existing is not None,
        "secret": two_factor.provisioning_secret(device),
        "qr_svg": two_factor.provisioning_qr_svg(device),
    }
    return render(request, "registration/two_factor_setup.html", context)
