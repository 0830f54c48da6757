"""Reads of accounts that shape queries: the leaders a key proposal's supervisors are chosen from."""

from core.pickers import name_contains
from core.roles import Role

from .models import User


def active_leaders():
    """Every active leader account: whom a key proposal may name as supervisor (督办领导)."""
    return User.objects.filter(role=Role.LEADER, is_active=True).select_related("organisation")


def leader_search(q: str = "", *, limit: int = 20):
    """Active leaders whose name or username contains `q`, typed in Simplified or Traditional (names are stored
    as written, in either), sorted by name, at most `limit` (a picker's answer)."""
    qs = active_leaders().filter(name_contains(q, "full_name", "username"))
    return qs.order_by("full_name", "username", "pk")[:limit]


def leader_label(user: User) -> str:
    """A leader as a picker shows them: name and body."""
    org = user.organisation
    return f"{user.display_name}（{org.display_name}）" if org else user.display_name
