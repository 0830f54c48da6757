from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.utils.functional import cached_property

PAGE_SIZES = (20, 50, 100)
# Lists count their rows up to this many: counting every visible row of a province (300,000 proposals, 50,000
# persons) costs a second on PostgreSQL and tells the user nothing a filter would not. Beyond it the page says
# "超过 10000 条" and offers the first COUNT_CAP rows' pages; exports still hold every row.
COUNT_CAP = 10_000


def capped_count(rows, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """(count, capped): the rows counted up to `cap` (`SELECT COUNT(*) FROM (… LIMIT cap + 1)`: the database stops
    reading there), and whether there are more. The one counting rule of the pages (`CappedPaginator`) and the
    API (`core.api.CappedLimitOffsetPagination`). Lists (not querysets) count exactly."""
    if not hasattr(rows, "query"):
        return len(rows), False
    n = _capped(rows, cap).count()
    return min(n, cap), n > cap


async def acapped_count(rows, cap: int = COUNT_CAP) -> tuple[int, bool]:
    """`capped_count` for async callers."""
    if not hasattr(rows, "query"):
        return len(rows), False
    n = await _capped(rows, cap).acount()
    return min(n, cap), n > cap


def _capped(rows, cap: int):
    rows = rows.order_by()
    if rows.query.group_by is None:
        # Only the ids in the counted subquery: a list's annotations (an activity's attendance figures are
        # correlated subqueries) would otherwise be computed for every counted row. A grouped list (per
        # person figures) keeps its grouping: its rows are the groups.
        rows = rows.values("pk")
    return rows[: cap + 1]


class CappedPaginator(Paginator):
    """A paginator whose count stops at `COUNT_CAP` (see `capped_count`); `capped` says whether there are more."""

    cap = COUNT_CAP
    capped = False  # set by `count`

    @cached_property
    def count(self) -> int:
        n, self.capped = capped_count(self.object_list, self.cap)
        return n

    @property
    def count_label(self) -> str:
        """ "12" or "超过 10000": what the page says of the total."""
        n = self.count
        return f"超过 {n}" if self.capped else str(n)


def paginate(request, queryset, per_page: int = 20):
    """A page of the queryset from ?page= (bad or out-of-range numbers fall back to the nearest page)."""
    try:
        size = int(request.GET.get("per_page", per_page))
    except ValueError:
        size = per_page
    if size not in PAGE_SIZES:
        size = per_page
    paginator = CappedPaginator(queryset, size)
    number = request.GET.get("page", 1)
    try:
        return paginator.page(number)
    except PageNotAnInteger:
        return paginator.page(1)
    except EmptyPage:
        return paginator.page(paginator.num_pages)


def query_without_page(request) -> str:
    """The current query string without `page`, for pagination links that keep filters and sorting."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()
