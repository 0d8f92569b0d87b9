"""The unified social credit code: validation (python-stdnum) and what the code says about the holder."""

from dataclasses import dataclass

from django.utils.translation import gettext as _
from stdnum import exceptions as stdnum_errors
from stdnum.cn import uscc

from portal.accounts.districts import SHANGHAI_PREFIX, district_for_division
from portal.errors import ErrorCode, PortalError


@dataclass(frozen=True)
class UsccInfo:
    code: str
    division: str
    in_shanghai: bool
    district: str | None


def read_uscc(value: str, *, field: str = "uscc") -> UsccInfo:
    """Validate a USCC and derive where the holder is registered. Raises PortalError."""
    try:
        code = uscc.validate(value or "")
    except stdnum_errors.InvalidChecksum:
        raise PortalError(
            ErrorCode.USCC_CHECKSUM,
            _("The check character of this unified social credit code is wrong; please check the code."),
            field=field,
        ) from None
    except stdnum_errors.ValidationError:
        raise PortalError(
            ErrorCode.USCC_INVALID,
            _("A unified social credit code has 18 digits or capital letters (not I, O, Z, S or V)."),
            field=field,
        ) from None
    division = code[2:8]
    in_shanghai = division.startswith(SHANGHAI_PREFIX)
    return UsccInfo(code, division, in_shanghai, district_for_division(division) if in_shanghai else None)


def read_shanghai_uscc(value: str, *, field: str = "uscc") -> UsccInfo:
    """As read_uscc, and refuse an organisation registered outside Shanghai."""
    info = read_uscc(value, field=field)
    if not info.in_shanghai:
        raise PortalError(
            ErrorCode.USCC_NOT_SHANGHAI,
            _(
                "This code was issued in division %(division)s, outside Shanghai. Only organisations "
                "registered in Shanghai can apply."
            )
            % {"division": info.division},
            field=field,
        )
    return info


def make_uscc(body: str) -> str:
    """Append the check character to a 17-character body (demo data and tests)."""
    return body + uscc.calc_check_digit(body)
