from datetime import date

from django import template

register = template.Library()


@register.filter
def chinese_date(value) -> str:
    """2026-12-05 -> 2026年12月5日, as a 决定书 writes a date. Snapshots keep dates as ISO strings; anything else
    is shown as it is, so an old or odd snapshot still renders."""
    try:
        day = value if isinstance(value, date) else date.fromisoformat(str(value))
    except ValueError:
        return str(value)
    return f"{day.year}年{day.month}月{day.day}日"
