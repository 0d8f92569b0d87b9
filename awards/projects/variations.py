"""Variations of an accepted task statement: the enterprise asks to extend a milestone, change the project lead or
change an indicator, with its grounds; the lead commission approves (a new version of the statement is frozen,
and an extended milestone moves its report's date) or refuses with a reason."""

from datetime import date

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from awards.projects import permissions
from awards.projects.lifecycle import ProjectAction, lock, project_step
from awards.projects.models import Project, ReportState, Variation, VariationKind
from awards.projects.statements import freeze, report_due
from awards.projects.terms import terms_for
from portal.accounts.models import User
from portal.errors import ErrorCode, PortalError
from reviews.clock import add_working_days

STATEMENT_KEYS = ("goals", "lead", "indicators", "milestones")


def _refuse(check: tuple[bool, str]) -> None:
    allowed, reason = check
    if not allowed:
        raise PortalError(ErrorCode.NOT_ALLOWED, reason)


def _text(value, limit: int) -> str:
    return str(value or "").strip().replace("\x00", "")[:limit]


def current_content(project: Project) -> dict:
    return {key: project.version.content[key] for key in STATEMENT_KEYS}


def clean_change(project: Project, kind: str, change: dict) -> dict:
    """The change asked for, checked against the statement in force; PortalError by field otherwise."""
    change = change if isinstance(change, dict) else {}
    content = current_content(project)
    if kind == VariationKind.EXTEND_MILESTONE:
        key = _text(change.get("milestone"), 8)
        milestones = content["milestones"]
        position = next((n for n, m in enumerate(milestones) if m["key"] == key), None)
        if position is None:
            raise PortalError(ErrorCode.INVALID, _("Choose the milestone to extend."), field="milestone")
        report = project.reports.filter(key=key).first()
        if report is not None and report.state == ReportState.ACCEPTED:
            raise PortalError(ErrorCode.INVALID, _("This milestone's report is accepted already."), field="milestone")
        try:
            day = date.fromisoformat(_text(change.get("due_on"), 10))
        except ValueError:
            raise PortalError(ErrorCode.INVALID, _("Give the new date (YYYY-MM-DD)."), field="due_on") from None
        current = date.fromisoformat(milestones[position]["due_on"])
        if day <= max(current, timezone.localdate()):
            raise PortalError(
                ErrorCode.INVALID,
                _("An extension moves the milestone later than %(date)s.") % {"date": current.isoformat()},
                field="due_on",
            )
        if position + 1 < len(milestones) and day >= date.fromisoformat(milestones[position + 1]["due_on"]):
            raise PortalError(
                ErrorCode.INVALID,
                _("The milestone must stay before the next one; extend that one too."),
                field="due_on",
            )
        return {"milestone": key, "due_on": day.isoformat(), "was": current.isoformat()}
    if kind == VariationKind.CHANGE_LEAD:
        name = _text(change.get("name"), 100)
        if not name:
            raise PortalError(ErrorCode.REQUIRED, _("Name the new project lead."), field="name")
        return {
            "name": name,
            "phone": _text(change.get("phone"), 40),
            "email": _text(change.get("email"), 254),
            "was": content["lead"].get("name", ""),
        }
    if kind == VariationKind.CHANGE_INDICATOR:
        key = _text(change.get("indicator"), 8)
        indicator = next((i for i in content["indicators"] if i["key"] == key), None)
        if indicator is None:
            raise PortalError(ErrorCode.INVALID, _("Choose the indicator to change."), field="indicator")
        new = {"name": _text(change.get("name"), 200), "unit": _text(change.get("unit"), 40)}
        new["target"] = _text(change.get("target"), 100)
        if not (new["name"] and new["target"]):
            raise PortalError(ErrorCode.REQUIRED, _("Give the indicator's name and its new target."), field="target")
        if all(new[k] == indicator[k] for k in new):
            raise PortalError(ErrorCode.INVALID, _("This is the indicator as it stands."), field="target")
        return {"indicator": key, **new, "was": {k: indicator[k] for k in new}}
    raise PortalError(ErrorCode.INVALID, _("Choose what the variation changes."), field="kind")


def applied(content: dict, variation: Variation) -> dict:
    """The statement with the variation's change made."""
    change = variation.change
    content = {key: value for key, value in content.items()}
    if variation.kind == VariationKind.EXTEND_MILESTONE:
        content["milestones"] = [
            {**m, "due_on": change["due_on"]} if m["key"] == change["milestone"] else m for m in content["milestones"]
        ]
    elif variation.kind == VariationKind.CHANGE_LEAD:
        content["lead"] = {"name": change["name"], "phone": change["phone"], "email": change["email"]}
    elif variation.kind == VariationKind.CHANGE_INDICATOR:
        content["indicators"] = [
            {**i, "name": change["name"], "unit": change["unit"], "target": change["target"]}
            if i["key"] == change["indicator"]
            else i
            for i in content["indicators"]
        ]
    return content


@transaction.atomic
def variation_request(*, project: Project, by: User, kind: str, change: dict, grounds: str) -> Variation:
    project = lock(project)
    _refuse(permissions.can_request_variation(by, project))
    change = clean_change(project, kind, change)
    grounds = (grounds or "").strip()[:4000]
    due = add_working_days(timezone.localdate(), terms_for(project.call).review_days)
    variation = Variation(project=project, kind=kind, change=change, grounds=grounds, requested_by=by)
    project_step(
        project=project,
        action=ProjectAction.VARIATION_REQUESTED,
        by=by,
        subject=variation,
        reason=grounds,
        data={"kind": kind, "change": change},
        review_due_on=due,
    )
    return variation


def _locked(variation: Variation) -> Variation:
    project = lock(variation.project_id)
    variation = Variation.objects.select_for_update(of=("self",)).get(pk=variation.pk)
    variation.project = project
    return variation


@transaction.atomic
def variation_approve(*, variation: Variation, by: User, reason: str = "") -> Variation:
    variation = _locked(variation)
    project = variation.project
    _refuse(permissions.can_decide_variation(by, variation))
    content = applied(current_content(project), variation)
    project_step(
        project=project,
        action=ProjectAction.VARIATION_APPROVED,
        by=by,
        subject=variation,
        reason=reason,
        data={"kind": variation.kind, "version": project.versions.count() + 1},
        decided_by=by,
        decided_at=timezone.now(),
        decision_reason=(reason or "").strip(),
        review_due_on=None,
    )
    version = freeze(project=project, by=by, content=content, variation=variation)
    if variation.kind == VariationKind.EXTEND_MILESTONE:
        report = project.reports.select_for_update().get(key=variation.change["milestone"])
        report.due_on = report_due(date.fromisoformat(variation.change["due_on"]))
        report.save(update_fields=["due_on"])
    project.statement, project.version = content, version
    project.ends_on = project.reports.order_by("-number").values_list("due_on", flat=True).first()
    project.save(update_fields=["statement", "version", "ends_on", "updated_at"])
    return variation


@transaction.atomic
def variation_refuse(*, variation: Variation, by: User, reason: str) -> Variation:
    variation = _locked(variation)
    _refuse(permissions.can_decide_variation(by, variation))
    project_step(
        project=variation.project,
        action=ProjectAction.VARIATION_REFUSED,
        by=by,
        subject=variation,
        reason=reason,
        data={"kind": variation.kind},
        decided_by=by,
        decided_at=timezone.now(),
        decision_reason=(reason or "").strip(),
        review_due_on=None,
    )
    return variation
