"""Scale data: public-opinion reports in every state with the levels and dates each step records, numbered per
owning body and year like `opinions.services` numbers them."""

import datetime as dt

from core.text import search_form

from .models import OpinionReport, ReportLevel, ReportStatus

S = ReportStatus
TOPICS = ["港澳青年在穗实习", "跨境医疗结算", "大湾区人才引进", "社区养老", "中小企业融资", "侨房政策落实",
          "口岸通关", "校外培训监管", "城市内涝治理", "外籍人士就医"]  # fmt: skip
STATUS = ([S.DRAFT, S.SUBMITTED, S.ACCEPTED, S.EDITED, S.SENT_UP, S.ADOPTED, S.INSTRUCTED, S.NOT_ADOPTED],
          [5, 8, 8, 5, 15, 30, 9, 20])  # fmt: skip
LEVELS = [ReportLevel.NATIONAL, ReportLevel.PROVINCIAL, ReportLevel.CITY]


def generate(gen) -> None:
    rng = gen.rng
    cppccs = [c for c in gen.store["cppccs"] if gen.store["persons_by_cppcc"].get(c.pk)]
    numbers: dict[tuple[int, int], int] = {}
    taken = set(OpinionReport.objects.exclude(number="").values_list("owner_org_id", "number"))
    reports = []
    for _ in range(gen.scale.reports):
        home = rng.choice(cppccs)
        status = rng.choices(*STATUS)[0]
        created = gen.past_moment()
        topic = rng.choice(TOPICS)
        author = rng.choice(gen.store["persons_by_cppcc"][home.pk])
        owner = rng.choice(gen.store["committees"][home.pk])
        r = OpinionReport(
            owner_org=owner,
            author_id=author,
            title=f"关于{topic}问题的反映",
            situation=f"近期{topic}方面群众反映较多。" * 3,
            analysis="主要原因是政策衔接不够、宣传不到位。",
            suggestion="建议有关部门加强统筹，完善配套措施。",
            status=status,
            created_at=created,
            updated_at=created,
        )
        if status != S.DRAFT:
            r.submitted_at = created + dt.timedelta(days=1)
        if status not in (S.DRAFT, S.SUBMITTED):
            key = (owner.pk, r.submitted_at.year)
            numbers[key] = numbers.get(key, 0) + 1
            while (owner.pk, f"{key[1]}-{numbers[key]:03d}") in taken:  # the demo's own numbers
                numbers[key] += 1
            r.number = f"{r.submitted_at.year}-{numbers[key]:03d}"
        day = r.submitted_at.date() if r.submitted_at else created.date()
        if status in (S.SENT_UP, S.ADOPTED, S.INSTRUCTED, S.NOT_ADOPTED):
            r.sent_up_level, r.sent_up_to, r.sent_up_at = (
                rng.choice(LEVELS),
                "上级政协",
                day + dt.timedelta(days=10),
            )
        if status in (S.ADOPTED, S.INSTRUCTED):
            r.adopted_level, r.adopted_by, r.adopted_at = (
                r.sent_up_level,
                "上级政协办公厅",
                day + dt.timedelta(days=30),
            )
        if status == S.INSTRUCTED:
            r.instruction_level, r.instruction_leader = r.adopted_level, "分管领导"
            r.instruction_text, r.instructed_at = "请有关部门研究办理。", day + dt.timedelta(days=45)
        r.search_text = search_form(r.title, r.number, gen.store["person_names"][author])
        reports.append(r)
    gen.bulk(OpinionReport, reports, label="社情民意信息")
