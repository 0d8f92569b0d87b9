"""Who a person is, in one vocabulary. Every "who may" of the portal is built from these: the workflow table,
each app's `permissions.py`, the selectors, the view decorator (`portal.accounts.guards.requires`) and the
menu (`portal.accounts.context_processors.menu`). Nowhere else compares `user.role`.

Each answers False for nobody, an anonymous visitor or a deactivated account, so a caller never has to ask
that first. They take an object or its primary key where a caller often holds only the key.
"""

from portal.accounts.models import Commission, Organisation, Role

# Roles that read and decide on other people's files: they may sign in with a second factor (administrators
# must), and their sessions time out idle (experts' too: `portal.accounts.security`).
STAFF_ROLES = frozenset({Role.OFFICER, Role.FINANCE, Role.ADMIN})


def _pk(obj_or_pk) -> int | None:
    return getattr(obj_or_pk, "pk", obj_or_pk)


def is_active_user(user) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def has_role(user, *roles: Role) -> bool:
    return is_active_user(user) and user.role in roles


def is_applicant(user) -> bool:
    """Somebody who files for an organisation (or is about to join or register one)."""
    return has_role(user, Role.ENTERPRISE)


def is_member_of(user, organisation: Organisation | int | None) -> bool:
    """An applicant whose account belongs to `organisation`. Membership is the foreign key *and* a guardian
    object permission (see `may_apply_for`); this is the first half."""
    return is_applicant(user) and organisation is not None and user.organisation_id == _pk(organisation)


def may_apply_for(user, organisation: Organisation | None) -> bool:
    """A member who may file and follow the organisation's applications: the foreign key and the object
    permission must both hold, so a row edited by hand in one place only grants nothing."""
    return is_member_of(user, organisation) and user.has_perm("portal.apply_for", organisation)


def may_apply(user) -> bool:
    """A member who may file for the organisation their account belongs to (the applicant's own pages)."""
    return is_applicant(user) and may_apply_for(user, user.organisation)


def may_manage_team(user, organisation: Organisation | None) -> bool:
    return is_member_of(user, organisation) and user.has_perm("portal.manage_team", organisation)


def is_officer(user) -> bool:
    return has_role(user, Role.OFFICER) and user.commission_id is not None


def is_officer_of(user, commission: Commission | int | None) -> bool:
    return is_officer(user) and commission is not None and user.commission_id == _pk(commission)


def is_lead_of(user, program) -> bool:
    """An officer of the commission that leads `program` (a `Program`; its `lead_id` is read)."""
    return is_officer_of(user, program.lead_id)


def is_finance(user) -> bool:
    return has_role(user, Role.FINANCE) and user.commission_id is not None


def is_budget_confirmer(user) -> bool:
    """A finance officer of the commission that confirms budgets and pays (the Finance Bureau)."""
    return is_finance(user) and user.commission.confirms_budget


def is_staff_of(user, commission: Commission | int | None) -> bool:
    """An officer or a finance officer acting for `commission`."""
    return (is_officer(user) or is_finance(user)) and commission is not None and user.commission_id == _pk(commission)


def is_commission_staff(user) -> bool:
    """An officer or finance officer of any commission: they work a review queue."""
    return is_officer(user) or is_finance(user)


def is_expert(user) -> bool:
    return has_role(user, Role.EXPERT)


def is_admin(user) -> bool:
    return has_role(user, Role.ADMIN)


def reaches_django_admin(user) -> bool:
    # is_staff reaches the Django admin, whatever the portal role says.
    return is_active_user(user) and (user.is_staff or user.is_superuser)


def is_staff_account(user) -> bool:
    """Staff of the portal in the security sense: a role in STAFF_ROLES or access to the Django admin."""
    return has_role(user, *STAFF_ROLES) or reaches_django_admin(user)


__all__ = [
    "STAFF_ROLES",
    "has_role",
    "is_active_user",
    "is_admin",
    "is_applicant",
    "is_budget_confirmer",
    "is_commission_staff",
    "is_expert",
    "is_finance",
    "is_lead_of",
    "is_member_of",
    "is_officer",
    "is_officer_of",
    "is_staff_account",
    "is_staff_of",
    "may_apply",
    "may_apply_for",
    "may_manage_team",
    "reaches_django_admin",
]
