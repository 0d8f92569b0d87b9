"""Reads of organisations for pages and the API."""

from django.http import Http404

from portal.accounts.models import Organisation
from portal.accounts.predicates import may_apply


def get_organisation_for_user(user) -> Organisation:
    """The organisation `user` files for, or 404: officers, experts and people without one have none."""
    if may_apply(user):
        return user.organisation
    raise Http404
