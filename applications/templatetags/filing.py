from collections.abc import Callable

from django import template
from django.utils.translation import gettext_lazy as _

from applications.models import ProgramOutcome, State
from applications.workflow import label_of
from portal.accounts.models import OrganisationKind
from portal.bilingual import localized

register = template.Library()

NEXT_STEP = {
    State.DRAFT: _("Complete and submit before the call closes"),
    State.RETURNED: _("Correct and resubmit"),
    State.SUBMITTED: _("Awaiting the formal check"),
    State.FORMAL_CHECK: _("Formal check in progress"),
    State.DEPARTMENT_REVIEW: _("Under review by the commissions"),
    State.EXPERT_REVIEW: _("Under expert review"),
    State.APPROVED: _("Approved: the award is being computed"),
    State.REJECTED: _("Not approved: see the reasons"),
    State.WITHDRAWN: _("Withdrawn"),
    State.ROUTED: _("The units concerned are preparing their answers"),
    State.ANSWERED: _("Read the answers: reopen the case once, or close it as resolved"),
    State.REOPENED: _("Reopened: awaiting routing by the lead commission"),
    State.CLOSED: _("Closed as resolved"),
}
# What a state means on a service channel's case, where it differs.
CASE_NEXT_STEP = {State.SUBMITTED: _("Awaiting routing by the lead commission")}


# A recognition's approval is not followed by an award but by its listing.
NEXT_STEP_WITHOUT_MONEY = {
    State.APPROVED: _("Approved: the listing goes on public notice, then the certificate follows"),
}


# Who knows better than the application's state what comes next (awards: the award's own state after approval),
# registered in their AppConfig.ready(): each answers the text, or None to leave it to the state.
NextStep = Callable[[object], str | None]
_next_step_sources: list[NextStep] = []


def add_next_step_source(source: NextStep) -> None:
    if source not in _next_step_sources:
        _next_step_sources.append(source)


@register.filter
def next_step(application) -> str:
    for source in _next_step_sources:
        if (text := source(application)) is not None:
            return text
    program = application.call.program
    if program.is_channel and application.state in CASE_NEXT_STEP:
        return CASE_NEXT_STEP[application.state]
    if program.outcome == ProgramOutcome.RECOGNITION and application.state in NEXT_STEP_WITHOUT_MONEY:
        return NEXT_STEP_WITHOUT_MONEY[application.state]
    return NEXT_STEP.get(application.state, "")


@register.filter
def applicant_kinds(program) -> str:
    """Who a program admits, in words ("Public institution")."""
    return "; ".join(str(OrganisationKind(kind).label) for kind in program.applicants)


@register.filter
def event_label(event) -> str:
    """What happened, in words: the step's label and the state it led to."""
    return f"{label_of(event.action)} → {State(event.to_state).label}" if event.to_state else label_of(event.action)


@register.simple_tag
def document_label(application, code: str) -> str:
    """{% document_label application attachment.document_type %}: the document type in words."""
    for document in application.track.document_types:
        if document["code"] == code:
            return localized(document, "label")
    return code
