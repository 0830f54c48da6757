from django.core.cache import cache
from django.db import transaction

from .models import Notification

# The unread badge is on every page: counted once and kept in the cache (Redis when scaled out) until a
# notification of the user is written, read or erased (`forget_unread`), at most UNREAD_SECONDS.
UNREAD_SECONDS = 300


def _unread_key(user_id) -> str:
    return f"notifications:unread:{user_id}"


def unread_count(user) -> int:
    key = _unread_key(user.pk)
    n = cache.get(key)
    if n is None:
        n = Notification.objects.filter(recipient=user, read_at__isnull=True).count()
        cache.set(key, n, UNREAD_SECONDS)
    return n


def forget_unread(user_ids) -> None:
    """The badge of these users is counted again: now, and once more when the transaction commits (a request
    reading in between would keep the count from before the change)."""
    keys = [_unread_key(pk) for pk in user_ids]
    if keys:
        cache.delete_many(keys)
        transaction.on_commit(lambda: cache.delete_many(keys))


def notifications_for(user, *, unread_only: bool = False):
    qs = Notification.objects.filter(recipient=user)
    return qs.filter(read_at__isnull=True) if unread_only else qs
