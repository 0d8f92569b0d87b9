from decimal import Decimal

from django import template

from portal.amounts import yuan as _yuan
from portal.bilingual import localized

register = template.Library()


@register.simple_tag
def loc(obj, field: str) -> str:
    """{% loc program "title" %}: the field in the active language."""
    return localized(obj, field)


@register.filter
def yuan(amount) -> str:
    """12345678 or "12345678.00" -> "12,345,678"."""
    if amount in (None, ""):
        return ""
    return _yuan(amount if isinstance(amount, Decimal) else Decimal(str(amount)))


@register.filter
def sub(a, b):
    """{{ award.amount|sub:award.paid }}"""
    return Decimal(str(a)) - Decimal(str(b))


@register.filter
def minutes(duration) -> int:
    """A timedelta as whole minutes, rounded up (the lockout page's wait)."""
    return -(-int(duration.total_seconds()) // 60)
