"""The menu of `templates/base.html`: which links a person sees, decided here from the predicates so the
template compares no role. A link shown is a page the person may open; the page checks again."""

from dataclasses import dataclass

from django.utils.functional import SimpleLazyObject

from portal.accounts.inbox import unread_count
from portal.accounts.permissions import can_obtain_api_token
from portal.accounts.predicates import (
    STAFF_ROLES,
    has_role,
    is_active_user,
    is_admin,
    is_applicant,
    is_budget_confirmer,
    is_commission_staff,
    is_expert,
    is_finance,
    is_member_of,
    is_officer,
)


@dataclass(frozen=True)
class Menu:
    review_queue: bool = False
    registers_kept: bool = False  # the registers an officer's commission keeps (some lead none)
    reports: bool = False  # and the administrators' dashboard
    payments: bool = False
    my_reviews: bool = False
    my_applications: bool = False  # and the team page
    my_projects: bool = False  # the organisation's projects after the award
    project_queue: bool = False  # the lead commission's projects
    instalments: bool = False  # the Finance Bureau's instalments to pay
    acceptance_reviews: bool = False  # an expert's seats on acceptance panels
    two_factor: bool = False
    api_tokens: bool = False
    confirm_email: bool = False  # the banner asking an applicant to confirm their address
    inbox: bool = False  # everyone signed in has one
    unread: int = 0  # beside the inbox link: one count on the partial index of unread items


def menu_for(user) -> Menu:
    if not is_active_user(user):
        return Menu()
    return Menu(
        review_queue=is_commission_staff(user),
        registers_kept=is_officer(user),
        reports=is_admin(user),
        payments=is_finance(user),
        my_reviews=is_expert(user),
        my_applications=is_member_of(user, user.organisation_id),
        my_projects=is_member_of(user, user.organisation_id),
        project_queue=is_officer(user),
        instalments=is_budget_confirmer(user),
        acceptance_reviews=is_expert(user),
        two_factor=has_role(user, *STAFF_ROLES),
        api_tokens=can_obtain_api_token(user)[0],
        confirm_email=is_applicant(user) and user.email_verified_at is None,
        inbox=True,
        unread=unread_count(user),
    )


def menu(request) -> dict:
    # Lazy: a fragment that never shows the menu (an htmx partial) computes nothing.
    return {"menu": SimpleLazyObject(lambda: menu_for(getattr(request, "user", None)))}
