"""The task statement (任务书): the enterprise drafts it from the call's template and submits it; the lead
commission returns it for correction or accepts it, which freezes it as version 1, lays out the progress
reports on its milestones and starts the project. An approved variation freezes the next version
(variations.py). Keyword-only, typed, no request; each locks the project first."""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.projects import permissions
from awards.projects.lifecycle import ProjectAction, lock, project_step
from awards.projects.models import ProgressReport, Project, StatementVersion
from awards.projects.terms import MAX_ROWS, terms_for
from portal.accounts.models import User
from portal.errors import ErrorCode, PortalError
from reviews.clock import add_working_days, is_working_day

TEXT_LIMIT = 4000
LINE_LIMIT = 200


def _refuse(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PortalError(ErrorCode.NOT_ALLOWED, reason)


def _text(value, limit: int = LINE_LIMIT) -> str:
    text = str(value or "").strip().replace("\x00", "")
    return text[:limit]


def clean_statement(raw: dict) -> dict:
    """What the enterprise typed, in the statement's shape: rows left empty are dropped, keys numbered in order.
    Nothing is refused here (a draft keeps what was typed); `statement_problems` says what submission needs."""
    raw = raw if isinstance(raw, dict) else {}
    lead = raw.get("lead") if isinstance(raw.get("lead"), dict) else {}
    rows = {
        "indicators": [r for r in (raw.get("indicators") or []) if isinstance(r, dict)][:MAX_ROWS],
        "milestones": [r for r in (raw.get("milestones") or []) if isinstance(r, dict)][:MAX_ROWS],
    }
    indicators = [
        {"name": _text(r.get("name")), "unit": _text(r.get("unit"), 40), "target": _text(r.get("target"), 100)}
        for r in rows["indicators"]
    ]
    milestones = [{"label": _text(r.get("label")), "due_on": _text(r.get("due_on"), 10)} for r in rows["milestones"]]
    indicators = [r for r in indicators if any(r.values())]
    milestones = [r for r in milestones if any(r.values())]
    return {
        "goals": _text(raw.get("goals"), TEXT_LIMIT),
        "lead": {
            "name": _text(lead.get("name"), 100),
            "phone": _text(lead.get("phone"), 40),
            "email": _text(lead.get("email"), 254),
        },
        "indicators": [{"key": f"i{n}", **r} for n, r in enumerate(indicators, start=1)],
        "milestones": [{"key": f"m{n}", **r} for n, r in enumerate(milestones, start=1)],
    }


def _date(text: str) -> date | None:
    try:
        return date.fromisoformat(text)
    except (TypeError, ValueError):
        return None


def statement_problems(content: dict, *, reports_needed: int, today: date) -> dict[str, list[str]]:
    """What a statement lacks before it can be submitted, by field ({} when it is complete)."""
    problems: dict[str, list[str]] = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if not content["goals"]:
        add("goals", _("Describe the project's goals."))
    if not content["lead"]["name"]:
        add("lead_name", _("Name the project lead."))
    if not content["indicators"]:
        add("indicators", _("Give at least one measurable indicator."))
    for n, row in enumerate(content["indicators"], start=1):
        if not (row["name"] and row["target"]):
            add("indicators", _("Indicator %(n)s needs its name and its target.") % {"n": n})
    needed = max(1, reports_needed)
    if len(content["milestones"]) < needed:
        add(
            "milestones",
            _("The payment schedule names progress report %(n)s: give at least %(n)s milestones.") % {"n": needed},
        )
    previous = None
    for n, row in enumerate(content["milestones"], start=1):
        day = _date(row["due_on"])
        if not row["label"]:
            add("milestones", _("Milestone %(n)s needs a description.") % {"n": n})
        if day is None:
            add("milestones", _("Milestone %(n)s needs a date (YYYY-MM-DD).") % {"n": n})
        elif day < today:
            add("milestones", _("Milestone %(n)s is in the past.") % {"n": n})
        elif previous is not None and day <= previous:
            add("milestones", _("Milestone %(n)s must come after the one before it.") % {"n": n})
        previous = day or previous
    return problems


def report_due(milestone_day: date) -> date:
    """A report is due on its milestone, or on the next working day when that is a holiday or a weekend."""
    day = milestone_day
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


@transaction.atomic
def statement_save(*, project: Project, by: User, content: dict) -> Project:
    project = lock(project)
    _refuse(permissions.can_edit_statement(by, project))
    project.statement = clean_statement(content)
    project.save(update_fields=["statement", "updated_at"])
    return project


@transaction.atomic
def statement_submit(*, project: Project, by: User) -> Project:
    project = lock(project)
    _refuse(permissions.can_edit_statement(by, project))
    terms = terms_for(project.call)
    problems = statement_problems(project.statement, reports_needed=terms.reports_needed, today=timezone.localdate())
    if problems:
        raise PortalError(ErrorCode.INVALID, errors=problems)
    due = add_working_days(timezone.localdate(), terms.review_days)
    project_step(
        project=project,
        action=ProjectAction.STATEMENT_SUBMITTED,
        by=by,
        data={"review_due_on": due.isoformat()},
        review_due_on=due,
    )
    return project


@transaction.atomic
def statement_return(*, project: Project, by: User, reason: str) -> Project:
    project = lock(project)
    terms = terms_for(project.call)
    due = add_working_days(timezone.localdate(), terms.review_days)
    project_step(
        project=project,
        action=ProjectAction.STATEMENT_RETURNED,
        by=by,
        reason=reason,
        data={"due_on": due.isoformat()},
        review_due_on=None,
        statement_due_on=due,
    )
    return project


def freeze(*, project: Project, by: User, content: dict, variation=None) -> StatementVersion:
    """The next version of the statement, with the schedule as it stands (what both sides signed)."""
    number = project.versions.count() + 1
    schedule = [
        {
            "number": i.number,
            "label_en": i.label_en,
            "label_zh": i.label_zh,
            "percent": str(i.percent),
            "amount": str(i.amount),
            "condition": i.condition,
            "report_number": i.report_number,
            "due_from": i.due_from.isoformat() if i.due_from else None,
        }
        for i in project.instalments.order_by("number")
    ]
    version = StatementVersion.objects.create(
        project=project,
        number=number,
        content={**content, "schedule": schedule, "award": str(project.award.amount)},
        accepted_by=by,
        variation=variation,
    )
    return version


@transaction.atomic
def statement_accept(*, project: Project, by: User) -> Project:
    project = lock(project)
    _refuse(permissions.can_decide_statement(by, project))
    content = project.statement
    version = freeze(project=project, by=by, content=content)
    reports = [
        ProgressReport(
            project=project,
            number=n,
            key=row["key"],
            label=row["label"],
            due_on=report_due(date.fromisoformat(row["due_on"])),
        )
        for n, row in enumerate(content["milestones"], start=1)
    ]
    ProgressReport.objects.bulk_create(reports)
    project_step(
        project=project,
        action=ProjectAction.STATEMENT_ACCEPTED,
        by=by,
        data={"version": version.number},
        version=version,
        review_due_on=None,
        ends_on=reports[-1].due_on,
    )
    return project
