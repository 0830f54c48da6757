"""Shapes of identity documents and phone numbers (the phones through core.phones), their canonical forms and their masks.

Validation is by document type (DOMAIN.md): Home Return Permit H/M + 8 digits + 2-digit renewal count
(11 characters) or HA/MA + 7 digits for non-Chinese nationals; residence permit 18 characters starting
810000/820000 with the GB 11643 check character; Hong Kong ID with its check digit; Macao ID 1234567(8).
"""

import re
import unicodedata

from core import phones
from core.errors import DomainError

from .models import DocumentKind

_HRP = re.compile(r"^[HM]\d{10}$")
_HRP_FOREIGN = re.compile(r"^(HA|MA)\d{7}$")
_RESIDENCE = re.compile(r"^(810000|820000)\d{11}[\dX]$")
_HKID = re.compile(r"^([A-Z]{1,2})(\d{6})\(?([\dA])\)?$")
_MOID = re.compile(r"^([157]\d{6})\(?(\d)\)?$")
_PASSPORT = re.compile(r"^[A-Z0-9]{5,20}$")


def clean(text) -> str:
    """Half-width, upper-case, no spaces: what people type (Ｈ１２３ ４５…) becomes comparable."""
    text = unicodedata.normalize("NFKC", str(text or ""))
    text = text.replace("（", "(").replace("）", ")")
    return re.sub(r"[\s\-]+", "", text).upper()


def hkid_check_digit(prefix: str, digits: str) -> str:
    letters = prefix.rjust(2, " ")
    values = [36 if c == " " else ord(c) - 55 for c in letters] + [int(d) for d in digits]
    total = sum(v * w for v, w in zip(values, range(9, 1, -1), strict=True))
    check = (11 - total % 11) % 11
    return "A" if check == 10 else str(check)


def residence_check_char(first17: str) -> str:
    weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2]
    total = sum(int(c) * w for c, w in zip(first17, weights, strict=True))
    return "10X98765432"[total % 11]


_EXAMPLES = {
    DocumentKind.HOME_RETURN_PERMIT: "H 或 M 加 10 位数字（如 H1234567801），外籍持证人为 HA/MA 加 7 位数字",
    DocumentKind.RESIDENCE_PERMIT: "18 位，以 810000（香港）或 820000（澳门）开头",
    DocumentKind.HKID: "如 A123456(3)，括号内为校验码",
    DocumentKind.MACAO_ID: "如 1234567(8)",
    DocumentKind.PASSPORT: "5 至 20 位字母或数字",
}


def normalise_document(kind: str, number) -> str:
    """The canonical form of a document number, or DomainError naming the expected shape."""
    raw = clean(number)
    label = DocumentKind(kind).label if kind in DocumentKind.values else "证件"
    if kind not in DocumentKind.values:
        raise DomainError("证件类型不正确。", field="document_kind")
    if not raw:
        raise DomainError(f"请填写{label}号码。", field="document_number")
    bad = DomainError(f"{label}号码“{number}”格式不正确：应为{_EXAMPLES[kind]}。", field="document_number")
    if kind == DocumentKind.HOME_RETURN_PERMIT:
        if _HRP.match(raw) or _HRP_FOREIGN.match(raw):
            return raw
        raise bad
    if kind == DocumentKind.RESIDENCE_PERMIT:
        if not _RESIDENCE.match(raw):
            raise bad
        if residence_check_char(raw[:17]) != raw[17]:
            raise DomainError(f"{label}号码“{number}”的校验位不正确，请核对。", field="document_number")
        return raw
    if kind == DocumentKind.HKID:
        m = _HKID.match(raw)
        if not m:
            raise bad
        prefix, digits, check = m.groups()
        if hkid_check_digit(prefix, digits) != check:
            raise DomainError(f"{label}号码“{number}”的校验码不正确，请核对。", field="document_number")
        return f"{prefix}{digits}({check})"
    if kind == DocumentKind.MACAO_ID:
        m = _MOID.match(raw)
        if not m:
            raise bad
        return f"{m.group(1)}({m.group(2)})"
    if not _PASSPORT.match(raw):
        raise bad
    return raw


def guess_document_kind(number) -> str | None:
    """The document type a bare number most likely is (used by the importer when no type column exists)."""
    raw = clean(number)
    if _HRP.match(raw) or _HRP_FOREIGN.match(raw):
        return DocumentKind.HOME_RETURN_PERMIT
    if _RESIDENCE.match(raw):
        return DocumentKind.RESIDENCE_PERMIT
    if _HKID.match(raw):
        return DocumentKind.HKID
    if _MOID.match(raw):
        return DocumentKind.MACAO_ID
    return None


def normalise_phone(text, region: str = "") -> tuple[str, str]:
    """(country code, E.164) of a phone number as people write it, read in the person's region (core.phones)."""
    e164 = phones.parse_phone(text, region=region)
    return phones.country_code(e164), e164


mask_phone = phones.mask_phone


def mask_document(number: str) -> str:
    """H1234****01 for a Home Return Permit; the middle hidden for every other type."""
    if not number:
        return ""
    if len(number) >= 11:
        return number[:5] + "****" + number[-2:]
    if len(number) >= 7:
        return number[:2] + "****" + number[-2:]
    return number[:1] + "*" * (len(number) - 1)


def mask_address(address: str) -> str:
    """Keep the first six characters (the district) and hide the rest."""
    if not address:
        return ""
    return address[:6] + "****" if len(address) > 6 else address[:1] + "****"
