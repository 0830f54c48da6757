"""Benchmarks of the activities app: inviting 2,000 persons by filter (target: under 5 s), and the list and
attendance pages with many invitees (their query counts are pinned in the tests)."""

import time

from bench.support import foundation, page


def _persons(ctx, n: int):
    def build():
        from members.models import Person, Region, TermRole, TermRoleKind
        from members.tests.factories import TermFactory

        orgs, _ = foundation(ctx)
        # One current term for every benchmark of the run (the members benchmark may have made it already).
        term = ctx.once("members-term", lambda: TermFactory(cppcc=orgs.city))
        regions = [Region.MACAO, Region.HONG_KONG]
        rows = Person.objects.bulk_create(
            [
                Person(
                    owner_org=orgs.committee,
                    name=f"基准委员{i}",
                    region=regions[i % 2],
                    search_text=f"基准委员{i}",
                )
                for i in range(n)
            ]
        )
        TermRole.objects.bulk_create([TermRole(person=p, term=term, role=TermRoleKind.MEMBER) for p in rows])
        return term

    return ctx.once("activities-persons", build)


def _invite_by_filter(ctx):
    from activities import selectors, services
    from activities.tests.factories import ActivityFactory

    orgs, users = foundation(ctx)
    _persons(ctx, 4000)
    staff = users["staff"]
    rows = []
    for region, label in (("mo", "澳门委员（本届）"), ("hk", "香港委员（本届）")):
        activity = ActivityFactory(owner_org=orgs.committee)
        persons, _ = selectors.persons_by_filter(user=staff, params={"region": region, "role": "member"})
        started = time.perf_counter()
        n = services.invitations_create(actor=staff, activity=activity, persons=persons)
        elapsed = time.perf_counter() - started
        rows.append({"filter": label, "invited": n, "seconds": f"{elapsed:.2f}", "target": "< 5 s"})
    ctx.cache["activities-big"] = activity
    return rows


def _pages(ctx):
    from django.urls import reverse

    _orgs, users = foundation(ctx)
    activity = ctx.cache.get("activities-big")
    if activity is None:
        _invite_by_filter(ctx)
        activity = ctx.cache["activities-big"]
    staff = users["staff"]
    return [
        {"page": "活动列表", **page(staff, reverse("activities:list"))},
        {
            "page": "出勤名单（2,000 受邀，每页 100）",
            **page(staff, reverse("activities:attendance", args=[activity.pk])),
        },
        {"page": "活动详情", **page(staff, reverse("activities:detail", args=[activity.pk]))},
    ]


BENCHMARKS = [
    ("invite 2,000 persons by filter (bulk insert + one bulk notification)", _invite_by_filter),
    ("activity list, attendance and detail pages with 2,000 invitees (staff)", _pages),
]
