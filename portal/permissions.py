"""Who may see and manage an organisation's team: small functions answering (allowed, reason).

Membership is the foreign key `User.organisation` *and* a guardian object permission on the
organisation; both must hold, so a row edited by hand in one place only grants nothing.
"""

from django.utils.translation import gettext as _

from portal.models import Organisation, Role


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
