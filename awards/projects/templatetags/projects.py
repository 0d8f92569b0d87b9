from django import template

from awards.projects.lifecycle import label_of

register = template.Library()


@register.simple_tag
def project_event(event) -> str:
    """{% project_event event %}: a project's event in words (its step's label; a reminder says what was due)."""
    what = event.data.get("what")
    return f"{label_of(event.action)}: {what}" if what else label_of(event.action)
