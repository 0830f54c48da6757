"""A simple human check with no outside service: an addition question whose operands travel signed.

The signature (django.core.signing, with a time limit) stops a form from inventing its own question; the
per-address limit in `throttle` stops volume. Together they keep casual bots and floods out.
"""

import secrets

from django.core import signing

_SALT = "ideas.captcha"
MAX_AGE_SECONDS = 2 * 3600


def new_challenge() -> tuple[str, str]:
    """(question in Chinese, signed token)."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    token = signing.dumps({"a": a, "b": b, "n": secrets.token_hex(4)}, salt=_SALT)
    return f"{a} 加 {b} 等于几？", token


def check(token: str, answer: str) -> bool:
    try:
        data = signing.loads(token or "", salt=_SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return False
    try:
        return int(str(answer).strip()) == data["a"] + data["b"]
    except (TypeError, ValueError, KeyError):
        return False
