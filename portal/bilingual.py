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


LANGUAGES = ("zh-hans", "en")


def render_in_languages(subject_template: str, body_template: str, context: dict) -> dict[str, tuple[str, str]]:
    """{language: (subject, body)} from the same context, which also holds the enums the templates compare with
    (no request, so no context processor). A subject is one line whatever a name or title holds."""
    context = {**REGISTERED, **context}
    texts = {}
    for language in LANGUAGES:
        with translation.override(language):
            subject = " ".join(render_to_string(subject_template, context).split())
            texts[language] = (subject, render_to_string(body_template, context).strip())
    return texts


def bilingual_email(texts: dict[str, tuple[str, str]]) -> tuple[str, str]:
    """(subject, body) of an e-mail: the Chinese text first, then the English one. One line of subject: a line
    break in a header makes Django refuse to send the mail."""
    subjects = [texts[language][0] for language in LANGUAGES]
    return " ".join(" / ".join(subjects).split()), EMAIL_SEPARATOR.join(texts[language][1] for language in LANGUAGES)


def render_bilingual_email(subject_template: str, body_template: str, context: dict) -> tuple[str, str]:
    """(subject, body) of an e-mail, rendered in Chinese and in English from the same context."""
    return bilingual_email(render_in_languages(subject_template, body_template, context))
