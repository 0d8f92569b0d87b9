"""What a project waits for, from whom and by when: the one reading of its deadlines that "My projects", the
officer's queue, the project page and the reminders share. Every date is on the working-day calendar (the
statement's and the reviews' deadlines are counted in working days by the services; a report falls due on its
milestone, moved to the next working day)."""

from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext_lazy as _

from awards.projects.models import Project, ProjectState, ReportState, VariationState
from reviews.clock import working_days_left

ENTERPRISE, COMMISSION = "enterprise", "commission"


@dataclass(frozen=True)
class Due:
    who: str  # ENTERPRISE or COMMISSION
    subject: str  # what the reminders key on: "statement", "report:m1", "acceptance", "review:..."
    what: str
    due_on: date | None
    anchor: str  # where on the project page

    def left(self, today: date) -> int | None:
        return None if self.due_on is None else working_days_left(today, self.due_on)

    def overdue(self, today: date) -> bool:
        return self.due_on is not None and self.due_on < today


def _open_variation(project: Project):
    # Read from the prefetched variations when a list prefetched them (selectors.with_agenda).
    return next((v for v in project.variations.all() if v.state == VariationState.REQUESTED), None)


def agenda(project: Project) -> list[Due]:
    """Everything the project waits for now, earliest deadline first (undated last)."""
    items: list[Due] = []
    state = project.state
    if state in (ProjectState.DRAFTING, ProjectState.STATEMENT_RETURNED):
        items.append(
            Due(ENTERPRISE, "statement", str(_("Submit the task statement")), project.statement_due_on, "statement")
        )
    elif state == ProjectState.STATEMENT_SUBMITTED:
        items.append(
            Due(COMMISSION, "review:statement", str(_("Review the task statement")), project.review_due_on, "statement")
        )
    elif state == ProjectState.IN_PROGRESS:
        reports = list(project.reports.all())
        for report in reports:
            if report.state in (ReportState.DUE, ReportState.RETURNED):
                what = _("File progress report “%(label)s”") % {"label": report.label}
                items.append(Due(ENTERPRISE, f"report:{report.key}", str(what), report.due_on, f"report-{report.pk}"))
            elif report.state == ReportState.FILED:
                what = _("Review progress report “%(label)s”") % {"label": report.label}
                items.append(
                    Due(
                        COMMISSION,
                        f"review:report:{report.key}",
                        str(what),
                        report.review_due_on,
                        f"report-{report.pk}",
                    )
                )
        if reports and all(r.state == ReportState.ACCEPTED for r in reports):
            items.append(Due(ENTERPRISE, "acceptance", str(_("Apply for acceptance")), project.ends_on, "acceptance"))
        variation = _open_variation(project)
        if variation is not None:
            items.append(
                Due(
                    COMMISSION,
                    f"review:variation:{variation.pk}",
                    str(_("Answer the variation")),
                    variation.review_due_on,
                    "variations",
                )
            )
    elif state in (ProjectState.ACCEPTANCE_APPLIED, ProjectState.ACCEPTANCE_PANEL):
        items.append(
            Due(COMMISSION, "review:acceptance", str(_("Decide the acceptance")), project.review_due_on, "acceptance")
        )
    elif state == ProjectState.PASSED_WITH_CONDITIONS:
        items.append(Due(ENTERPRISE, "conditions", str(_("Meet the conditions of the acceptance")), None, "acceptance"))
    return sorted(items, key=lambda d: (d.due_on is None, d.due_on or date.max))


def next_for(project: Project, who: str) -> Due | None:
    """The first thing `who` owes on the project."""
    return next((d for d in agenda(project) if d.who == who), None)


def most_urgent(project: Project, today: date) -> Due | None:
    """For the commission's queue: an overdue item of either side first (a late report is the commission's
    business too), else the commission's own next item, else the enterprise's."""
    items = agenda(project)
    overdue = [d for d in items if d.overdue(today)]
    if overdue:
        return overdue[0]
    return next((d for d in items if d.who == COMMISSION), None) or (items[0] if items else None)
