"""Reads of the catalogue and calls. Pages, API views and exports go through these."""

from collections.abc import Callable
from datetime import datetime

from django.db.models import Prefetch, QuerySet, Subquery, prefetch_related_objects
from django.http import Http404
from django.utils import timezone

from applications.models import Application, AuditEvent, Call, Program, ProgramUnit, State, Track
from portal.accounts.predicates import is_active_user, is_admin, is_applicant, may_apply_for


def programs_with_tracks() -> QuerySet[Program]:
    return Program.objects.select_related("policy", "lead").prefetch_related("tracks", "co_reviewers")


def with_units(*programs: Program) -> None:
    """Each program's responsible units (`unit_rows`), in the clause's order with their commissions: two queries
    for however many programs a page shows."""
    units = Prefetch("unit_rows", queryset=ProgramUnit.objects.select_related("commission").order_by("position"))
    prefetch_related_objects(list(programs), units)


def program_kinds() -> list[dict]:
    """The kinds of support the catalogue knows, with their labels, for the open-calls filter."""
    return list(Program.objects.order_by("kind").values("kind", "kind_label_en", "kind_label_zh").distinct())


def find_track(program_code: str, track_code: str) -> Track | None:
    return Track.objects.select_related("program__policy").filter(program__code=program_code, code=track_code).first()


def open_calls(at: datetime | None = None) -> QuerySet[Call]:
    at = at or timezone.now()
    return Call.objects.select_related("program__policy", "program__lead").filter(opens_at__lte=at, closes_at__gt=at)


def upcoming_calls(at: datetime | None = None) -> QuerySet[Call]:
    """Calls announced and not open yet (their `opens_at` ahead)."""
    at = at or timezone.now()
    return Call.objects.select_related("program__policy", "program__lead").filter(opens_at__gt=at)


def listed_calls(at: datetime | None = None) -> QuerySet[Call]:
    """Every call not closed yet: open ones and announced ones (the calls page and `/api/v1/calls/`)."""
    at = at or timezone.now()
    return Call.objects.select_related("program__policy", "program__lead").filter(closes_at__gt=at)


def call_for_page(pk: int) -> Call:
    """One call, announced, open or closed (an alert's link outlives the call), with what its page shows: the
    program's policy, lead commission and units, its tracks. 404 for no such call."""
    call = (
        Call.objects.select_related("program__policy", "program__lead")
        .prefetch_related("program__tracks")
        .filter(pk=pk)
        .first()
    )
    if call is None:
        raise Http404
    with_units(call.program)
    return call


def open_call_for(program: Program, at: datetime | None = None) -> Call | None:
    """The open call of a program that closes first: its terms are the ones an applicant meets next."""
    return open_calls(at).filter(program=program).order_by("closes_at").first()


# --- applications -------------------------------------------------------------------------------


# Who sees a submitted file besides its organisation and the administrators is review knowledge (the
# commissions it was routed to, the experts assigned to it): reviews registers its rule in
# ReviewsConfig.ready() (reviews/apps.py). A rule answers for the people it knows about and None for others.
VisibilityRule = Callable[[object, QuerySet[Application]], QuerySet[Application] | None]
_visibility_rules: list[VisibilityRule] = []


def add_visibility_rule(rule: VisibilityRule) -> None:
    if rule not in _visibility_rules:
        _visibility_rules.append(rule)


def visible_applications(user) -> QuerySet[Application]:
    """Every application `user` may see, and nothing else. Every page, API view, export and download
    starts here: an organisation's members see its files; officers see what their commission is
    routed to once submitted; experts what they declared no conflict for (both by the rule reviews
    registers); administrators see every submitted file."""
    base = Application.objects.select_related("call__program__policy", "call__program__lead", "track", "organisation")
    if not is_active_user(user):
        return base.none()
    if is_applicant(user):
        if not may_apply_for(user, user.organisation):
            return base.none()
        return base.filter(organisation_id=user.organisation_id)
    submitted = base.exclude(state__in=[State.DRAFT])
    for rule in _visibility_rules:
        visible = rule(user, submitted)
        if visible is not None:
            return visible
    if is_admin(user):
        return submitted
    return base.none()


def get_application_for_user(user, pk) -> Application:
    """The application, or 404 for anyone who may not see it (never 403: an outsider learns nothing)."""
    application = visible_applications(user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


# Columns of the organisation's dashboard that the apps above own, each a subquery on the application
# (OuterRef("pk")) registered in their AppConfig.ready(): reviews the deadline of the stage it is in
# (`stage_due`), awards the amount awarded (`awarded`).
_dashboard_columns: dict[str, Callable[[], Subquery]] = {}


def add_dashboard_column(name: str, subquery: Callable[[], Subquery]) -> None:
    _dashboard_columns[name] = subquery


# The review stages of a call with their working days, for its page: review knowledge (reviews/clock.py), registered
# by reviews (`reviews.selectors.call_stages`).
_stage_clock: list[Callable[[Call], list[tuple[str, int]]]] = []


def add_stage_clock(stages: Callable[[Call], list[tuple[str, int]]]) -> None:
    _stage_clock[:] = [stages]


def stages_of(call: Call) -> list[tuple[str, int]]:
    return _stage_clock[0](call) if _stage_clock else []


def organisation_dashboard(user) -> QuerySet[Application]:
    """The organisation's applications with the deadline of the stage they are in and the amount
    awarded, each a subquery so the page costs the same few queries however many there are."""
    return (
        visible_applications(user)
        .select_related("current_version")
        .annotate(**{name: subquery() for name, subquery in _dashboard_columns.items()})
        .order_by("-updated_at")
    )


def applicant_history(application: Application) -> QuerySet[AuditEvent]:
    return application.events.filter(visible_to_applicant=True).select_related("actor", "version")
