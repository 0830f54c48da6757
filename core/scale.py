"""Scale data: the sizes and the shared machinery of `manage.py generate_scale_data`.

Each domain app may have a `scale.py` with `generate(gen)`; the command runs them in `DOMAIN_APPS` order (like
`load_demo` runs the `demo.py` modules), so an app that lands later adds its own generator beside its code and
reads what the apps before it generated from `gen.store`. Rows are bulk-inserted (no per-row save, no history
rows, no notifications) but obey the same rules the services enforce: every database constraint holds, statuses
come with the fields their workflow step sets, search columns are written with the apps' own functions.

The data are deterministic: the same `--seed` and scale give the same rows, dated relative to the day the command
runs (so there are always upcoming activities and replies coming due).
"""

import datetime as dt
import random
import sys
import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import connection
from django.utils import timezone


@dataclass(frozen=True)
class Scale:
    name: str
    label: str
    persons: int
    years: int
    proposals: int
    invitations: int
    bodies: int  # CPPCC bodies (city + districts, or province + cities + districts)
    units: int  # handling departments
    ideas: int
    reports: int
    visits: int
    requests: int


SCALES = {
    s.name: s
    for s in (
        Scale("committee", "一个专门委员会", 120, 2, 300, 6_000, 4, 8, 60, 120, 200, 40),
        Scale("city", "一个市政协", 800, 5, 4_000, 300_000, 12, 30, 600, 2_000, 3_000, 600),
        Scale("national", "全国政协", 2_200, 5, 30_000, 600_000, 12, 60, 3_000, 10_000, 8_000, 2_000),
        Scale(
            "province",
            "一个省及其市、区",
            50_000,
            10,
            300_000,
            5_000_000,
            150,
            120,
            20_000,
            50_000,
            60_000,
            15_000,
        ),
    )
}

BATCH = 2_000


class Progress:
    """A one-line console progress bar: `label [#####.....] 1,200/4,000  3.1 s`."""

    def __init__(self, out, label: str, total: int):
        self.out, self.label, self.total = out, label, max(total, 1)
        self.done = 0
        self.started = time.perf_counter()
        self._last = 0.0
        self._draw(force=True)

    def advance(self, n: int = 1) -> None:
        self.done += n
        self._draw()

    def _draw(self, *, force: bool = False) -> None:
        now = time.perf_counter()
        if not force and now - self._last < 0.2 and self.done < self.total:
            return
        self._last = now
        filled = int(30 * min(self.done, self.total) / self.total)
        line = (
            f"\r  {self.label:<14} [{'#' * filled}{'.' * (30 - filled)}] "
            f"{self.done:,}/{self.total:,}  {now - self.started:.1f} s"
        )
        self.out.write(line, ending="") if hasattr(self.out, "style_func") else self.out.write(line)
        self.out.flush()

    def close(self) -> None:
        self._draw(force=True)
        self.out.write("\n", ending="") if hasattr(self.out, "style_func") else self.out.write("\n")


class Generator:
    """What every app's generator gets: the scale, a seeded random source, `now`, bulk insertion with a
    progress bar, and `store` (what earlier apps generated: bodies, users, persons, proposals …)."""

    def __init__(self, scale: Scale, *, seed: int = 1, out=None):
        self.scale = scale
        self.seed = seed
        self.rng = random.Random(seed)
        self.out = out or sys.stdout
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate()
        self.start = dt.date(self.today.year - scale.years + 1, 1, 1)
        self.store: dict = {}
        self.counts: dict[str, int] = {}

    # -- dates -------------------------------------------------------------------------------------------
    def date_between(self, start: dt.date, end: dt.date) -> dt.date:
        days = max((end - start).days, 0)
        return start + dt.timedelta(days=self.rng.randint(0, days))

    def moment(self, day: dt.date, hour: int | None = None) -> dt.datetime:
        hour = self.rng.randint(9, 17) if hour is None else hour
        naive = dt.datetime.combine(day, dt.time(hour, self.rng.choice((0, 15, 30, 45))))
        return timezone.make_aware(naive)

    def past_moment(self, start: dt.date | None = None) -> dt.datetime:
        return self.moment(self.date_between(start or self.start, self.today - dt.timedelta(days=1)))

    # -- writing -------------------------------------------------------------------------------------------
    def bulk(self, model, objs, *, label: str | None = None, total: int | None = None, keep: bool = True):
        """Insert `objs` (a list, or an iterator with `total` given) in batches with a progress bar. Returns the
        saved objects with their primary keys (SQLite and PostgreSQL) when `keep`, else []. The
        `created_at`/`updated_at` set on the objects are kept (unset ones get `now`)."""
        if total is None:
            objs = list(objs)
            total = len(objs)
        if not total:
            return []
        bar = Progress(self.out, label or str(model._meta.verbose_name), total)
        saved = []
        stamps = [
            n for n in ("created_at", "updated_at") if any(f.name == n for f in model._meta.concrete_fields)
        ]
        with keep_timestamps(model):
            chunk = []
            for obj in objs:
                for name in stamps:
                    if getattr(obj, name) is None:
                        setattr(obj, name, self.now)
                chunk.append(obj)
                if len(chunk) >= BATCH:
                    done = model.objects.bulk_create(chunk, batch_size=BATCH)
                    if keep:
                        saved.extend(done)
                    bar.advance(len(chunk))
                    chunk = []
            if chunk:
                done = model.objects.bulk_create(chunk, batch_size=BATCH)
                if keep:
                    saved.extend(done)
                bar.advance(len(chunk))
        bar.close()
        key = model._meta.label
        self.counts[key] = self.counts.get(key, 0) + bar.done
        return saved

    def rows(self, table: str, columns: list[str], values, *, label: str, total: int | None = None) -> int:
        """Plain INSERTs (executemany) for index tables not worth a model instance per row; `values` may be an
        iterator when `total` is given."""
        if total is None:
            values = list(values)
            total = len(values)
        bar = Progress(self.out, label, total)
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join(['%s'] * len(columns))})"
        chunk = []
        with connection.cursor() as cursor:
            for row in values:
                chunk.append(row)
                if len(chunk) >= 10_000:
                    cursor.executemany(sql, chunk)
                    bar.advance(len(chunk))
                    chunk = []
            if chunk:
                cursor.executemany(sql, chunk)
                bar.advance(len(chunk))
        bar.close()
        self.counts[table] = self.counts.get(table, 0) + bar.done
        return bar.done

    def say(self, text: str) -> None:
        self.out.write(text)


@contextmanager
def keep_timestamps(model):
    """Let bulk inserts keep the `created_at`/`updated_at` set on the objects (the data span years), instead of
    `auto_now`/`auto_now_add` stamping every row with this second."""
    saved = []
    for field in model._meta.concrete_fields:
        if getattr(field, "auto_now", False) or getattr(field, "auto_now_add", False):
            saved.append((field, field.auto_now, field.auto_now_add))
            field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


def spread(rng: random.Random, items: list, weights: list[float], k: int) -> list:
    """k choices from items with weights (deterministic through rng)."""
    return rng.choices(items, weights=weights, k=k)


def generators():
    """The `generate(gen)` functions of the domain apps that have a `scale.py`, in `DOMAIN_APPS` order."""
    import importlib
    import importlib.util

    from django.conf import settings

    found = []
    for app in settings.DOMAIN_APPS:
        if importlib.util.find_spec(f"{app}.scale") is None:
            continue
        module = importlib.import_module(f"{app}.scale")
        if hasattr(module, "generate"):  # core.scale is this machinery, not a generator
            found.append((app, module.generate))
    return found


def generate_all(gen: Generator) -> None:
    """Run every app's generator, each in its own transaction (a failure leaves that app's rows unwritten)."""
    from django.db import transaction
    from django.test.utils import override_settings

    with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
        for app, generate in generators():
            started = time.perf_counter()
            gen.say(f"[{app}]")
            with transaction.atomic():
                generate(gen)
            gen.say(f"  （{time.perf_counter() - started:.1f} s）")
