"""Work queues on the home page (the `home_sections` hook): what waits for the user now, as rows, oldest first.

Each app builds its own queues from its selectors and renders them with `queue_section`, so every queue on every
home page looks and behaves the same: at most `QUEUE_ROWS` rows, each one click from its action, and a link
"全部 N 项" to the filtered list page when there are more.
"""

import datetime as dt
from dataclasses import dataclass, field

from django.template.loader import render_to_string
from django.utils import timezone

QUEUE_ROWS = 10
DUE_SOON_DAYS = 14  # a deadline within two weeks is marked 临期


@dataclass
class Row:
    """One row: what it is (`title`, linking to the page where the action is), a short `meta` line, the date
    it has waited since or is due by, a mark (临期/逾期 …) with its tag class, and the action's label."""

    title: str
    url: str
    meta: str = ""
    date: dt.date | dt.datetime | None = None
    date_label: str = ""
    mark: str = ""
    mark_class: str = ""
    action: str = ""
    due: dt.date | None = None  # a deadline: shown as the date, with its 临期/逾期 mark
    extra: dict = field(default_factory=dict)

    def __post_init__(self):
        if self.due is not None:
            self.date = self.due
            self.mark, self.mark_class = due_mark(self.due)


def due_mark(due: dt.date | None, today: dt.date | None = None) -> tuple[str, str]:
    """(mark, tag class) of a deadline: 逾期 when passed, 临期 within `DUE_SOON_DAYS`, else nothing."""
    if due is None:
        return "", ""
    today = today or timezone.localdate()
    if due < today:
        return "逾期", "bad"
    if due <= today + dt.timedelta(days=DUE_SOON_DAYS):
        return "临期", "warn"
    return "", ""


def take(qs, limit: int = QUEUE_ROWS) -> tuple[list, int]:
    """The first `limit` objects and the total: one query when everything fits, a COUNT only when it does not."""
    items = list(qs[: limit + 1])
    if len(items) <= limit:
        return items, len(items)
    return items[:limit], qs.count()


def queue_section(
    request,
    *,
    title: str,
    rows: list[Row],
    total: int,
    more_url: str = "",
    order: int = 50,
    template: str = "core/_queue.html",
    context: dict | None = None,
) -> dict:
    """One `home_sections` entry: the queue rendered with `template` (the shared list by default)."""
    html = render_to_string(
        template,
        {"rows": rows, "total": total, "more_url": more_url, "title": title, **(context or {})},
        request=request,
    )
    return {"title": f"{title}（{total}）", "html": html, "order": order}


def queue(request, qs, row=None, *, title: str, more_url: str = "", order: int = 50, **kwargs) -> list[dict]:
    """The `home_sections` entries of one queue: none when nothing waits, else one section whose rows are
    `row(obj)` for the first `QUEUE_ROWS` objects of `qs` (the objects themselves when `row` is None, for a
    queue with its own template)."""
    items, total = take(qs)
    if not items:
        return []
    rows = [row(obj) for obj in items] if row else items
    return [
        queue_section(request, title=title, rows=rows, total=total, more_url=more_url, order=order, **kwargs)
    ]
