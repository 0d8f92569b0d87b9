"""One rule for money typed anywhere (portal/amounts.py): full-width digits mean what they show, anything
else that is not plain digits is refused with a message that says what to type."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from portal.amounts import parse_amount

# What each entry point's tests type, and what it must come to: an amount, or the refusal's code.
TYPED = {
    "１２３": Decimal(123),  # a Chinese input method in full-width mode
    "1,000": "separators",
    "1、000": "separators",
    "10万": "unit",
    "1e5": "exponent",
    "-5": "min_value",
    "12.345": "max_decimal_places",
}
REFUSED = [text for text, outcome in TYPED.items() if not isinstance(outcome, Decimal)]


@pytest.mark.parametrize(("typed", "outcome"), TYPED.items())
def test_each_typed_amount_is_read_or_refused_with_its_reason(typed, outcome):
    if isinstance(outcome, Decimal):
        assert parse_amount(typed) == outcome
    else:
        with pytest.raises(ValidationError) as error:
            parse_amount(typed)
        assert error.value.code == outcome


@pytest.mark.parametrize(
    ("typed", "amount"),
    [("１２３４．５０", Decimal("1234.50")), (" 1250000 ", Decimal(1250000)), (1250000, Decimal(1250000)), ("0", 0)],
)
def test_full_width_points_spaces_around_and_json_numbers_are_read(typed, amount):
    assert parse_amount(typed) == amount


@pytest.mark.parametrize(
    "typed", ["１，０００", "1 000", "１２３。５", "¥100", "100元", "+5", "inf", "NaN", "١٢٣", "", True, None, 1e309]
)
def test_anything_else_is_refused(typed):
    with pytest.raises(ValidationError):
        parse_amount(typed)


def refusal(typed, language: str) -> str:
    with translation.override(language), pytest.raises(ValidationError) as error:
        parse_amount(typed)
    with translation.override(language):
        return error.value.messages[0]


def test_the_refusal_says_what_to_type_in_both_languages():
    assert "100000, not 10万" in refusal("10万", "en")
    assert "应输入 100000，而不是 10万" in refusal("10万", "zh-hans")
    assert "1000000, not 1,000,000" in refusal("1、000", "en")
    assert "科学计数法" in refusal("1e5", "zh-hans")
