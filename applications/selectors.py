"""Reads of the catalogue and calls. Pages, API views and exports go through these."""

from datetime import datetime

from django.db.models import Exists, OuterRef, QuerySet, Subquery
from django.http import Http404
from django.utils import timezone

from applications.models import Application, AuditEvent, Call, Program, State, Track


def programs_with_tracks() -> QuerySet[Program]:
    return Program.objects.select_related("policy", "lead").prefetch_related("tracks", "co_reviewers")


def program_kinds() -> list[dict]:
    """The kinds of support the catalogue knows, with their labels, for the open-calls filter."""
    return list(Program.objects.order_by("kind").values("kind", "kind_label_en", "kind_label_zh").distinct())


def find_track(program_code: str, track_code: str) -> Track | None:
    return Track.objects.select_related("program__policy").filter(program__code=program_code, code=track_code).first()


def open_calls(at: datetime | None = None) -> QuerySet[Call]:
    at = at or timezone.now()
    return Call.objects.select_related("program__policy", "program__lead").filter(opens_at__lte=at, closes_at__gt=at)


def open_call_for(program: Program, at: datetime | None = None) -> Call | None:
    """The open call of a program that closes first: its terms are the ones an applicant meets next."""
    return open_calls(at).filter(program=program).order_by("closes_at").first()


# --- applications -------------------------------------------------------------------------------


def visible_applications(user) -> QuerySet[Application]:
    """Every application `user` may see, and nothing else. Every page, API view, export and download
    starts here: an organisation's members see its files; officers see what their commission is
    routed to once submitted; experts what they declared no conflict for; administrators see every submitted file."""
    from portal.accounts.models import Role

    base = Application.objects.select_related("call__program__policy", "call__program__lead", "track", "organisation")
    if not user.is_authenticated or not user.is_active:
        return base.none()
    if user.role == Role.ENTERPRISE:
        if user.organisation_id is None or not user.has_perm("portal.apply_for", user.organisation):
            return base.none()
        return base.filter(organisation_id=user.organisation_id)
    submitted = base.exclude(state__in=[State.DRAFT])
    if user.role in (Role.OFFICER, Role.FINANCE) and user.commission_id:
        # The commissions an application was routed to (a task exists for them), not what the
        # catalogue says today: routing is decided once, at submission and formal check.
        from reviews.models import ReviewTask

        routed = ReviewTask.objects.filter(application=OuterRef("pk"), commission_id=user.commission_id)
        return submitted.filter(Exists(routed))
    if user.role == Role.EXPERT:
        from reviews.models import AssignmentState, ExpertAssignment

        assigned = ExpertAssignment.objects.filter(
            application=OuterRef("pk"), expert=user, state__in=[AssignmentState.OPEN, AssignmentState.SCORED]
        )
        return submitted.filter(Exists(assigned))
    if user.role == Role.ADMIN:
        return submitted
    return base.none()


def get_application_for_user(user, pk) -> Application:
    """The application, or 404 for anyone who may not see it (never 403: an outsider learns nothing)."""
    application = visible_applications(user).filter(pk=pk).first()
    if application is None:
        raise Http404
    return application


def organisation_dashboard(user) -> QuerySet[Application]:
    """The organisation's applications with the deadline of the stage they are in and the amount
    awarded, each a subquery so the page costs the same few queries however many there are."""
    from awards.models import HOLDING, Award
    from reviews.models import ReviewTask, TaskState

    stage_due = ReviewTask.objects.filter(application=OuterRef("pk"), state=TaskState.OPEN).order_by("due_on")
    awarded = Award.objects.filter(application=OuterRef("pk"), state__in=HOLDING).order_by("-computed_at")
    return (
        visible_applications(user)
        .select_related("current_version")
        .annotate(
            stage_due=Subquery(stage_due.values("due_on")[:1]),
            awarded=Subquery(awarded.values("amount")[:1]),
        )
        .order_by("-updated_at")
    )


def applicant_history(application: Application) -> QuerySet[AuditEvent]:
    return application.events.filter(visible_to_applicant=True).select_related("actor", "version")
