"""A confirmed award opens its project (registered with the award's lifecycle in awards/projects/apps.py): the
task statement starts from the call's template, the schedule's instalments are laid out, and the enterprise has
the call's working days to submit the statement."""

import calendar
from datetime import date

from django.utils import timezone

from applications.models import AuditEvent
from awards.models import Award
from awards.projects.lifecycle import ProjectAction, project_step
from awards.projects.models import ConditionKind, Instalment, Project
from awards.projects.terms import Terms, instalment_amounts, terms_for
from reviews.clock import add_working_days


def months_after(day: date, months: int) -> date:
    """The same day `months` later (the month's last day where it is shorter: 31 January + 1 -> 28/29 February)."""
    year, month = divmod(day.month - 1 + months, 12)
    year, month = day.year + year, month + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def statement_template(terms: Terms, opened: date) -> dict:
    """The working copy the enterprise starts from: the call's goals, indicators and milestones (dates so many
    months after opening)."""
    milestones = [
        {
            "key": f"m{n}",
            "label": item.get("label", ""),
            "due_on": months_after(opened, int(item.get("months") or 0)).isoformat() if item.get("months") else "",
        }
        for n, item in enumerate(terms.milestones_template, start=1)
    ]
    indicators = [
        {"key": f"i{n}", "name": item.get("name", ""), "unit": item.get("unit", ""), "target": item.get("target", "")}
        for n, item in enumerate(terms.indicators_template, start=1)
    ]
    goals = "\n\n".join(text for text in (terms.goals_template_zh, terms.goals_template_en) if text)
    return {
        "goals": goals,
        "lead": {"name": "", "phone": "", "email": ""},
        "indicators": indicators,
        "milestones": milestones,
    }


def open_project(award: Award, event: AuditEvent | None = None) -> Project | None:
    """The project of a confirmed award, once (a second confirmation finds it). An award of nothing (the call's
    budget was spent before it) opens none: there is nothing to pay or to account for."""
    if award.amount <= 0:
        return None
    existing = Project.objects.filter(award=award).first()
    if existing is not None:
        return existing
    application = award.application
    terms = terms_for(award.call)
    today = timezone.localdate()
    project = Project(
        award=award,
        application=application,
        organisation_id=award.organisation_id,
        call_id=award.call_id,
        program_id=award.program_id,
        title=application.title,
        statement=statement_template(terms, today),
        statement_due_on=add_working_days(today, terms.statement_days),
    )
    project_step(
        project=project,
        action=ProjectAction.PROJECT_OPENED,
        by=None,
        data={"due_on": project.statement_due_on.isoformat()},
    )
    amounts = instalment_amounts(award.amount, terms.schedule)
    Instalment.objects.bulk_create(
        [
            Instalment(
                project=project,
                number=n,
                label_en=item["label_en"],
                label_zh=item["label_zh"],
                percent=item["percent"],
                amount=amount,
                condition=item["condition"],
                report_number=int(item["report"]) if item["condition"] == ConditionKind.REPORT_ACCEPTED else None,
                due_from=date.fromisoformat(item["on"]) if item["condition"] == ConditionKind.DATE else None,
            )
            for n, (item, amount) in enumerate(zip(terms.schedule, amounts, strict=True), start=1)
            if amount > 0
        ]
    )
    return project


def on_award_confirmed(award: Award, event: AuditEvent) -> None:
    """The effect registered for `award_confirmed` (awards.lifecycle.after_move)."""
    open_project(award, event)
