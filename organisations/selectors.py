from collections.abc import Iterable

from core.text import normalise

from .models import Organisation, OrgKind


def organisation_list(
    *,
    user,
    q: str = "",
    kind: str = "",
    level: str = "",
    parent_id: int | None = None,
    handling_units: bool = False,
):
    """Visible organisations, filtered; `q` matches full name, short name or alias in either script."""
    qs = Organisation.objects.visible_to(user).select_related("parent")
    if q:
        qs = qs.filter(search_text__contains=normalise(q))
    if kind:
        qs = qs.filter(kind=kind)
    if level:
        qs = qs.filter(level=level)
    if parent_id:
        qs = qs.filter(parent_id=parent_id)
    if handling_units:
        qs = qs.filter(is_handling_unit=True)
    return qs.order_by("path")


def organisation_by_name(name: str) -> Organisation | None:
    """Find a body by full name, short name or alias, in either script (used by importers and demo data)."""
    norm = normalise(name)
    if not norm:
        return None
    for org in Organisation.objects.filter(search_text__contains=norm):
        names = org.search_text.split("|")
        if norm in names:
            return org
    return None


def organisation_search(
    user, q: str = "", *, handling_units: bool = False, kinds: Iterable[str] = (), limit: int = 20
):
    """Active bodies the user may see whose names contain `q` (any script), handling units only when asked,
    of the given `kinds` only when given (unknown kinds are ignored); at most `limit`, in tree order (a
    picker's answer)."""
    qs = Organisation.objects.visible_to(user).filter(is_active=True)
    if q and normalise(q):
        qs = qs.filter(search_text__contains=normalise(q))
    if handling_units:
        qs = qs.filter(is_handling_unit=True)
    kinds = [k for k in kinds if k in OrgKind.values]
    if kinds:
        qs = qs.filter(kind__in=kinds)
    return qs.order_by("path")[:limit]
