"""Roster page and API list at 10 and 1,000 persons; import of a 5,000-row roster (preview, then commit)."""

import time

from bench.support import foundation, measure, page


def _roster(ctx):
    from members.tests.factories import TermFactory, full_person

    orgs, users = foundation(ctx)
    term = ctx.once("members-term", lambda: TermFactory(cppcc=orgs.city))
    rows = []
    have = 0
    for total in (10, 1000):
        for i in range(have, total):
            full_person(orgs, term, n=100_000 + i)
        have = total
        rows.append({"persons": total, "what": "roster page", **page(users["staff"], "/members/")})
        rows.append(
            {
                "persons": total,
                "what": "roster search",
                **page(users["staff"], "/members/?q=mingce&sort=-birth"),
            }
        )
        rows.append({"persons": total, "what": "API list (50)", **page(users["staff"], "/api/v1/members")})
    rows.append(
        {
            "persons": 1000,
            "what": "Excel export (all)",
            **page(users["staff"], "/members/export.xlsx", repeat=3),
        }
    )
    return rows


def _import(ctx):
    from members.importer import analyse, commit
    from members.models import Person
    from members.tests.factories import TermFactory
    from members.tests.rosters import big_roster

    orgs, users = foundation(ctx)
    term = ctx.once("members-term", lambda: TermFactory(cppcc=orgs.city))
    staff = users["staff"]
    data = big_roster(5000)
    started = time.perf_counter()
    analysis = analyse(data, user=staff, term=term, filename="bench.xlsx")
    preview_s = time.perf_counter() - started
    started = time.perf_counter()
    counts = commit(analysis, user=staff, owner_org=orgs.committee)
    commit_s = time.perf_counter() - started
    started = time.perf_counter()
    again = analyse(data, user=staff, term=term, filename="bench.xlsx")
    repreview_s = time.perf_counter() - started
    assert again.counts["unchanged"] == 5000, again.counts
    return [
        {"rows": 5000, "step": "preview (new persons)", "seconds": f"{preview_s:.1f}", "result": counts},
        {"rows": 5000, "step": "commit (bulk insert)", "seconds": f"{commit_s:.1f}", "result": ""},
        {"rows": 5000, "step": "preview + commit", "seconds": f"{preview_s + commit_s:.1f}", "result": ""},
        {
            "rows": 5000,
            "step": "preview again (all unchanged)",
            "seconds": f"{repreview_s:.1f}",
            "result": f"{Person.objects.count()} persons",
        },
    ]


BENCHMARKS = [
    ("roster page, API list and export (staff)", _roster),
    ("import of a 5,000-row roster", _import),
]

__all__ = ["BENCHMARKS", "measure"]
