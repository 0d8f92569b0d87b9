from django import template
from django.utils.translation import gettext as _

from awards.projects.lifecycle import ProjectAction, label_of
from awards.projects.models import ReminderStage

register = template.Library()


@register.simple_tag
def project_event(event) -> str:
    """{% project_event event %}: a project's event in words, in the page's language (a reminder says its stage
    and the date it was about)."""
    if event.action == ProjectAction.REMINDER_SENT:
        stage = ReminderStage(event.data["stage"]).label
        return _("%(what)s: %(stage)s (%(day)s)") % {
            "what": label_of(event.action),
            "stage": stage,
            "day": event.data["due_on"],
        }
    return label_of(event.action)
