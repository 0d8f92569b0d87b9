"""Reads of organisations for pages and the API."""

from django.http import Http404

from portal.accounts.models import Organisation, Role


def get_organisation_for_user(user) -> Organisation:
    """The organisation `user` files for, or 404: officers, experts and people without one have none."""
    if (
        user.is_authenticated
        and user.is_active
        and user.role == Role.ENTERPRISE
        and user.organisation_id is not None
        and user.has_perm("portal.apply_for", user.organisation)
    ):
        return user.organisation
    raise Http404
