"""Words for the engine's numbers: breakdown lines and reasons in the active language.

The engine keeps codes and parameters; this module is the only place that turns them into sentences,
so the estimate page, the API, the decision letter and the e-mails say the same thing.
"""

from decimal import Decimal

from django.utils.translation import gettext as _

from applications.models import Program, Track
from awards.engine import Line, Reason, ReasonCode, Result, Step
from portal.amounts import yuan
from portal.bilingual import is_chinese, localized


def percent(rate: Decimal) -> str:
    return f"{(rate * 100).normalize():f}%"


def line_text(line: Line, track: Track) -> str:
    p = line.params
    amount = yuan(line.amount)
    if line.step == Step.BASE:
        labels = {d["name"]: localized(d, "label") for d in track.fact_schema}
        return _("%(rate)s × %(base_label)s %(base)s = %(amount)s") % {
            "rate": percent(p["rate"]),
            "base_label": labels.get(p["base_fact"], p["base_fact"]),
            "base": yuan(p["base"]),
            "amount": amount,
        }
    if line.step == Step.TRUNCATE:
        return _("Truncated to whole yuan (never rounded up): %(amount)s") % {"amount": amount}
    if line.step == Step.CLAUSE_CAP:
        # The program's citation ("clause III.1", or the area of a policy whose text numbers no clause).
        return _("Capped at %(cap)s by %(citation)s: %(amount)s") % {
            "cap": yuan(p["cap"]),
            "citation": track.program.citation,
            "amount": amount,
        }
    if line.step == Step.RECOMMENDATION:
        return _("Lowered to the amount the reviewers recommend: %(amount)s (%(reason)s)") % {
            "amount": amount,
            "reason": p["reason"] or _("no reason given"),
        }
    if line.step == Step.OVERLAP:
        return _(
            "%(already)s already awarded for this product or project in the same overlap group "
            "(preferential, superior and no repetition); only the difference is paid: %(amount)s"
        ) % {"already": yuan(p["already"]), "amount": amount}
    if line.step == Step.YEARLY_CAP:
        return _(
            "Limited to what remains of the yearly cap of %(cap)s per enterprise (%(awarded)s already "
            "awarded this year): %(amount)s"
        ) % {"cap": yuan(p["cap"]), "awarded": yuan(p["awarded"]), "amount": amount}
    if line.step == Step.CALL_BUDGET:
        return _("Limited to the call's remaining budget: %(amount)s") % {"amount": amount}
    raise ValueError(f"no text for step {line.step}")


def reason_text(reason: Reason) -> str:
    p = reason.params
    if reason.code == ReasonCode.CONDITION_FAILED:
        return p["reason_zh"] if is_chinese() else p["reason_en"]
    if reason.code == ReasonCode.REGISTER_NOT_CHECKED:
        register = Program.objects.filter(code=p["register"]).first()
        return _(
            "This measure pays only for a product your organisation has in the register “%(register)s”; "
            "the portal checks that register when you file."
        ) % {"register": localized(register, "title") if register else p["register"]}
    if reason.code == ReasonCode.RATE_NOT_SET:
        return _(
            "The rate of %(program)s is set by each call, and no open call has set it yet. "
            "An estimate is possible once a call for this program opens."
        ) % {"program": p["program"]}
    if reason.code == ReasonCode.RECOMMENDATION_FIXED_RATE:
        return _("This program pays a fixed rate, so a lower recommended amount does not apply.")
    if reason.code == ReasonCode.RECOMMENDATION_NOT_LOWER:
        return _("The recommended amount %(recommended)s is not lower than the computed amount, which stands.") % {
            "recommended": yuan(p["recommended"])
        }
    if reason.code == ReasonCode.OVERLAP_EXHAUSTED:
        return _(
            "This product or project has already received %(already)s in its overlap group, "
            "as much as this program would pay."
        ) % {"already": yuan(p["already"])}
    if reason.code == ReasonCode.YEARLY_CAP_EXHAUSTED:
        return _("The enterprise has reached this program's yearly cap of %(cap)s.") % {"cap": yuan(p["cap"])}
    if reason.code == ReasonCode.BUDGET_EXHAUSTED:
        return _("The call's budget is used up.")
    raise ValueError(f"no text for reason {reason.code}")


def result_as_json(result: Result, track: Track) -> dict:
    return {
        "program": track.program.code,
        "track": track.code or None,
        "eligible": result.eligible,
        "amount": str(result.amount),
        "currency": "CNY",
        "breakdown": [
            {"step": str(line.step), "amount": str(line.amount), "text": line_text(line, track)}
            for line in result.breakdown
        ],
        "reasons": [{"code": str(r.code), "text": reason_text(r)} for r in result.reasons],
    }
