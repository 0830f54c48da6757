"""Benchmarks of the visits app: the coverage page for 2,000 members and advisors (target: under 300 ms on
SQLite; its query count is pinned in the tests), and the request list. A committee of its own keeps the
numbers independent of other apps' benchmark data."""

import datetime as dt

from django.utils import timezone

from bench.support import foundation, page


def _committee(ctx, n_persons: int, visits_per_person: float):
    def build():
        from accounts.tests.factories import UserFactory
        from core.roles import Role
        from members.models import Person
        from organisations.tests.factories import OrganisationFactory
        from visits.models import Visit, VisitPerson, VisitVisitor

        orgs, _ = foundation(ctx)
        committee = OrganisationFactory(name=f"基准走访专委会{n_persons}", kind="committee", parent=orgs.city)
        leaders = [
            UserFactory(
                username=f"bench-visit-leader{n_persons}-{i}", role=Role.LEADER, organisation=committee
            )
            for i in range(4)
        ]
        persons = Person.objects.bulk_create(
            [
                Person(owner_org=committee, name=f"走访基准{i}", search_text=f"走访基准{i}")
                for i in range(n_persons)
            ]
        )
        n_visits = int(n_persons * visits_per_person)
        year = timezone.localdate().year
        visits = Visit.objects.bulk_create(
            [
                Visit(
                    owner_org=committee,
                    status="done",
                    date=dt.date(year - (i % 3 == 0), 1 + i % 12, 1 + i % 28),
                    mode="phone",
                )
                for i in range(n_visits)
            ]
        )
        # Every visit sees one person; one person in ten is never visited.
        visitable = [p for i, p in enumerate(persons) if i % 10]
        VisitPerson.objects.bulk_create(
            [VisitPerson(visit=v, person=visitable[i % len(visitable)]) for i, v in enumerate(visits)]
        )
        VisitVisitor.objects.bulk_create(
            [VisitVisitor(visit=v, user=leaders[i % 4]) for i, v in enumerate(visits)]
        )
        return leaders[0]

    return ctx.once(f"visits-committee-{n_persons}", build)


def _coverage(ctx):
    rows = []
    for n in (200, 2000):
        leader = _committee(ctx, n, 1.5)
        rows.append({"persons": n, "visits": int(n * 1.5), **page(leader, "/visits/coverage/")})
        rows.append(
            {"persons": n, "visits": "overdue list", **page(leader, "/visits/coverage/?show=overdue")}
        )
    return rows


def _lists(ctx):
    leader = _committee(ctx, 2000, 1.5)
    return [
        {"page": "visit list", **page(leader, "/visits/")},
        {"page": "yearly plan (none yet)", **page(leader, "/visits/plan/")},
    ]


BENCHMARKS = [("coverage page (leader)", _coverage), ("visit list (3,000 visits)", _lists)]
