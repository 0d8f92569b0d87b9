"""Amounts of money as people type them: one parser for every door (the fact forms, the officer's recommended
amount, payments and clawbacks, the estimate page, the API and the `estimate_award` command).

The rule, in yuan:

- The text is first normalised with Unicode NFKC, so what a Chinese input method types in full-width mode
  means what it shows: "１２３" is 123, "１２３．５" is 123.5. Spaces around the amount are ignored.
- What remains must be ASCII digits, optionally a full stop and at most two decimals (fen): 1250000 or
  1250000.50. At most 14 digits before the point.
- Everything else is refused with a message that says why and what to type: thousands separators ("1,000",
  "１，０００": no door accepted them before this parser, so none does now), the ideographic comma "、" and
  full stop "。", units (元, 万, ¥), spaces between digits, exponents ("1e5"), signs and negative amounts,
  more than two decimals, other scripts' digits.

Whether zero is allowed, or what the amount may not exceed, is the caller's rule.
"""

import re
import unicodedata
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from portal.errors import ErrorCode, PortalError

MAX_WHOLE_DIGITS = 14  # DecimalField(max_digits=16, decimal_places=2): up to 99,999,999,999,999.99 yuan
AMOUNT = re.compile(r"(?P<whole>[0-9]*)(?:\.(?P<fen>[0-9]*))?", re.ASCII)
UNITS = re.compile(r"[万亿千百十元圆块角分¥￥$]|rmb|cny|yuan", re.IGNORECASE)
EXPONENT = re.compile(r"[0-9.]+e[+-]?[0-9]+", re.IGNORECASE | re.ASCII)

INVALID = _("Enter an amount in yuan, such as 1250000 or 1250000.50.")
NEGATIVE = _("An amount cannot be negative.")
SEPARATORS = _("Type the amount without separators between the digits: 1000000, not 1,000,000 or 1、000、000.")
POINT = _("Type the decimal point as “.”, not “。”: 1250000.50.")
UNIT = _("Type the amount in yuan, in digits only, without units such as 元 or 万: 100000, not 10万.")
POWER = _("Type the amount in full, not as a power of ten: 100000, not 1e5.")
SPACES = _("Type the digits without spaces between them: 1000000.")
PLACES = _("Amounts have at most two decimal places (fen).")
TOO_LARGE = _("This amount is too large.")


def _refuse(message, code: str):
    raise ValidationError(message, code=code)


def parse_amount(value) -> Decimal:
    """The amount `value` means (text, int, float from JSON, or Decimal), or ValidationError saying why not."""
    if isinstance(value, bool) or not isinstance(value, str | int | float | Decimal):
        _refuse(INVALID, "invalid")
    if isinstance(value, Decimal):
        value = format(value, "f") if value.is_finite() else "invalid"
    text = unicodedata.normalize("NFKC", str(value)).strip()
    match = AMOUNT.fullmatch(text)
    if match is None or not (match["whole"] or match["fen"]):
        _diagnose(text)
    fen = match["fen"] or ""
    if len(fen.rstrip("0")) > 2:
        _refuse(PLACES, "max_decimal_places")
    if len(match["whole"].lstrip("0")) > MAX_WHOLE_DIGITS:
        _refuse(TOO_LARGE, "max_digits")
    return Decimal(text)


def _diagnose(text: str):
    """The most useful reason a text that is not an amount is refused."""
    if re.fullmatch(r"-\s*[0-9.,]+", text, re.ASCII):
        _refuse(NEGATIVE, "min_value")
    if re.search(r"[,、，]", text):
        _refuse(SEPARATORS, "separators")
    if "。" in text:
        _refuse(POINT, "decimal_point")
    if UNITS.search(text):
        _refuse(UNIT, "unit")
    if EXPONENT.fullmatch(text.lstrip("+")):
        _refuse(POWER, "exponent")
    if re.fullmatch(r"[0-9.]+(\s+[0-9.]+)+", text, re.ASCII):
        _refuse(SPACES, "spaces")
    _refuse(INVALID, "invalid")


def amount_for(value, *, field: str) -> Decimal:
    """`parse_amount` for services: a refusal is a PortalError on `field`."""
    try:
        return parse_amount(value)
    except ValidationError as error:
        raise PortalError(ErrorCode.INVALID, error.messages[0], field=field) from error


class AmountField(forms.Field):
    """A form field for an amount in yuan (`parse_amount`); None when left empty."""

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})

    def to_python(self, value):
        if value in self.empty_values:
            return None
        return parse_amount(value)


class AmountSerializerField(serializers.DecimalField):
    """The API's amount in yuan (`parse_amount`): a decimal string, or a JSON number, as the form takes it."""

    def __init__(self, **kwargs):
        super().__init__(max_digits=MAX_WHOLE_DIGITS + 2, decimal_places=2, **kwargs)

    def to_internal_value(self, data):
        try:
            return parse_amount(data)
        except ValidationError as error:
            raise serializers.ValidationError(error.messages, code=error.code) from error


def yuan(amount: Decimal) -> str:
    """12345678 -> '12,345,678'; keeps fen only where there are some."""
    return f"{amount:,.2f}" if amount != amount.to_integral_value() else f"{amount:,.0f}"
