"""Reads of awards. Pages, downloads and exports go through these."""

from django.db.models import Count, F, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from applications.models import Program, ProgramOutcome
from applications.selectors import visible_applications
from awards.models import (
    HOLDING,
    PUBLIC,
    Award,
    AwardState,
    EntryState,
    Letter,
    Objection,
    ObjectionState,
    RegisterEntry,
    RegisterEvent,
)
from awards.permissions import can_view_entry, can_view_letter
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
        .annotate(project_title=F("application__title"))  # what is funded, as the applicant named it
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


def award_state_of() -> Subquery:
    """The state of an application's latest award (the dashboard's column: its next step follows the award)."""
    latest = Award.objects.filter(application=OuterRef("pk")).order_by("-computed_at")
    return Subquery(latest.values("state")[:1])


def award_notice_until_of() -> Subquery:
    """The last day of the public notice of an application's latest award (the dashboard's column)."""
    latest = Award.objects.filter(application=OuterRef("pk")).order_by("-computed_at")
    return Subquery(latest.values("notice_until")[:1])


# --- registers ----------------------------------------------------------------------------------------------------


def registers() -> QuerySet[Program]:
    """The recognition programs, each with the number of entries its public register shows as valid."""
    return (
        Program.objects.filter(outcome=ProgramOutcome.RECOGNITION)
        .select_related("policy", "lead")
        .annotate(valid_entries=Count("register_entries", filter=Q(register_entries__state=EntryState.VALID)))
        .order_by("policy__effective_from", "code")
    )


def get_register(code: str) -> Program:
    program = registers().filter(code=code).first()
    if program is None:
        raise Http404
    return program


def public_register(program: Program, *, query: str = "", state: str = "") -> QuerySet[RegisterEntry]:
    """The entries the public may see in one register (listed ones: valid, expired, removed), searched by holder,
    what is listed, the product key or the certificate number. Only public columns are read by the pages."""
    entries = RegisterEntry.objects.filter(program=program, state__in=PUBLIC)
    if state in PUBLIC:
        entries = entries.filter(state=state)
    query = (query or "").strip()
    if query:
        entries = entries.filter(
            Q(organisation__name__icontains=query)
            | Q(subject__icontains=query)
            | Q(key__icontains=query)
            | Q(certificate__reference__iexact=query)
        )
    return entries.select_related("organisation", "track", "certificate").order_by(
        "organisation__name", "subject", "pk"
    )


def public_notice_entries() -> QuerySet[RegisterEntry]:
    """Entries on public notice now (the notices page lists them beside the awards)."""
    return (
        RegisterEntry.objects.filter(state=EntryState.IN_NOTICE)
        .select_related("organisation", "program", "call")
        .order_by("call_id", "pk")
    )


def get_public_entry_on_notice(pk) -> RegisterEntry:
    entry = public_notice_entries().filter(pk=pk).first()
    if entry is None:
        raise Http404
    return entry


def get_entry_for_user(user, pk) -> RegisterEntry:
    """One entry with its history, for those who may see it (404 for anyone else)."""
    entry = (
        RegisterEntry.objects.select_related("program__lead", "program__policy", "organisation", "track", "certificate")
        .filter(pk=pk)
        .first()
    )
    if entry is None or not can_view_entry(user, entry)[0]:
        raise Http404
    return entry


def entry_history(entry: RegisterEntry) -> QuerySet[RegisterEvent]:
    return entry.events.select_related("by", "certificate", "application")


def entry_certificates(entry: RegisterEntry) -> QuerySet[Letter]:
    return entry.certificates.filter(rendered_at__isnull=False).order_by("-issued_on", "-pk")


def led_entries(user) -> QuerySet[RegisterEntry]:
    """Every entry of the registers the officer's commission keeps (it leads the program); nothing for others."""
    if not is_officer(user):
        return RegisterEntry.objects.none()
    return (
        RegisterEntry.objects.filter(program__lead_id=user.commission_id)
        .select_related("program", "organisation", "track", "certificate")
        .order_by("program__code", "organisation__name", "pk")
    )


def lead_call_entries(user, call_id) -> QuerySet[RegisterEntry]:
    """The entries of a call, for an officer of its lead commission; nothing for anyone else."""
    return (
        led_entries(user)
        .filter(call_id=call_id)
        .select_related("application", "call__program")
        .annotate(open_objections=Count("objections", filter=Q(objections__state=ObjectionState.OPEN)))
        .order_by("pk")
    )


def lead_call_entry_objections(user, call_id) -> QuerySet[Objection]:
    return Objection.objects.filter(entry__in=lead_call_entries(user, call_id).values("pk")).select_related(
        "entry__organisation"
    )


def lead_entry_objection(user, pk) -> Objection:
    """One objection to an entry, for an officer of the lead commission of its register (404 for anyone else)."""
    objection = Objection.objects.filter(pk=pk, entry__isnull=False).select_related("entry").first()
    if objection is None or not led_entries(user).filter(pk=objection.entry_id).exists():
        raise Http404
    return objection
