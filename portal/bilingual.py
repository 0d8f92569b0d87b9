"""Both languages: catalogue rows carry them side by side (`title_en`, `title_zh`), pick the active one;
e-mails carry them one after the other, Chinese first."""

from django.template.loader import render_to_string
from django.utils import translation

from portal.template_enums import REGISTERED

EMAIL_SEPARATOR = "\n\n----------------------------------------\n\n"


def is_chinese(language: str | None = None) -> bool:
    return (language or translation.get_language() or "zh-hans").startswith("zh")


def localized(obj, field: str, language: str | None = None) -> str:
    """obj.<field>_zh or obj.<field>_en by the active language, falling back to the other one."""
    first, second = ("zh", "en") if is_chinese(language) else ("en", "zh")
    getter = obj.get if isinstance(obj, dict) else lambda name, default="": getattr(obj, name, default)
    return getter(f"{field}_{first}", "") or getter(f"{field}_{second}", "")


def render_bilingual_email(subject_template: str, body_template: str, context: dict) -> tuple[str, str]:
    """(subject, body) of an e-mail: the Chinese text first, then the English one, from the same context, which
    also holds the enums the templates compare with (no request, so no context processor)."""
    context = {**REGISTERED, **context}
    subjects, parts = [], []
    for language in ("zh-hans", "en"):
        with translation.override(language):
            subjects.append(render_to_string(subject_template, context).strip())
            parts.append(render_to_string(body_template, context).strip())
    # One line whatever a name or title holds: a line break in a header makes Django refuse to send the mail.
    return " ".join(" / ".join(subjects).split()), EMAIL_SEPARATOR.join(parts)
