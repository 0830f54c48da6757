"""Encryption at rest for personal identity data (PIPL: sensitive personal information).

Values are encrypted with Fernet (AES-128-CBC + HMAC) under the keys in TONGXIN_FIELD_KEY
(comma-separated; the first encrypts, all decrypt, so keys can be rotated with
`manage.py rotate_field_key`). A keyed blind index (HMAC-SHA256) lets exact look-ups such as
"find the person with this document number" work without decrypting every row.
"""

import functools
import hashlib
import hmac

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models


@functools.cache
def _fernet(keys: str) -> MultiFernet:
    return MultiFernet([Fernet(k.strip().encode()) for k in keys.split(",") if k.strip()])


def fernet() -> MultiFernet:
    return _fernet(settings.TONGXIN_FIELD_KEY)


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return fernet().decrypt(token.encode()).decode()
    except InvalidToken as exc:  # a wrong key must fail loudly, never show cipher text
        raise ValueError("无法解密字段：密钥不匹配。") from exc


def blind_index(value: str) -> str:
    """A stable keyed hash for exact-match look-ups (lower-cased, spaces removed). Empty for empty input."""
    if not value:
        return ""
    primary = settings.TONGXIN_FIELD_KEY.split(",")[0].strip().encode()
    key = hashlib.sha256(b"tongxin-blind-index:" + primary).digest()
    norm = "".join(str(value).split()).upper()
    return hmac.new(key, norm.encode(), hashlib.sha256).hexdigest()


class EncryptedTextField(models.TextField):
    """A text field stored encrypted. Python sees plain text; the database sees a Fernet token.

    Not searchable or sortable in SQL by design; pair it with a blind-index column for exact look-ups.
    """

    def from_db_value(self, value, expression, connection):
        if value is None or value == "":
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return value
        return encrypt(str(value))


def mask(value: str | None, keep_start: int = 3, keep_end: int = 4) -> str:
    """Mask the middle of a value: 13812345678 → 138****5678, H1234567801 → H12****7801."""
    if not value:
        return ""
    value = str(value)
    if len(value) <= keep_start + keep_end:
        return value[:1] + "*" * (len(value) - 1)
    return value[:keep_start] + "*" * 4 + value[-keep_end:]
