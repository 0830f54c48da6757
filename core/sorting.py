"""Sorting of list pages from `?sort=field` / `?sort=-field`, limited to the columns a page allows."""


def apply_sort(queryset, request, allowed: dict[str, str | tuple[str, ...]], default: str):
    """Order `queryset` by the requested column if allowed, else by `default`. Returns (queryset, sort key).

    `allowed` maps a public sort key to the ORM ordering (a field or a tuple of fields); a leading "-" in the
    request reverses every field of it. Unknown keys fall back to the default (never an error, never raw input
    in ORDER BY).
    """
    key = request.GET.get("sort", "") or default
    descending = key.startswith("-")
    name = key.lstrip("-")
    if name not in allowed:
        key, descending, name = default, default.startswith("-"), default.lstrip("-")
    fields = allowed[name]
    fields = (fields,) if isinstance(fields, str) else fields
    ordering = [(_flip(f) if descending else f) for f in fields]
    return queryset.order_by(*ordering, "pk"), key


def _flip(field: str) -> str:
    return field[1:] if field.startswith("-") else "-" + field
