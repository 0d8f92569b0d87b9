"""Catalogue rows carry both languages side by side (`title_en`, `title_zh`); pick the active one."""

from django.utils import translation


def is_chinese(language: str | None = None) -> bool:
    return (language or translation.get_language() or "zh-hans").startswith("zh")


def localized(obj, field: str, language: str | None = None) -> str:
    """obj.<field>_zh or obj.<field>_en by the active language, falling back to the other one."""
    first, second = ("zh", "en") if is_chinese(language) else ("en", "zh")
    getter = obj.get if isinstance(obj, dict) else lambda name, default="": getattr(obj, name, default)
    return getter(f"{field}_{first}", "") or getter(f"{field}_{second}", "")
