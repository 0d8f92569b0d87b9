from django import template

from applications.workflow import label_of
from awards.models import EntryState

register = template.Library()


@register.filter
def entry_event_label(event) -> str:
    """What happened to a register entry, in words, and the state it moved to (a recorded fact moves nothing)."""
    if event.to_state and event.to_state != event.from_state:
        return f"{label_of(event.action)} → {EntryState(event.to_state).label}"
    return label_of(event.action)
