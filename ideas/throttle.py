"""Per-address limits on the public idea form (Django cache; shared across processes when Redis is configured)."""

from django.conf import settings
from django.core.cache import cache

# At most this many ideas per address per window; more is a flood, refused before anything is written.
LIMIT = getattr(settings, "IDEAS_SUBMIT_LIMIT", 3)
WINDOW_SECONDS = getattr(settings, "IDEAS_SUBMIT_WINDOW", 3600)


def _key(ip: str | None) -> str:
    return f"ideas:submit:{ip or 'unknown'}"


def is_flooding(ip: str | None) -> bool:
    return cache.get(_key(ip), 0) >= LIMIT


def record_submission(ip: str | None) -> None:
    key = _key(ip)
    if not cache.add(key, 1, timeout=WINDOW_SECONDS):
        try:
            cache.incr(key)
        except ValueError:  # expired between add and incr
            cache.add(key, 1, timeout=WINDOW_SECONDS)
