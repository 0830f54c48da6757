"""The leaders' overview for a committee of 2,000 members and advisors (target: under 300 ms on SQLite; its
query count is pinned flat in the tests), its panel of persons below the minimums (loaded after the page: it
scores every person), and the work summary draft (page and Word). A committee of its own, with a year of every kind of record:
20 activities × 2,000 invitations, 1,000 proposals (assigned, replied, rated, some adopted), 600 public-opinion
reports, 400 requests, 3,000 visits."""

import datetime as dt

from django.utils import timezone

from bench.support import foundation, page

YEAR = timezone.localdate().year - 1  # imported by bench/run.py after django.setup()


def _committee(ctx, n_persons: int):
    def build():
        from accounts.tests.factories import UserFactory
        from activities.models import Activity, Invitation
        from activities.tests.factories import KindFactory
        from core.roles import Role
        from members.models import Person
        from opinions.models import OpinionReport
        from organisations.tests.factories import OrganisationFactory
        from proposals.models import Assignment, Outcome, Proposal, Rating, Reply
        from visits.models import Request, Visit, VisitPerson, VisitVisitor

        orgs, _ = foundation(ctx)
        committee = OrganisationFactory(name=f"基准总览专委会{n_persons}", kind="committee", parent=orgs.city)
        leader = UserFactory(
            username=f"bench-overview-leader{n_persons}", role=Role.LEADER, organisation=committee
        )
        units = [
            OrganisationFactory(name=f"基准总览承办单位{n_persons}-{i}", is_handling_unit=True)
            for i in range(15)
        ]
        regions = ["hk", "mo", "overseas", "tw"]
        persons = Person.objects.bulk_create(
            [
                Person(
                    owner_org=committee,
                    name=f"总览基准{i}",
                    search_text=f"总览基准{i}",
                    region=regions[i % 4],
                )
                for i in range(n_persons)
            ]
        )

        def at(month, day, hour=10):
            return timezone.make_aware(dt.datetime(YEAR, month, day, hour))

        kind = KindFactory(name="座谈调研会")
        activities = Activity.objects.bulk_create(
            [
                Activity(
                    owner_org=committee,
                    kind=kind,
                    title=f"总览基准活动{i}",
                    starts_at=at(1 + i % 12, 5 + i % 20),
                    ends_at=at(1 + i % 12, 5 + i % 20, 12),
                )
                for i in range(20)
            ]
        )
        statuses = ["checked_in", "checked_in", "checked_in", "absent", "leave_approved", "declined"]
        Invitation.objects.bulk_create(
            [
                Invitation(
                    owner_org=committee,
                    activity=a,
                    person=p,
                    status=statuses[(i + j) % 6],
                    checked_in_at=a.starts_at if statuses[(i + j) % 6] == "checked_in" else None,
                )
                for i, a in enumerate(activities)
                for j, p in enumerate(persons)
            ],
            batch_size=5_000,
        )
        states = ["handling", "replied", "closed", "closed", "submitted", "filed", "not_filed", "merged"]
        proposals = Proposal.objects.bulk_create(
            [
                Proposal(
                    owner_org=committee,
                    author=persons[i % n_persons],
                    title=f"总览基准提案{i}",
                    body="正文",
                    status=states[i % 8],
                    submitted_at=at(1 + i % 12, 1 + i % 28),
                    reply_due=dt.date(YEAR, 1 + i % 12, 1 + i % 28),
                    not_filed_reason="vague" if states[i % 8] == "not_filed" else "",
                )
                for i in range(1_000)
                if states[i % 8] != "merged"
            ]
        )
        Assignment.objects.bulk_create(
            [
                Assignment(owner_org=committee, proposal=p, unit=units[i % 15], role="lead")
                for i, p in enumerate(proposals)
            ]
            + [
                Assignment(owner_org=committee, proposal=p, unit=units[(i + 1) % 15], role="co")
                for i, p in enumerate(proposals)
                if i % 3 == 0
            ]
        )
        replied = [p for p in proposals if p.status in ("replied", "closed")]
        replies = Reply.objects.bulk_create(
            [
                Reply(
                    owner_org=committee,
                    proposal=p,
                    unit=units[i % 15],
                    reply_class="ABC"[i % 3],
                    body="答复",
                    status="approved",
                )
                for i, p in enumerate(replied)
            ]
        )
        Rating.objects.bulk_create(
            [
                Rating(
                    owner_org=committee,
                    reply=r,
                    person=r.proposal.author,
                    value=["satisfied", "basic"][i % 2],
                )
                for i, r in enumerate(replies)
                if r.proposal.status == "closed"
            ]
        )
        Outcome.objects.bulk_create(
            [
                Outcome(
                    owner_org=committee,
                    proposal=p,
                    adopted=True,
                    adopted_by=units[0],
                    adopted_level="city",
                    actions="已落实",
                    completed=i % 2 == 0,
                    completed_on=dt.date(YEAR, 11, 1) if i % 2 == 0 else None,
                )
                for i, p in enumerate(replied[:60])
            ]
        )
        report_states = ["submitted", "accepted", "adopted", "instructed", "not_adopted", "sent_up"]
        reports = OpinionReport.objects.bulk_create(
            [
                OpinionReport(
                    owner_org=committee,
                    author=persons[i % n_persons],
                    title=f"总览基准信息{i}",
                    status=report_states[i % 6],
                    submitted_at=at(1 + i % 12, 2),
                    sent_up_level="city"
                    if report_states[i % 6] in ("adopted", "instructed", "sent_up")
                    else "",
                    adopted_level=["city", "provincial"][i % 2]
                    if report_states[i % 6] in ("adopted", "instructed")
                    else "",
                    instruction_level="city" if report_states[i % 6] == "instructed" else "",
                )
                for i in range(600)
            ]
        )
        OpinionReport.objects.filter(pk__in=[r.pk for r in reports]).update(created_at=at(6, 1))
        request_states = ["open", "in_progress", "solved", "solved", "unsolvable"]
        requests = Request.objects.bulk_create(
            [
                Request(
                    owner_org=committee,
                    person=persons[i % n_persons],
                    category="policy",
                    title=f"总览基准诉求{i}",
                    description="内容",
                    status=request_states[i % 5],
                    resolution="已答复" if request_states[i % 5] in ("solved", "unsolvable") else "",
                    deadline=dt.date(YEAR, 6, 1),
                )
                for i in range(400)
            ]
        )
        Request.objects.filter(pk__in=[r.pk for r in requests]).update(created_at=at(3, 1))
        visits = Visit.objects.bulk_create(
            [
                Visit(
                    owner_org=committee,
                    status="done",
                    date=dt.date(YEAR, 1 + i % 12, 1 + i % 28),
                    mode="phone",
                )
                for i in range(3_000)
            ]
        )
        visitable = [p for i, p in enumerate(persons) if i % 10]
        VisitPerson.objects.bulk_create(
            [VisitPerson(visit=v, person=visitable[i % len(visitable)]) for i, v in enumerate(visits)]
        )
        VisitVisitor.objects.bulk_create([VisitVisitor(visit=v, user=leader) for v in visits])
        from archives.services import rule_set_create_default

        staff = UserFactory(
            username=f"bench-overview-staff{n_persons}", role=Role.STAFF, organisation=committee
        )
        rule_set_create_default(actor=staff, year=YEAR)
        return leader

    return ctx.once(f"dashboard-committee-{n_persons}", build)


def _overview(ctx):
    from django.test import override_settings

    rows = []
    with override_settings(TONGXIN_OVERVIEW_CACHE_SECONDS=0):  # the cost of counting, on every request
        for n in (200, 2000):
            leader = _committee(ctx, n)
            rows.append({"persons": n, "filters": f"{YEAR}", **page(leader, f"/dashboard/?year={YEAR}")})
            rows.append(
                {
                    "persons": n,
                    "filters": f"{YEAR}, 香港",
                    **page(leader, f"/dashboard/?year={YEAR}&region=hk"),
                }
            )
    leader = _committee(ctx, 2000)
    rows.append(
        {
            "persons": 2000,
            "filters": f"{YEAR}, counted within the minute (cached)",
            **page(leader, f"/dashboard/?year={YEAR}"),
        }
    )
    rows.append({"persons": 2000, "filters": "leader's home (key figures)", **page(leader, "/")})
    rows.append(
        {
            "persons": 2000,
            "filters": "below the minimums (htmx panel)",
            **page(leader, f"/dashboard/minimums/?year={YEAR}"),
        }
    )
    rows.append(
        {"persons": 2000, "filters": "work summary draft", **page(leader, f"/dashboard/summary/?year={YEAR}")}
    )
    rows.append(
        {
            "persons": 2000,
            "filters": "work summary .docx",
            **page(leader, f"/dashboard/summary.docx?year={YEAR}"),
        }
    )
    return rows


BENCHMARKS = [("leaders' overview (leader)", _overview)]
