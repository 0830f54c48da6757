"""core.phones: numbers of every country read as people write them, stored in E.164, shown as people read them."""

import pytest

from core.errors import DomainError
from core.phones import country_code, format_phone, mask_phone, parse_optional, parse_phone


@pytest.mark.parametrize(
    "text,region,e164",
    [
        ("+1 604 555 0123", "", "+16045550123"),  # an advisor in Vancouver
        ("+44 20 7946 0018", "hk", "+442079460018"),
        ("85291234568", "", "+85291234568"),  # the country code written without "+": not a mainland number
        ("853 6612 3456", "", "+85366123456"),
        ("00852 9123 4567", "", "+85291234567"),
        ("(853)6612-3456", "", "+85366123456"),
        ("＋８５２ ９１２３ ４５６７", "", "+85291234567"),  # full-width
        ("13812345678", "", "+8613812345678"),  # 11-digit mainland mobile
        ("138 1234 5678", "hk", "+8613812345678"),  # a Hong Kong member's mainland mobile
        ("020-8888 1234", "", "+862088881234"),  # a Guangzhou landline
        ("6612 3456", "mo", "+85366123456"),  # eight digits of a Macao member
        ("9123 4567", "", "+85291234567"),  # eight digits, no region: Hong Kong
        ("0912 345 678", "tw", "+886912345678"),
    ],
)
def test_numbers_of_every_country_are_stored_in_e164(text, region, e164):
    assert parse_phone(text, region=region) == e164


@pytest.mark.parametrize("text", ["+86 85291234568", "123", "+852 1234", "+1 555 0123"])
def test_a_number_that_cannot_exist_is_refused_with_a_chinese_message_and_an_example(text):
    with pytest.raises(DomainError) as exc:
        parse_phone(text)
    assert f"电话号码“{text}”不是有效的号码" in exc.value.message and "+1 604 555 0123" in exc.value.message
    assert exc.value.field == "phones"


def test_text_that_is_no_number_is_refused_and_empty_optional_stays_empty():
    with pytest.raises(DomainError, match="电话号码“call me”无法识别"):
        parse_phone("call me")
    with pytest.raises(DomainError, match="请填写电话号码"):
        parse_phone("  ")
    assert parse_optional("") == ""


def test_display_is_local_for_the_mainland_and_international_elsewhere():
    assert format_phone("+8613812345678") == "138 1234 5678"
    assert format_phone("+862088881234") == "020 8888 1234"
    assert format_phone("+85291234567") == "+852 9123 4567"
    assert format_phone("+16045550123") == "+1 604-555-0123"
    assert format_phone("13812345678") == "13812345678"  # stored before E.164: shown as written
    assert country_code("+16045550123") == "+1"


def test_masks_keep_the_country_code_and_hide_the_middle():
    assert mask_phone("+8613812345678") == "138****5678"
    assert mask_phone("+85291234567") == "+852 91****67"
    assert mask_phone("+16045550123") == "+1 60****23"
    assert "1234" not in mask_phone("+85291234567")


def test_every_shown_form_reads_back_to_the_same_number():
    for e164 in ("+8613812345678", "+85291234567", "+85366123456", "+16045550123", "+442079460018"):
        assert parse_phone(format_phone(e164)) == e164
