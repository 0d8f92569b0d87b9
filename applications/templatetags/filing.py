from django import template
from django.utils.translation import gettext_lazy as _

from applications.models import State
from applications.workflow import label_of
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
}


@register.filter
def next_step(application) -> str:
    return NEXT_STEP.get(application.state, "")


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
