"""Middleware that holds sign-in rules no single view can: two-factor before anything else, and the
short idle timeout of staff sessions."""

from urllib.parse import quote

from django.conf import settings
from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _

from portal.accounts.predicates import is_expert, is_staff_account
from portal.accounts.two_factor import confirmed_device, two_factor_required

# Pages a signed-in person still reaches before entering a code: signing in and out, the code and
# set-up pages themselves, switching language, and the load balancer's probe.
OPEN_BEFORE_SECOND_FACTOR = {"login", "logout", "two-factor-verify", "two-factor-setup", "set_language", "healthz"}


class TwoFactorMiddleware:
    """Someone with a confirmed device enters a code after the password; an administrator without one
    sets one up first. Until then every other page sends them there, and the API answers 403."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        if request.resolver_match.view_name in OPEN_BEFORE_SECOND_FACTOR:
            return None
        if confirmed_device(user) is not None:
            target = "two-factor-verify"
        elif two_factor_required(user):
            target = "two-factor-setup"
        else:
            return None
        if request.path.startswith("/api/"):
            return JsonResponse(
                {"detail": _("Enter your two-factor code in the portal first."), "code": "two_factor_required"},
                status=403,
            )
        return redirect(f"{reverse(target)}?next={quote(request.get_full_path())}")


class StaffSessionMiddleware:
    """People who review files and decide on public money are signed out after a short idle time (a
    shared office PC left unlocked); applicants keep the working-day session of SESSION_COOKIE_AGE."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if is_staff_account(user) or is_expert(user):
            # Each request sets the expiry anew, so this is an idle timeout, not a fixed one.
            request.session.set_expiry(settings.STAFF_SESSION_IDLE_SECONDS)
        return self.get_response(request)
