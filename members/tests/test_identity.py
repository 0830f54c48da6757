"""Identity documents are validated by type; phones and documents are masked the way staff expect."""

import datetime as dt

import pytest

from core.errors import DomainError
from members.dates import parse_loose_date
from members.identity import (
    hkid_check_digit,
    mask_document,
    mask_phone,
    normalise_document,
    normalise_phone,
    residence_check_char,
)


def _residence(prefix="810000", body="19650312001"):
    first = prefix + body
    return first + residence_check_char(first)


@pytest.mark.parametrize(
    "kind,number,canonical",
    [
        ("hrp", "H1234567801", "H1234567801"),
        ("hrp", "m 1234 5678 02", "M1234567802"),
        ("hrp", "Ｈ１２３４５６７８０１", "H1234567801"),  # full-width, as typed on a phone
        ("hrp", "HA1234567", "HA1234567"),  # non-Chinese-national holder: 9 characters
        ("hrp", "MA7654321", "MA7654321"),
        ("residence", _residence(), _residence()),
        ("residence", _residence("820000"), _residence("820000")),
        ("hkid", "A123456(3)", "A123456(3)"),
        ("hkid", "a1234563", "A123456(3)"),
        (
            "hkid",
            f"AB987654({hkid_check_digit('AB', '987654')})",
            f"AB987654({hkid_check_digit('AB', '987654')})",
        ),
        ("moid", "1234567(8)", "1234567(8)"),
        ("moid", "12345678", "1234567(8)"),
        ("passport", "k12345678", "K12345678"),
    ],
)
def test_valid_documents_are_stored_in_one_canonical_form(kind, number, canonical):
    assert normalise_document(kind, number) == canonical


@pytest.mark.parametrize(
    "kind,number,reason",
    [
        ("hrp", "H123456780", "格式不正确"),  # 10 characters
        ("hrp", "X1234567801", "格式不正确"),
        ("hrp", "HB1234567", "格式不正确"),
        ("residence", "110000196503120011", "格式不正确"),  # a mainland ID is not a HK/Macao residence permit
        ("residence", _residence()[:-1] + ("0" if _residence()[-1] != "0" else "1"), "校验位不正确"),
        ("hkid", "A123456(7)", "校验码不正确"),
        ("hkid", "123456(7)", "格式不正确"),
        ("moid", "9234567(8)", "格式不正确"),
        ("passport", "K1", "格式不正确"),
        ("hrp", "", "请填写"),
    ],
)
def test_documents_of_the_wrong_shape_are_refused_in_chinese(kind, number, reason):
    with pytest.raises(DomainError, match=reason):
        normalise_document(kind, number)


@pytest.mark.parametrize(
    "text,region,expected",
    [
        ("+852 9123 4567", "", ("+852", "+85291234567")),
        ("(853) 6612-3456", "", ("+853", "+85366123456")),
        ("00853 6612 3456", "", ("+853", "+85366123456")),
        ("6612 3456", "mo", ("+853", "+85366123456")),
        ("9123 4567", "hk", ("+852", "+85291234567")),
        ("138 1234 5678", "hk", ("+86", "+8613812345678")),
        ("+86 138-1234-5678", "", ("+86", "+8613812345678")),
        ("+1 604 555 0123", "hk", ("+1", "+16045550123")),
    ],
)
def test_phone_numbers_get_their_country_code(text, region, expected):
    assert normalise_phone(text, region) == expected


def test_a_phone_with_letters_is_refused():
    with pytest.raises(DomainError, match="电话号码"):
        normalise_phone("call me")


def test_masks_hide_the_middle():
    assert mask_phone("+8613812345678") == "138****5678"
    assert mask_phone("+85291234567") == "+852 91****67"
    assert mask_document("H1234567801") == "H1234****01"
    assert "567" not in mask_document("A123456(3)")


@pytest.mark.parametrize(
    "value,expected",
    [
        ("1965.03", (dt.date(1965, 3, 1), "m")),
        ("1965年3月", (dt.date(1965, 3, 1), "m")),
        ("1965年3月12日", (dt.date(1965, 3, 12), "d")),
        ("1965-03-12", (dt.date(1965, 3, 12), "d")),
        ("1965/3/12", (dt.date(1965, 3, 12), "d")),
        ("１９６５．０３", (dt.date(1965, 3, 1), "m")),
        (23813, (dt.date(1965, 3, 12), "d")),  # Excel serial date
        (1965.03, (dt.date(1965, 3, 1), "m")),  # "1965.03" typed into a number cell
        (1965.1, (dt.date(1965, 10, 1), "m")),  # "1965.10" loses its zero in a number cell
        ("1965", (dt.date(1965, 1, 1), "y")),
        (dt.datetime(1965, 3, 12, 0, 0), (dt.date(1965, 3, 12), "d")),
        ("", (None, "")),
    ],
)
def test_roster_dates_in_every_common_form(value, expected):
    assert parse_loose_date(value) == expected


@pytest.mark.parametrize(
    "value,reason", [("1965-02-30", "不存在"), ("1965-13", "不存在"), ("明年", "无法识别")]
)
def test_impossible_dates_are_refused_in_chinese(value, reason):
    with pytest.raises(DomainError, match=reason):
        parse_loose_date(value)
