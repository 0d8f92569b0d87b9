import pytest

from portal.accounts.uscc import make_uscc, read_shanghai_uscc, read_uscc
from portal.errors import ErrorCode, PortalError

PUDONG = make_uscc("91310115MA1FL2AB3")
SHENZHEN = make_uscc("91440300MA5FAB123")


def test_valid_shanghai_code_gives_its_district():
    info = read_shanghai_uscc(PUDONG)
    assert (info.code, info.division, info.in_shanghai, info.district) == (PUDONG, "310115", True, "pudong")


@pytest.mark.parametrize(
    ("division", "district"),
    [
        ("310101", "huangpu"),
        ("310108", "jingan"),
        ("310141", "pudong"),
        ("310151", "chongming"),
        ("310000", "municipal"),
    ],
)
def test_district_follows_the_division_code_including_merged_districts(division, district):
    assert read_uscc(make_uscc(f"91{division}MA1FL2AB3")).district == district


def test_spaces_and_lower_case_are_forgiven():
    assert read_uscc(" " + PUDONG.lower() + " ").code == PUDONG


def test_bad_checksum_is_refused_with_its_own_message():
    wrong = PUDONG[:-1] + ("0" if PUDONG[-1] != "0" else "1")
    with pytest.raises(PortalError) as error:
        read_uscc(wrong)
    assert error.value.code == ErrorCode.USCC_CHECKSUM
    assert "uscc" in error.value.errors


@pytest.mark.parametrize("value", ["", "123", "91310115MA1FL2AB3FF", "91310115MA1FL2ABIF"])
def test_malformed_code_is_refused(value):
    with pytest.raises(PortalError) as error:
        read_uscc(value)
    assert error.value.code in {ErrorCode.USCC_INVALID, ErrorCode.USCC_CHECKSUM}


def test_code_from_outside_shanghai_is_refused():
    assert read_uscc(SHENZHEN).in_shanghai is False
    with pytest.raises(PortalError) as error:
        read_shanghai_uscc(SHENZHEN)
    assert error.value.code == ErrorCode.USCC_NOT_SHANGHAI
    assert "440300" in str(error.value.errors["uscc"][0])
