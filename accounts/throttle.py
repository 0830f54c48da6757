"""Password spraying (one password tried across many accounts from one address): django-axes counts failures
per user name and address; this counts them per address across all user names. Past the limit the address
may not try any account until the window ends. The limit is high enough for an office behind one NAT address
(people mistyping their own passwords), far below what a spray needs."""

from django.conf import settings
from django.core.cache import cache

from core.sensitive import client_ip


def _key(request) -> str:
    return f"accounts.login-failures:{client_ip(request) or '-'}"


def address_blocked(request) -> bool:
    return cache.get(_key(request), 0) >= settings.TONGXIN_LOGIN_FAILURES_PER_ADDRESS


def record_failure(request) -> None:
    key = _key(request)
    cache.add(key, 0, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))  # the window starts here
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=int(settings.AXES_COOLOFF_TIME.total_seconds()))
