"""A simple human check with no outside service: an addition question whose answer travels only as a keyed
hash, in a signed token that can be used once.

The token holds a random nonce and HMAC(nonce, answer) under the site's secret: reading it (it is only signed,
not encrypted) reveals nothing, and trying the 17 possible answers offline needs the secret. The nonce lives in
the cache until the token is used; the first check consumes it, right or wrong, so a token can be neither
replayed after a success nor tried again after a failure (the form then asks a fresh question). The signature
with a time limit stops a form from inventing its own question; the per-address limit in `throttle` stops
volume.
"""

import secrets

from django.core import signing
from django.core.cache import cache
from django.utils.crypto import constant_time_compare, salted_hmac

_SALT = "ideas.captcha"
MAX_AGE_SECONDS = 2 * 3600


def _digest(nonce: str, answer: int) -> str:
    return salted_hmac(_SALT, f"{nonce}:{answer}").hexdigest()


def _key(nonce: str) -> str:
    return f"{_SALT}:{nonce}"


def new_challenge() -> tuple[str, str]:
    """(question in Chinese, signed token)."""
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    nonce = secrets.token_urlsafe(16)
    cache.set(_key(nonce), 1, MAX_AGE_SECONDS)
    token = signing.dumps({"n": nonce, "h": _digest(nonce, a + b)}, salt=_SALT)
    return f"{a} 加 {b} 等于几？", token


def check(token: str, answer: str) -> bool:
    """Whether `answer` is right for the question of `token`; the token is used up either way."""
    try:
        data = signing.loads(token or "", salt=_SALT, max_age=MAX_AGE_SECONDS)
        nonce, digest = str(data["n"]), str(data["h"])
    except (signing.BadSignature, TypeError, KeyError):
        return False
    if not cache.delete(_key(nonce)):
        return False  # used before, expired, or never issued here
    try:
        given = int(str(answer).strip())
    except (TypeError, ValueError):
        return False
    return constant_time_compare(digest, _digest(nonce, given))
