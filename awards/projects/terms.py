"""What a call sets for its projects: the payment schedule (instalments and their conditions), the template of the
task statement, the working days of each deadline, the acceptance rubric. Call data (`ProjectTerms`, edited in the
Django admin); a call without terms gets the defaults below, the SPEC's example: 50% on the letter, 50% after
acceptance."""

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_DOWN, Decimal, InvalidOperation

from django.utils.translation import gettext as _

from applications.models import Call
from awards.projects.models import ConditionKind, ProjectTerms

DEFAULT_SCHEDULE = [
    {
        "label_en": "First instalment, on the decision letter",
        "label_zh": "首期资金（资助决定书出具后）",
        "percent": "50",
        "condition": ConditionKind.LETTER_ISSUED,
    },
    {
        "label_en": "Last instalment, after acceptance",
        "label_zh": "尾款（验收通过后）",
        "percent": "50",
        "condition": ConditionKind.ACCEPTANCE_PASSED,
    },
]
DEFAULT_ACCEPTANCE_RUBRIC = [
    {"code": "goals", "label_en": "Goals reached", "label_zh": "目标完成情况", "weight": 40},
    {"code": "indicators", "label_en": "Indicators met", "label_zh": "考核指标完成情况", "weight": 40},
    {"code": "spending", "label_en": "Use of the funds", "label_zh": "资金使用情况", "weight": 20},
]
DEFAULT_MILESTONES = [
    {"label": "Mid-term progress / 中期进展", "months": 6},
    {"label": "Completion / 项目完成", "months": 12},
]
MAX_ROWS = 8  # indicators and milestones a statement holds


@dataclass(frozen=True)
class Terms:
    schedule: list = field(default_factory=lambda: list(DEFAULT_SCHEDULE))
    goals_template_en: str = ""
    goals_template_zh: str = ""
    indicators_template: list = field(default_factory=list)
    milestones_template: list = field(default_factory=lambda: list(DEFAULT_MILESTONES))
    statement_days: int = 20
    review_days: int = 10
    acceptance_rubric: list = field(default_factory=lambda: list(DEFAULT_ACCEPTANCE_RUBRIC))

    @property
    def reports_needed(self) -> int:
        """The milestones the schedule names: the statement must have at least that many."""
        return max([int(item.get("report") or 0) for item in self.schedule] or [0])


def terms_for(call: Call) -> Terms:
    row = ProjectTerms.objects.filter(call=call).first()
    if row is None:
        return Terms()
    return Terms(
        schedule=row.schedule or list(DEFAULT_SCHEDULE),
        goals_template_en=row.goals_template_en,
        goals_template_zh=row.goals_template_zh,
        indicators_template=row.indicators_template or [],
        milestones_template=row.milestones_template or list(DEFAULT_MILESTONES),
        statement_days=row.statement_days,
        review_days=row.review_days,
        acceptance_rubric=row.acceptance_rubric or list(DEFAULT_ACCEPTANCE_RUBRIC),
    )


def _percent(value) -> Decimal | None:
    try:
        percent = Decimal(str(value))
    except (InvalidOperation, TypeError, ValueError):
        return None
    return percent if percent.is_finite() and 0 < percent <= 100 else None


def schedule_problems(schedule) -> list[str]:
    """What is wrong with a schedule an administrator typed (the admin's form shows these); [] when it is sound."""
    if not isinstance(schedule, list) or not schedule:
        return [_("The schedule is a list of instalments, at least one.")]
    problems = []
    total = Decimal(0)
    for n, item in enumerate(schedule, start=1):
        if not isinstance(item, dict):
            problems.append(_("Instalment %(n)s is not an object.") % {"n": n})
            continue
        percent = _percent(item.get("percent"))
        if percent is None:
            problems.append(_("Instalment %(n)s: the percent is a number above 0, at most 100.") % {"n": n})
        else:
            total += percent
        if not (item.get("label_en") and item.get("label_zh")):
            problems.append(_("Instalment %(n)s: give its label in English and Chinese.") % {"n": n})
        condition = item.get("condition")
        if condition not in ConditionKind.values:
            problems.append(
                _("Instalment %(n)s: the condition is one of %(kinds)s.") % {"n": n, "kinds": ", ".join(ConditionKind)}
            )
        elif condition == ConditionKind.REPORT_ACCEPTED and not str(item.get("report", "")).isdigit():
            problems.append(_("Instalment %(n)s: say which progress report (1 = the first milestone's).") % {"n": n})
        elif condition == ConditionKind.DATE:
            try:
                date.fromisoformat(str(item.get("on")))
            except ValueError:
                problems.append(_("Instalment %(n)s: give the date as YYYY-MM-DD under “on”.") % {"n": n})
    if not problems and total != 100:
        problems.append(_("The instalments add up to %(total)s%%, not 100%%.") % {"total": total})
    return problems


def instalment_amounts(amount: Decimal, schedule: list) -> list[Decimal]:
    """Each instalment's share of the award in whole yuan (awards are whole yuan); the last takes what the
    truncation left, so together they are exactly the award."""
    shares = [(amount * Decimal(str(item["percent"])) / 100).quantize(Decimal(1), ROUND_DOWN) for item in schedule]
    if shares:
        shares[-1] = amount - sum(shares[:-1])
    return shares
