"""Who may see and manage an organisation's team: small functions answering (allowed, reason).

Membership is the foreign key `User.organisation` *and* a guardian object permission on the
organisation; both must hold, so a row edited by hand in one place only grants nothing
(`portal.accounts.predicates`).
"""

from django.utils.translation import gettext as _

from portal.accounts.models import Organisation
from portal.accounts.predicates import is_expert, may_apply_for, may_manage_team
from portal.accounts.two_factor import two_factor_required
from portal.errors import refuse


def can_view_team(user, organisation: Organisation) -> tuple[bool, str]:
    if may_apply_for(user, organisation) or may_manage_team(user, organisation):
        return True, ""
    return refuse("not_member", _("Only members of this organisation may see its team."))


def can_manage_team(user, organisation: Organisation) -> tuple[bool, str]:
    if may_manage_team(user, organisation):
        return True, ""
    return refuse("not_team_admin", _("Only an administrator of this organisation may invite or remove colleagues."))


def can_obtain_api_token(user) -> tuple[bool, str]:
    """Administrators get no token: their account reaches the Django admin and every report, and a bearer
    token outlives the idle timeout of their session. Experts neither: they are outside reviewers of
    confidential files, and the API has no step for them (declarations and scores are pages). Officers and
    finance officers may, with their second factor (portal/accounts/api_tokens.py); applicants with their password."""
    if two_factor_required(user):
        return refuse("administrator", _("Administrators use the portal, not API tokens."))
    if is_expert(user):
        return refuse("expert", _("Expert reviewers use the portal's pages; the API offers them no step."))
    return True, ""
