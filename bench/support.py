"""Helpers for benchmarks: time a page or a function (median of N runs), count its queries, peak memory."""

import statistics
import time
import tracemalloc

from django.db import connection, reset_queries
from django.test import Client
from django.test.utils import CaptureQueriesContext


class Context:
    """Shared state between benchmarks (e.g. the organisation tree and users, built once)."""

    def __init__(self):
        self.cache = {}

    def once(self, key, build):
        if key not in self.cache:
            self.cache[key] = build()
        return self.cache[key]


def measure(fn, *, repeat: int = 5) -> dict:
    """Median and max milliseconds, queries of the last run and peak Python memory (KiB) of `fn()`."""
    times = []
    queries = 0
    peak = 0
    for i in range(repeat):
        reset_queries()
        if i == repeat - 1:
            tracemalloc.start()
        with CaptureQueriesContext(connection) as ctx:
            started = time.perf_counter()
            fn()
            times.append((time.perf_counter() - started) * 1000)
        if i == repeat - 1:
            peak = tracemalloc.get_traced_memory()[1] // 1024
            tracemalloc.stop()
        queries = len(ctx.captured_queries)
    return {
        "median ms": f"{statistics.median(times):.1f}",
        "max ms": f"{max(times):.1f}",
        "queries": queries,
        "peak KiB": peak,
    }


def page(user, url: str, *, repeat: int = 5) -> dict:
    """Measure GET `url` as `user` (logged in once, outside the timing)."""
    client = Client()
    client.force_login(user)
    first = client.get(url)
    assert first.status_code == 200, (url, first.status_code)
    return measure(lambda: client.get(url), repeat=repeat)


def foundation(ctx):
    """The organisation tree and one user per role, shared by every app's benchmarks."""

    def build():
        from accounts.tests.factories import users_for
        from organisations.tests.factories import org_tree

        orgs = org_tree()
        return orgs, users_for(orgs)

    return ctx.once("foundation", build)
