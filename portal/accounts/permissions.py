"""Who may see and manage an organisation's team: small functions answering (allowed, reason).

Membership is the foreign key `User.organisation` *and* a guardian object permission on the
organisation; both must hold, so a row edited by hand in one place only grants nothing.
"""

from django.utils.translation import gettext as _

from portal.accounts.models import Organisation, Role
from portal.accounts.two_factor import two_factor_required


def _is_member(user, organisation: Organisation) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and user.is_active
        and user.role == Role.ENTERPRISE
        and organisation is not None
        and user.organisation_id == organisation.pk
    )


def can_view_team(user, organisation: Organisation) -> tuple[bool, str]:
    if _is_member(user, organisation) and (
        user.has_perm("portal.apply_for", organisation) or user.has_perm("portal.manage_team", organisation)
    ):
        return True, ""
    return False, _("Only members of this organisation may see its team.")


def can_manage_team(user, organisation: Organisation) -> tuple[bool, str]:
    if _is_member(user, organisation) and user.has_perm("portal.manage_team", organisation):
        return True, ""
    return False, _("Only an administrator of this organisation may invite or remove colleagues.")


def can_obtain_api_token(user) -> tuple[bool, str]:
    """Administrators get no token: their account reaches the Django admin and every report, and a bearer
    token outlives the idle timeout of their session. Experts neither: they are outside reviewers of
    confidential files, and the API has no step for them (declarations and scores are pages). Officers and
    finance officers may, with their second factor (portal/api_tokens.py); applicants with their password."""
    if two_factor_required(user):
        return False, _("Administrators use the portal, not API tokens.")
    if user.role == Role.EXPERT:
        return False, _("Expert reviewers use the portal's pages; the API offers them no step.")
    return True, ""
