"""Scale data: visits (done, planned, cancelled) by the office users of each body to its persons, and members'
requests raised in them, with steps and resolutions (a closed request always has its resolution)."""

import datetime as dt

from core.text import search_form

from .models import (
    Request,
    RequestCategory,
    RequestStatus,
    RequestStep,
    Visit,
    VisitMode,
    VisitPerson,
    VisitStatus,
    VisitVisitor,
)

TOPICS = ["履职情况", "企业经营", "子女教育", "大湾区发展建议", "港澳社团工作", "健康状况", "跨境生活便利"]
REQUESTS = [
    (RequestCategory.SCHOOL, "子女入学咨询"), (RequestCategory.BUSINESS, "企业开办手续"),
    (RequestCategory.POLICY, "人才政策咨询"), (RequestCategory.TRAVEL, "出入境证件办理"),
    (RequestCategory.MEDICAL, "跨境就医结算"), (RequestCategory.OTHER, "其他事项"),
]  # fmt: skip


def generate(gen) -> None:
    rng = gen.rng
    cppccs = [c for c in gen.store["cppccs"] if gen.store["persons_by_cppcc"].get(c.pk)]
    weights = [len(gen.store["persons_by_cppcc"][c.pk]) for c in cppccs]
    homes = rng.choices(cppccs, weights=weights, k=gen.scale.visits)
    visits, plans = [], []
    for home in homes:
        person_ids = list(
            {rng.choice(gen.store["persons_by_cppcc"][home.pk]) for _ in range(rng.choice((1, 1, 1, 2)))}
        )
        day = gen.date_between(gen.start, gen.today + dt.timedelta(days=30))
        status = (
            VisitStatus.PLANNED
            if day > gen.today
            else rng.choices((VisitStatus.DONE, VisitStatus.CANCELLED), weights=(95, 5))[0]
        )
        topics = rng.choice(TOPICS)
        names = [gen.store["person_names"][p] for p in person_ids]
        visits.append(
            Visit(
                owner_org=rng.choice(gen.store["committees"][home.pk]),
                status=status,
                date=day,
                mode=rng.choice(VisitMode.values),
                place="委员单位" if rng.random() < 0.5 else "委员之家",
                topics=topics,
                notes=f"了解委员{topics}，听取意见建议。" if status == VisitStatus.DONE else "",
                search_text=search_form(topics, "", *names),
                created_at=gen.moment(min(day, gen.today) - dt.timedelta(days=7)),
            )
        )
        plans.append((home, person_ids))
    visits = gen.bulk(Visit, visits, label="走访")
    visitors, persons, requests = [], [], []
    for visit, (home, person_ids) in zip(visits, plans, strict=True):
        office = gen.store["office_users"][home.pk]
        for user in rng.sample(office, k=rng.choice((1, 1, 2))):
            visitors.append(VisitVisitor(visit=visit, user=user))
        for person_id in person_ids:
            persons.append(VisitPerson(visit=visit, person_id=person_id))
    gen.bulk(VisitVisitor, visitors, label="走访人")
    gen.bulk(VisitPerson, persons, label="走访对象")
    done = [(v, plan) for v, plan in zip(visits, plans, strict=True) if v.status == VisitStatus.DONE]
    for _ in range(min(gen.scale.requests, len(done))):
        visit, (home, person_ids) = rng.choice(done)
        category, title = rng.choice(REQUESTS)
        raised = visit.created_at + dt.timedelta(days=7)
        status = rng.choices(RequestStatus.values, weights=(10, 20, 60, 10))[0]
        closed = status in (RequestStatus.SOLVED, RequestStatus.UNSOLVABLE)
        staff = gen.store["office_users"][home.pk][0]
        person_id = person_ids[0]
        description = f"委员反映{title}方面遇到困难，希望协助了解政策和办理渠道。"
        requests.append(
            Request(
                owner_org_id=visit.owner_org_id,
                person_id=person_id,
                visit=visit,
                category=category,
                title=title,
                description=description,
                status=status,
                owner=staff,
                helping_org=rng.choice(gen.store["units"]) if rng.random() < 0.5 else None,
                deadline=visit.date + dt.timedelta(days=rng.randint(20, 60)),
                resolution="已协调有关部门办结。"
                if status == RequestStatus.SOLVED
                else ("受政策所限，暂无法解决，已向委员说明。" if closed else ""),
                raised_by=staff,
                search_text=search_form(title, description, gen.store["person_names"][person_id]),
                created_at=raised,
                updated_at=raised,
            )  # fmt: skip
        )
    requests = gen.bulk(Request, requests, label="诉求")
    steps = [
        RequestStep(
            request=r,
            date=r.created_at.date() + dt.timedelta(days=5),
            text="已联系有关部门了解情况。",
            author=r.owner,
            created_at=r.created_at,
        )  # fmt: skip
        for r in requests
        if r.status != RequestStatus.OPEN
    ]
    gen.bulk(RequestStep, steps, label="诉求办理情况")
