from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Subquery
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


def rows_between(rows, bottom: int, top: int, *, ids_first: bool = False):
    """rows[bottom:top]; with `ids_first` (querysets neither grouped nor DISTINCT) read as `… WHERE id IN
    (SELECT id … ORDER BY … LIMIT/OFFSET)` — see `CappedPaginator.page`. The same rows in the same order."""
    if not ids_first or not hasattr(rows, "query") or rows.query.group_by is not None or rows.query.distinct:
        return rows[bottom:top]
    return rows.filter(pk__in=Subquery(rows.values("pk")[bottom:top]))


class CappedPaginator(Paginator):
    """A paginator whose count stops at `COUNT_CAP` (see `capped_count`); `capped` says whether there are more."""

    cap = COUNT_CAP
    capped = False  # set by `count`

    @cached_property
    def count(self) -> int:
        n, self.capped = capped_count(self.object_list, self.cap)
        return n

    def __init__(self, *args, ids_first: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.ids_first = ids_first

    def page(self, number):
        """With `ids_first`, the page's ids are found first (the list's filters and order, no joins), then its
        rows with their related ones: `… WHERE id IN (SELECT id … ORDER BY … LIMIT 20)`. A search matching
        thousands of rows then joins 20 of them, not all of them — which PostgreSQL does when it misjudges how
        many rows a text search matches (9,312 matches estimated as 1 at province scale: 95 → 29 ms).

        The first page reads one row more than it shows before anything is counted: when that row is not
        there, the list fits on one page and its rows are the count (no COUNT query) — a member's invitations,
        a unit's work list, most filtered lists."""
        if _is_first(number):
            size = self.per_page + self.orphans
            rows = list(rows_between(self.object_list, 0, size + 1, ids_first=self.ids_first))
            if len(rows) <= min(size, self.cap):
                self.__dict__["count"], self.capped = len(rows), False
                return self._get_page(rows, 1, self)
            number = self.validate_number(1)  # counts (up to the cap)
            top = self.count if self.per_page + self.orphans >= self.count else self.per_page
            return self._get_page(rows[:top], number, self)
        if not self.ids_first:
            return super().page(number)
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        return self._get_page(rows_between(self.object_list, bottom, top, ids_first=True), number, self)

    @property
    def count_label(self) -> str:
        """ "12" or "超过 10000": what the page says of the total."""
        n = self.count
        return f"超过 {n}" if self.capped else str(n)


def _is_first(number) -> bool:
    try:
        return int(number) == 1
    except (TypeError, ValueError):
        return False


def paginate(request, queryset, per_page: int = 20, *, ids_first: bool = False):
    """A page of the queryset from ?page= (bad or out-of-range numbers fall back to the nearest page);
    `ids_first`: see `CappedPaginator.page`."""
    try:
        size = int(request.GET.get("per_page", per_page))
    except ValueError:
        size = per_page
    if size not in PAGE_SIZES:
        size = per_page
    paginator = CappedPaginator(queryset, size, ids_first=ids_first)
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
