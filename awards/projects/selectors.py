"""Reads of projects. Every page, API view and export of projects starts here: an organisation's members see its
projects, the lead commission's officers those of the programs it leads, the Finance Bureau and administrators
every one; an expert only the panel seats they hold. A single project is a 404 to anyone else."""

from datetime import date

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils import timezone

from applications.models import AuditEvent
from awards.projects.agenda import COMMISSION, ENTERPRISE, most_urgent, next_for
from awards.projects.models import (
    ClawbackProposal,
    Instalment,
    InstalmentState,
    PanelAssignment,
    ProgressReport,
    Project,
    ProjectDocument,
    ProjectState,
    ProposalState,
    Variation,
    VariationState,
)
from awards.projects.permissions import can_download_document
from portal.accounts.predicates import (
    is_active_user,
    is_admin,
    is_budget_confirmer,
    is_expert,
    is_officer,
    may_apply,
)

LIST_RELATED = ("application", "organisation", "program", "award", "call")


def visible_projects(user) -> QuerySet[Project]:
    base = Project.objects.select_related(*LIST_RELATED)
    if not is_active_user(user):
        return base.none()
    if may_apply(user):
        return base.filter(organisation_id=user.organisation_id)
    if is_officer(user):
        return base.filter(program__lead_id=user.commission_id)
    if is_budget_confirmer(user) or is_admin(user):
        return base
    return base.none()


def get_project_for_user(user, pk) -> Project:
    project = visible_projects(user).select_related("program__lead", "version").filter(pk=pk).first()
    if project is None:
        raise Http404
    return project


def with_agenda(projects: QuerySet[Project]) -> QuerySet[Project]:
    """What `agenda.agenda` reads, fetched once for a whole list."""
    return projects.prefetch_related(
        "reports", Prefetch("variations", queryset=Variation.objects.filter(state=VariationState.REQUESTED))
    )


def my_projects(user) -> list[tuple[Project, object]]:
    """The organisation's projects with the next thing it owes on each, the soonest first."""
    if not may_apply(user):
        return []
    rows = [(p, next_for(p, ENTERPRISE)) for p in with_agenda(visible_projects(user))]
    return sorted(rows, key=lambda r: (r[1] is None, r[1].due_on if r[1] and r[1].due_on else date.max, -r[0].pk))


OPEN_STATES = [s for s in ProjectState.values if s not in (ProjectState.PASSED, ProjectState.CLAWED_BACK)]


def officer_queue(user, today: date | None = None) -> list[tuple[Project, object, bool]]:
    """The lead commission's open projects with their most urgent item: overdue first (either side's), then what
    waits for the commission by its deadline, then the rest."""
    if not is_officer(user):
        return []
    today = today or timezone.localdate()
    rows = []
    for project in with_agenda(visible_projects(user).filter(state__in=OPEN_STATES)):
        item = most_urgent(project, today)
        rows.append((project, item, bool(item and item.overdue(today))))

    def order(row):
        _project, item, overdue = row
        ours = item is not None and item.who == COMMISSION
        return (
            not overdue,
            not ours,
            item is None or item.due_on is None,
            item.due_on if item and item.due_on else date.max,
        )

    return sorted(rows, key=order)


def due_instalments(user) -> QuerySet[Instalment]:
    """The Finance Bureau's instalments still to pay on projects whose statement is accepted (the page says,
    for each, whether its condition holds)."""
    if not is_budget_confirmer(user):
        return Instalment.objects.none()
    return (
        Instalment.objects.filter(state=InstalmentState.SCHEDULED)
        .exclude(
            project__state__in=[
                ProjectState.DRAFTING,
                ProjectState.STATEMENT_SUBMITTED,
                ProjectState.STATEMENT_RETURNED,
            ]
        )
        .select_related("project__organisation", "project__application", "project__program", "project__award__letter")
        .prefetch_related("project__reports")
        .order_by("project__opened_at", "project_id", "number")
    )


def get_instalment_for_user(user, pk) -> Instalment:
    instalment = due_instalments(user).filter(pk=pk).first()
    if instalment is None:
        raise Http404
    return instalment


def open_proposals(user) -> QuerySet[ClawbackProposal]:
    if not is_budget_confirmer(user):
        return ClawbackProposal.objects.none()
    return ClawbackProposal.objects.filter(state=ProposalState.PROPOSED).select_related(
        "project__organisation", "project__application", "project__award"
    )


def get_proposal_for_user(user, pk) -> ClawbackProposal:
    """The proposal of a project the user sees (the lead amends it, Finance records it), else 404."""
    proposal = ClawbackProposal.objects.filter(pk=pk, project__in=visible_projects(user).values("pk")).first()
    if proposal is None:
        raise Http404
    return proposal


def get_report_for_user(user, project: Project, pk) -> ProgressReport:
    report = project.reports.filter(pk=pk).first()
    if report is None:
        raise Http404
    report.project = project
    return report


def get_variation_for_user(user, project: Project, pk) -> Variation:
    variation = project.variations.filter(pk=pk).first()
    if variation is None:
        raise Http404
    variation.project = project
    return variation


def panel_seats(user) -> QuerySet[PanelAssignment]:
    if not is_expert(user):
        return PanelAssignment.objects.none()
    return PanelAssignment.objects.filter(expert=user).select_related(
        "project__organisation", "project__application", "project__program", "acceptance"
    )


def get_seat_for_user(user, pk) -> PanelAssignment:
    seat = panel_seats(user).filter(pk=pk).first()
    if seat is None:
        raise Http404
    return seat


def get_document_for_user(user, pk) -> ProjectDocument:
    document = ProjectDocument.objects.select_related("project__organisation", "project__program").filter(pk=pk).first()
    if document is None or not can_download_document(user, document)[0]:
        raise Http404
    return document


def project_history(project: Project, *, internal: bool) -> QuerySet[AuditEvent]:
    """The project's events (on its application, with the project in their data); the enterprise reads the
    public ones."""
    events = AuditEvent.objects.filter(application_id=project.application_id, data__project=project.pk)
    if not internal:
        events = events.filter(visible_to_applicant=True)
    return events.select_related("actor").order_by("at", "pk")
