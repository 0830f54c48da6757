"""Telephone numbers of the whole world: parse what people type, store E.164, show it the way people read it.

One place for every door a number comes through (roster import, person form, API, liaison contacts, the
citizen form), built on `phonenumbers` (Google's libphonenumber metadata, kept current upstream):

- `parse_phone("+1 604 555 0123")` → "+16045550123"; "852 9123 4567", "00852 9123 4567", "(853)6612-3456"
  are understood as Hong Kong and Macao numbers (the country code written without "+"); a number without a
  country code is read in the person's region (8 digits in Macao → +853, in Hong Kong → +852) and otherwise as
  a mainland number (11-digit mobiles, landlines with their area code).
- A number the metadata says cannot exist raises `DomainError` with a Chinese message and an example.
- `format_phone(e164)`: mainland numbers in their local form (138 1234 5678), the others internationally
  (+852 9123 4567, +1 604-555-0123) so the reader sees where to call; `mask_phone(e164)` hides the middle digits.
"""

import re
import unicodedata

import phonenumbers
from phonenumbers import NumberParseException, PhoneNumberFormat

from .errors import DomainError

HOME_REGION = "CN"
# Members' regions (members.models.Region values) → the region a number without a country code is read in.
REGION_HINTS = {"hk": "HK", "mo": "MO", "tw": "TW"}
# Country codes people write without "+" or "00" (852 9123 4567): digits after the code for a mobile number.
_BARE_CODES = {"852": (8,), "853": (8,), "886": (9,), "86": (11,)}
_SEPARATORS = re.compile(r"[\s\-.()（）/]+")
HELP = "请写上国家或地区区号，如 +852 9123 4567、+853 6612 3456、+1 604 555 0123；内地号码可直接写，如 138 1234 5678、020 8888 1234"


def _clean(text) -> str:
    return unicodedata.normalize("NFKC", str(text or "")).strip()


def _bare_code(digits: str) -> str | None:
    """ "85291234567" → "+85291234567": a Hong Kong/Macao/Taiwan/mainland code written without "+"."""
    for code, lengths in _BARE_CODES.items():
        if digits.startswith(code) and len(digits) - len(code) in lengths:
            return "+" + digits
    return None


def parse(text, *, region: str = "") -> phonenumbers.PhoneNumber:
    """The parsed number, or DomainError (field "phones") saying what is wrong and how to write it."""
    raw = _clean(text)
    if not raw:
        raise DomainError("请填写电话号码。", field="phones")
    compact = _SEPARATORS.sub("", raw)
    if compact.startswith("00"):
        compact = "+" + compact[2:]
    elif compact.isdigit() and (bare := _bare_code(compact)):
        compact = bare
    if compact.startswith("+"):
        readings = [None]
    else:
        # The person's own region first, then the mainland (a Hong Kong member's mainland mobile), then Hong
        # Kong for a bare 8-digit number (the committee's members write theirs that way).
        readings = list(dict.fromkeys([REGION_HINTS.get(region, HOME_REGION), HOME_REGION, "HK"]))
    first = None
    for default in readings:
        try:
            number = phonenumbers.parse(compact, default)
        except NumberParseException:
            raise DomainError(f"电话号码“{raw}”无法识别：{HELP}。", field="phones") from None
        if phonenumbers.is_valid_number(number):
            return number
        first = first or number
    raise DomainError(
        f"电话号码“{raw}”不是有效的号码（按区号 +{first.country_code} 解读）：{HELP}。", field="phones"
    )


def parse_phone(text, *, region: str = "") -> str:
    """The E.164 form (+85291234567) of a number as people write it; DomainError when it cannot exist."""
    return phonenumbers.format_number(parse(text, region=region), PhoneNumberFormat.E164)


def parse_optional(text, *, region: str = "") -> str:
    """`parse_phone` for an optional field: empty stays empty."""
    return parse_phone(text, region=region) if _clean(text) else ""


def country_code(e164: str) -> str:
    """ "+852" for "+85291234567"."""
    try:
        return f"+{phonenumbers.parse(e164, None).country_code}"
    except NumberParseException:
        return ""


def format_phone(e164: str) -> str:
    """Mainland numbers locally (138 1234 5678), the others internationally (+852 9123 4567); other text as is."""
    if not e164 or not e164.startswith("+"):
        return e164 or ""
    try:
        number = phonenumbers.parse(e164, None)
    except NumberParseException:
        return e164
    if number.country_code == 86:
        return phonenumbers.format_number(number, PhoneNumberFormat.NATIONAL)
    return phonenumbers.format_number(number, PhoneNumberFormat.INTERNATIONAL)


def mask_phone(e164: str) -> str:
    """+852 91****67, 138****5678: the country code and the ends of the number, the middle hidden."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, None) if e164.startswith("+") else None
    except NumberParseException:
        number = None
    national = phonenumbers.national_significant_number(number) if number else re.sub(r"\D", "", e164)
    if len(national) >= 11:
        hidden = national[:3] + "****" + national[-4:]
    elif len(national) >= 6:
        hidden = national[:2] + "****" + national[-2:]
    else:
        hidden = national[:1] + "*" * (len(national) - 1)
    if number is None or number.country_code == 86:
        return hidden
    return f"+{number.country_code} {hidden}"
