"""What an applicant reads of an award after approval: the next step as the award's real state says it (the
status line of My applications and of the application's page), and the application's timeline: what happened,
with its dates, and what happens next, with the dates known (the notice ends on …, the letter after it). Derived
from the application's decision, its award and its letters: no state of its own."""

from dataclasses import dataclass
from datetime import date, datetime

from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from applications.models import State
from awards.models import Award, AwardState

AWARDED_STEPS = {
    AwardState.COMPUTED: gettext_lazy("Approved: the award is computed and goes on public notice next"),
    AwardState.CONFIRMED: gettext_lazy("Award confirmed: the decision letter is being issued"),
    AwardState.LETTER_ISSUED: gettext_lazy("Decision letter issued: the payments follow"),
    AwardState.DISBURSED: gettext_lazy("The award is paid in full"),
    AwardState.CLAWED_BACK: gettext_lazy("The award is clawed back"),
}
# Not annotated by the dashboard's columns (the application's own page): read from the award.
UNREAD = object()


def _day(value) -> str:
    # A moment is shown on Shanghai's calendar (as the history beside it), not UTC's: after 16:00 UTC they differ.
    if isinstance(value, datetime):
        value = timezone.localtime(value).date()
    return formats.date_format(value, "Y-m-d") if value else ""


def award_status(state: str | None, notice_until: date | None) -> str | None:
    """The next step of an approved grant whose award is in `state` (None: no award yet, the state's own text)."""
    if state == AwardState.PUBLICITY:
        return _("On public notice until %(date)s; the decision letter follows after it") % {"date": _day(notice_until)}
    text = AWARDED_STEPS.get(state)
    return str(text) if text else None


def next_step_of(application) -> str | None:
    """The dashboard and the application's page: approved grants follow their award (applications' next_step)."""
    if application.state != State.APPROVED or not application.call.program.is_grant:
        return None
    state = getattr(application, "award_state", UNREAD)
    notice = getattr(application, "award_notice_until", None)
    if state is UNREAD:
        latest = application.awards.order_by("-computed_at").values("state", "notice_until").first() or {}
        state, notice = latest.get("state"), latest.get("notice_until")
    return award_status(state, notice)


@dataclass(frozen=True)
class Step:
    label: str
    when: str = ""  # the date it happened, or the date known for what is to come ("after 2026-12-11")
    done: bool = False
    current: bool = False


def _upcoming(label, after: date | None = None, *, current=False) -> Step:
    when = _("expected after %(date)s") % {"date": _day(after)} if after else ""
    return Step(str(label), when, current=current)


def application_timeline(application, *, award: Award | None, decision, letter) -> list[Step]:
    """The steps of a submitted application, done ones with their dates, then those to come."""
    steps = [Step(_("Submitted"), _day(application.first_submitted_at), done=True)]
    if decision is None:
        if application.state not in (State.WITHDRAWN,):
            steps.append(Step(_("Review by the commissions"), current=True))
            steps.append(Step(_("Decision")))
        return steps
    approved = application.state == State.APPROVED or award is not None
    steps.append(
        Step(
            _("Decision: approved") if approved else _("Decision: not approved"),
            _day(decision.decided_at),
            done=True,
        )
    )
    if not application.call.program.is_grant or not approved:
        if letter is not None:
            steps.append(Step(_("Decision letter issued"), _day(letter.issued_on), done=True))
        return steps
    if award is None:
        return [
            *steps,
            Step(_("Award computed"), current=True),
            _upcoming(_("Public notice")),
            _upcoming(_("Decision letter")),
        ]
    steps.append(Step(_("Award computed"), _day(award.computed_at), done=True))
    if award.state == AwardState.COMPUTED:
        return [*steps, _upcoming(_("Public notice"), current=True), _upcoming(_("Decision letter"))]
    until = award.notice_until
    on_notice = award.state == AwardState.PUBLICITY
    steps.append(
        Step(
            _("Public notice from %(start)s") % {"start": _day(award.notice_from)},
            (_("ends on %(date)s") if on_notice else _("ended on %(date)s")) % {"date": _day(until)},
            done=not on_notice,
            current=on_notice,
        )
    )
    if award.state == AwardState.OVERTURNED:
        return [*steps, Step(_("Overturned after an objection"), done=True)]
    if on_notice:
        return [*steps, _upcoming(_("Award confirmed"), until), _upcoming(_("Decision letter"), until)]
    steps.append(Step(_("Award confirmed"), _day(award.confirmed_at), done=True))
    if letter is None:
        return [*steps, _upcoming(_("Decision letter"), until, current=True)]
    steps.append(Step(_("Decision letter issued"), _day(letter.issued_on), done=True))
    payments = list(award.payments.all())
    if payments:
        steps.append(
            Step(_("Paid so far: %(n)s payment(s)") % {"n": len(payments)}, _day(payments[-1].paid_on), done=True)
        )
    if award.state == AwardState.LETTER_ISSUED:
        steps.append(Step(_("Payment"), current=True))
    return steps


def detail_section(request, application):
    """The timeline on the application's page (registered in awards/apps.py), once the application is submitted."""
    if application.first_submitted_at is None or application.call.program.is_channel:
        return None
    decision = application.decisions.first()
    award = application.awards.prefetch_related("payments").order_by("-computed_at").first()
    letter = application.letters.filter(rendered_at__isnull=False).order_by("-pk").first()
    steps = application_timeline(application, award=award, decision=decision, letter=letter)
    return "awards/_timeline.html", {"steps": steps}
