"""Organisation sign-up, the team page and invitations. Plain forms: every page works without JavaScript.

Rules live in portal/accounts/organisations.py; a PortalError comes back to the form with `add_to_form`.
Someone outside the organisation gets 404 for its team (never 403: an outsider learns nothing).
"""

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.debug import sensitive_post_parameters
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from portal.accounts import organisations
from portal.accounts.forms import AcceptInvitationForm, InviteForm, RegisterForm
from portal.accounts.guards import requires
from portal.accounts.models import Organisation
from portal.accounts.permissions import can_manage_team, can_view_team
from portal.accounts.predicates import is_applicant
from portal.errors import ErrorCode, PortalError

# Two authentication backends are configured; a freshly created account is logged in by the password one.
MODEL_BACKEND = "django.contrib.auth.backends.ModelBackend"
REGISTER_FIELDS = [
    "uscc",
    "name",
    "kind",
    "contact_name",
    "contact_phone",
    "contact_email",
    "username",
    "email",
    "password",
    "first_name",
]
ACCEPT_FIELDS = ["username", "email", "password", "first_name"]


def _after_login_url() -> str:
    try:
        return reverse("dashboard")
    except NoReverseMatch:
        return reverse("home")


@sensitive_post_parameters("password", "password_again")
@require_http_methods(["GET", "POST"])
def register(request):
    if request.user.is_authenticated:
        messages.info(request, _("You are logged in. Log out first to register another organisation."))
        return redirect(_after_login_url())
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = organisations.organisation_register(**{name: form.cleaned_data[name] for name in REGISTER_FIELDS})
        except PortalError as error:
            error.add_to_form(form)
        else:
            login(request, user, backend=MODEL_BACKEND)
            messages.success(
                request,
                _("%(name)s is registered and you are its administrator. Invite your colleagues from the Team page.")
                % {"name": user.organisation.name},
            )
            messages.info(
                request,
                _(
                    "We sent a link to %(email)s: open it to confirm your e-mail address. You can prepare "
                    "applications now and submit them once the address is confirmed."
                )
                % {"email": user.email},
            )
            return redirect(_after_login_url())
    return render(request, "portal/register.html", {"form": form})


# The team pages are those of one's own organisation: an outsider gets 404, a colleague who may not manage
# the team 403 with the reason.
def _sees_own_team(user) -> tuple[bool, str]:
    return can_view_team(user, user.organisation)


def _manages_own_team(user) -> tuple[bool, str]:
    return can_manage_team(user, user.organisation)


def _render_team(request, organisation: Organisation, invite_form: InviteForm | None = None):
    can_manage = can_manage_team(request.user, organisation)[0]
    members = list(organisations.team_members(organisation))
    admins = [m.pk for m in members if m.is_org_admin]
    context = {
        "organisation": organisation,
        "members": members,
        # The only administrator cannot be removed (organisations.member_remove): no button bound to fail.
        "removable": {m.pk for m in members if admins != [m.pk]},
        "invitations": list(organisations.pending_invitations(organisation)),
        "can_manage": can_manage,
        "invite_form": (invite_form or InviteForm()) if can_manage else None,
    }
    return render(request, "portal/team.html", context)


@login_required
@require_GET
@requires(_sees_own_team)
def team(request):
    return _render_team(request, request.user.organisation)


@login_required
@require_POST
@requires(_sees_own_team)
@requires(_manages_own_team, otherwise=403)
def team_invite(request):
    organisation = request.user.organisation
    form = InviteForm(request.POST)
    if form.is_valid():
        try:
            invitation = organisations.member_invite(
                organisation=organisation, email=form.cleaned_data["email"], by=request.user
            )
        except PortalError as error:
            error.add_to_form(form)
        else:
            messages.success(
                request,
                _("An invitation was sent to %(email)s. The link works once and expires in 7 days.")
                % {"email": invitation.email},
            )
            return redirect("team")
    return _render_team(request, organisation, form)


@login_required
@require_POST
@requires(_sees_own_team)
@requires(_manages_own_team, otherwise=403)
def team_member_remove(request, user_id: int):
    organisation = request.user.organisation
    member = get_object_or_404(organisations.team_members(organisation), pk=user_id)
    try:
        organisations.member_remove(organisation=organisation, member=member, by=request.user)
    except PortalError as error:
        error.flash(request)
        return redirect("team")
    messages.success(request, _("%(name)s was removed from the team.") % {"name": member})
    if member.pk == request.user.pk:
        return redirect("home")
    return redirect("team")


@login_required
@require_POST
@requires(_sees_own_team)
@requires(_manages_own_team, otherwise=403)
def team_invitation_revoke(request, invitation_id: int):
    organisation = request.user.organisation
    invitation = get_object_or_404(organisation.invitations.all(), pk=invitation_id)
    try:
        organisations.invitation_revoke(invitation=invitation, by=request.user)
    except PortalError as error:
        error.flash(request)
    else:
        messages.success(
            request,
            _("The invitation to %(email)s was withdrawn; its link no longer works.") % {"email": invitation.email},
        )
    return redirect("team")


def _invalid_invitation(request):
    return render(request, "portal/invitation_invalid.html", status=404)


@never_cache
@sensitive_post_parameters("password", "password_again")
@require_http_methods(["GET", "POST"])
def invitation_accept(request, token: str):
    invitation = organisations.invitation_for_token(token)
    if invitation is None:
        return _invalid_invitation(request)
    user = request.user
    # A logged-in enterprise user without an organisation joins with that account; anyone else
    # logged in is told to log out first; a visitor creates an account.
    joinable = is_applicant(user) and user.organisation_id is None
    context = {"invitation": invitation, "organisation": invitation.organisation, "joinable": joinable}
    if user.is_authenticated and not joinable:
        context["already_member"] = user.organisation_id == invitation.organisation_id
        return render(request, "portal/invitation_accept.html", context)
    form = None
    if not joinable:
        form = AcceptInvitationForm(request.POST or None, initial={"email": invitation.email})
    context["form"] = form
    if request.method == "POST" and (joinable or form.is_valid()):
        fields = {} if joinable else {name: form.cleaned_data[name] for name in ACCEPT_FIELDS}
        try:
            account = organisations.invitation_accept(token=token, user=user if joinable else None, **fields)
        except PortalError as error:
            if error.code == ErrorCode.INVITATION_INVALID:
                return _invalid_invitation(request)
            if form is None:
                error.flash(request)
                return redirect("invitation-accept", token=token)
            error.add_to_form(form)
        else:
            if not joinable:
                login(request, account, backend=MODEL_BACKEND)
            messages.success(request, _("Welcome to %(name)s's team.") % {"name": invitation.organisation.name})
            return redirect(_after_login_url())
    return render(request, "portal/invitation_accept.html", context)
