"""Reads of awards. Pages, downloads and exports go through these."""

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from applications.selectors import visible_applications
from awards.models import HOLDING, Award, AwardState, Letter, Objection, ObjectionState
from awards.permissions import can_view_letter
from portal.accounts.predicates import is_active_user, is_budget_confirmer, is_expert, is_officer


def visible_awards(user) -> QuerySet[Award]:
    """Awards of the applications `user` may see (experts see none: they score, they are not told)."""
    if not is_active_user(user) or is_expert(user):
        return Award.objects.none()
    return Award.objects.filter(application__in=visible_applications(user).values("pk")).select_related(
        "application__organisation", "call__program", "program", "organisation"
    )


def public_notices() -> QuerySet[Award]:
    """Awards on public notice now: only what the public may see is selected by the page."""
    return (
        Award.objects.filter(state=AwardState.PUBLICITY)
        .select_related("organisation", "program", "call")
        .order_by("call_id", "-amount", "pk")
    )


def get_public_award(pk) -> Award:
    award = public_notices().filter(pk=pk).first()
    if award is None:
        raise Http404
    return award


def lead_call_awards(user, call_id) -> QuerySet[Award]:
    """The awards of a call, for an officer of its lead commission; nothing for anyone else."""
    if not is_officer(user):
        return Award.objects.none()
    return (
        Award.objects.filter(call_id=call_id, call__program__lead_id=user.commission_id)
        .select_related("application", "organisation", "call__program")
        .annotate(open_objections=Count("objections", filter=Q(objections__state=ObjectionState.OPEN)))
        .order_by("-amount", "pk")
    )


def lead_call_objections(user, call_id) -> QuerySet[Objection]:
    """The objections to a call's awards, for an officer of its lead commission; nothing for anyone else."""
    return Objection.objects.filter(award__in=lead_call_awards(user, call_id).values("pk")).select_related(
        "award__organisation"
    )


def lead_objection(user, pk) -> Objection:
    """One objection, for an officer of the lead commission of its call (404 for anyone else)."""
    objection = Objection.objects.filter(pk=pk).select_related("award").first()
    if objection is None or not lead_call_awards(user, objection.award.call_id).filter(pk=objection.award_id).exists():
        raise Http404
    return objection


def finance_awards(user) -> QuerySet[Award]:
    if not is_budget_confirmer(user):
        return Award.objects.none()
    return Award.objects.select_related("application", "organisation", "program").order_by("-computed_at")


def get_letter_for_user(user, pk) -> Letter:
    letter = Letter.objects.select_related("application").filter(pk=pk).first()
    if letter is None or not can_view_letter(user, letter)[0] or not letter.pdf:
        raise Http404
    return letter


def awarded_amount() -> Subquery:
    """The amount awarded to an application, its latest award not overturned (the dashboard's column,
    registered in awards/apps.py)."""
    awarded = Award.objects.filter(application=OuterRef("pk"), state__in=HOLDING).order_by("-computed_at")
    return Subquery(awarded.values("amount")[:1])
