"""Scale data: activities of every kind over the scale's years, trip stops, invitations with answers, leave,
check-ins and absences (the invitation workflow's end states with the fields each step sets).

The invitation budget of the scale is spread over the CPPCC bodies in proportion to their persons; each body's
activities invite 15–250 of its own persons. Invitations stream into the database in batches (millions at
province scale), never all in memory.
Stores: `activities` [(id, owner org id, starts_at)].
"""

import datetime as dt

from core.text import search_form

from .demo import KINDS
from .models import Activity, ActivityKind, CheckInMethod, Invitation, InvitationStatus, TripStop

S = InvitationStatus
TOPICS = [
    "粤港澳大湾区建设", "港澳青年创新创业", "“百千万工程”", "“绿美广州”", "乡村振兴", "营商环境", "基层治理",
    "港澳药械通", "跨境教育合作", "湾区规则衔接", "侨务资源", "文化交流", "科技创新", "养老服务",
]  # fmt: skip
PLACES = [
    "市政协会议中心",
    "华侨博物馆",
    "天河体育中心",
    "南沙自贸区",
    "黄埔科学城",
    "番禺区政协",
    "从化区温泉镇",
]
CITIES = ["南宁", "桂林", "西安", "成都", "德阳", "深圳", "珠海", "湛江", "梅州", "韶关"]
PAST_STATUS = ([S.CHECKED_IN, S.LEAVE_APPROVED, S.ABSENT, S.DECLINED], [72, 10, 8, 10])
FUTURE_STATUS = ([S.INVITED, S.CONFIRMED, S.DECLINED, S.LEAVE_REQUESTED, S.LEAVE_APPROVED], [45, 35, 8, 7, 5])


def _kinds():
    return [
        ActivityKind.objects.get_or_create(name=name, defaults={"is_trip": trip, "order": i * 10})[0]
        for i, (name, trip) in enumerate(KINDS)
    ]


def generate(gen) -> None:
    rng, scale = gen.rng, gen.scale
    kinds = _kinds()
    weights = [30, 25, 15, 4, 6, 10, 5, 5]
    by_cppcc = gen.store["persons_by_cppcc"]
    population = sum(len(v) for v in by_cppcc.values())
    plan = []  # (cppcc id, invitee count)
    homes = [c for c in gen.store["cppccs"] if by_cppcc.get(c.pk)]
    budgets = [scale.invitations * len(by_cppcc[c.pk]) // population for c in homes]
    budgets[0] += scale.invitations - sum(budgets)  # the rounding remainder to the top body
    for cppcc, budget in zip(homes, budgets, strict=True):
        persons = by_cppcc[cppcc.pk]
        while budget > 0:
            size = min(len(persons), rng.randint(15, 250), budget)
            plan.append((cppcc.pk, size))
            budget -= size
    span = (gen.today - gen.start).days + 60  # a few weeks into the future: upcoming activities to answer
    activities, stops = [], []
    for cppcc_id, _size in plan:
        kind = rng.choices(kinds, weights=weights)[0]
        day = gen.start + dt.timedelta(days=rng.randint(0, span))
        starts = gen.moment(day, rng.choice((9, 10, 14, 15)))
        days = rng.randint(2, 5) if kind.is_trip else 0
        ends = starts + dt.timedelta(days=days, hours=3)
        topic = rng.choice(TOPICS)
        title = f"{topic}{kind.name}" if not kind.is_trip else f"赴{rng.choice(CITIES)}{kind.name}：{topic}"
        place = rng.choice(PLACES)
        owner = rng.choice(gen.store["committees"][cppcc_id])
        past = ends.date() < gen.today
        activities.append(
            Activity(
                owner_org=owner,
                kind=kind,
                title=title,
                description=f"围绕{topic}开展{kind.name}。",
                starts_at=starts,
                ends_at=ends,
                place=place,
                quota=None,
                signup_deadline=starts - dt.timedelta(days=3),
                summary=f"{topic}{kind.name}顺利举行。" if past else "",
                reported_at=ends + dt.timedelta(days=2) if past and rng.random() < 0.6 else None,
                search_text=search_form(title, place, kind.name),
                created_at=starts - dt.timedelta(days=rng.randint(10, 30)),
            )
        )
    activities = gen.bulk(Activity, activities, label="活动")
    for activity in activities:
        if activity.kind.is_trip:
            first = activity.starts_at.date()
            for order, city in enumerate(
                rng.sample(CITIES, k=min(3, (activity.ends_at.date() - first).days + 1))
            ):
                day = first + dt.timedelta(days=order)
                stops.append(TripStop(activity=activity, order=order + 1, city=city, start_date=day, end_date=day,
                                      created_at=activity.created_at))  # fmt: skip
    gen.bulk(TripStop, stops, label="行程站点")
    gen.store["activities"] = [(a.pk, a.owner_org_id, a.starts_at) for a in activities]

    def invitations():
        for activity, (cppcc_id, size) in zip(activities, plan, strict=True):
            past = activity.ends_at.date() < gen.today
            statuses, weights_ = PAST_STATUS if past else FUTURE_STATUS
            invitees = rng.sample(by_cppcc[cppcc_id], k=size)
            for person_id, status in zip(
                invitees, rng.choices(statuses, weights=weights_, k=size), strict=True
            ):
                responded = (
                    None if status == S.INVITED else activity.starts_at - dt.timedelta(days=rng.randint(4, 9))
                )
                yield Invitation(
                    owner_org_id=activity.owner_org_id,
                    activity_id=activity.pk,
                    person_id=person_id,
                    status=status,
                    leave_reason="工作安排冲突" if status in (S.LEAVE_REQUESTED, S.LEAVE_APPROVED) else "",
                    responded_at=responded,
                    checked_in_at=activity.starts_at if status == S.CHECKED_IN else None,
                    check_in_method=(CheckInMethod.QR if rng.random() < 0.8 else CheckInMethod.MANUAL)
                    if status == S.CHECKED_IN
                    else "",
                    created_at=activity.created_at,
                    updated_at=responded or activity.created_at,
                )

    gen.bulk(Invitation, invitations(), label="活动邀请", total=sum(s for _, s in plan), keep=False)
