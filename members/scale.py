"""Scale data: persons with roles in terms, logins, encrypted phones and documents, committee memberships.

Persons are spread over the scale's CPPCC bodies (more at higher levels), owned by one of the body's special
committees. Search and sort columns come from `members.services`; phone numbers go through
`members.identity.normalise_phone`, document numbers through `normalise_document`; both are encrypted by the
model field and get their blind index like the services write them.
Stores: `persons` (ids), `persons_by_cppcc` {cppcc id: [person ids]}, `person_users` {person id: user id},
`terms` {cppcc id: [Term]}, `sessions` {cppcc id: {year: Session}}.
"""

import datetime as dt
import functools

from accounts.models import User
from core.crypto import blind_index
from core.roles import Role
from organisations.models import OrgLevel

from .identity import normalise_document, normalise_phone
from .models import (
    CommitteeMembership,
    CommitteePosition,
    DatePrecision,
    DocumentKind,
    IdentityDocument,
    Party,
    Person,
    Phone,
    PhoneKind,
    Region,
    Sector,
    Session,
    SessionKind,
    Term,
    TermRole,
    TermRoleKind,
)
from .services import person_search_text, person_sort_name

SURNAMES = list(
    "陈李张黄何梁林刘吴郑周麦王杨赵孙朱胡郭罗谢许冯邓曹彭曾萧蔡潘袁蒋田余杜叶程苏魏吕丁沈任姚卢傅钟姜崔谭廖范汪陆金石戴贾韦夏邱方侯邹熊孟秦白江阎薛尹段雷黎史龙陶贺顾毛郝龚邵万钱严覃武"
)
GIVEN = [
    "嘉欣", "志强", "美玲", "家豪", "伟明", "颖诗", "俊杰", "丽华", "国荣", "慧敏", "子健", "宝仪", "浩然", "淑仪",
    "振邦", "晓峰", "敏仪", "文轩", "思颖", "建华", "秀英", "永康", "雅婷", "德明", "海燕", "志伟", "婉婷", "宏图",
    "丽珊", "锦华", "佩珊", "树森", "咏诗", "耀宗", "少芬", "卓然", "凤仪", "国栋", "嘉怡", "泽民", "惠芳", "启明",
    "紫琪", "冠宇", "晓琳", "景行", "慧琳", "达明", "宇航", "静怡", "天佑", "翠萍", "炳坤", "梓晴", "世杰", "碧霞",
]  # fmt: skip
SECTORS = ["港澳界", "经济界", "工商联界", "侨联界", "教育界", "医药卫生界", "文化艺术界", "科学技术界",
           "农业和农村界", "社会福利和社会保障界", "新闻出版界", "体育界", "妇联界", "共青团和青联界"]  # fmt: skip
EMPLOYERS = [
    "有限公司",
    "集团",
    "律师事务所",
    "会计师事务所",
    "大学",
    "医院",
    "基金会",
    "商会",
    "科技公司",
    "投资公司",
]
TITLES = ["董事长", "总经理", "主席", "执行董事", "合伙人", "教授", "院长", "会长", "副会长", "主任医师"]
REGIONS = [Region.HONG_KONG, Region.MACAO, Region.MAINLAND, Region.TAIWAN, Region.OVERSEAS]
REGION_WEIGHTS = [35, 15, 40, 3, 7]
LEVEL_WEIGHT = {OrgLevel.NATIONAL: 6, OrgLevel.PROVINCIAL: 3, OrgLevel.CITY: 2, OrgLevel.DISTRICT: 1}


@functools.cache
def _search(name: str) -> tuple[str, str]:
    person = Person(name=name)
    return person_search_text(person), person_sort_name(person)


def _terms_for(gen, cppcc) -> list[Term]:
    """Five-year terms covering the scale's years (the 14th began in 2022), the one holding today current."""
    terms = []
    first = 14 + (gen.start.year - 2022) // 5
    last = 14 + (gen.today.year - 2022) // 5
    for number in range(first, last + 1):
        start = dt.date(2022 + 5 * (number - 14), 1, 1)
        term, _ = Term.objects.get_or_create(
            cppcc=cppcc,
            number=number,
            defaults={
                "start_date": start,
                "end_date": dt.date(start.year + 4, 12, 31),
                "is_current": start <= gen.today <= dt.date(start.year + 4, 12, 31),
            },
        )
        terms.append(term)
    return terms


def _sessions_for(gen, terms) -> dict[int, Session]:
    by_year = {}
    for year in range(gen.start.year, gen.today.year + 1):
        term = next((t for t in terms if t.start_date.year <= year <= t.end_date.year), None)
        if term is None:
            continue
        start = dt.date(year, 1, 6 + (year % 5))
        session, _ = Session.objects.get_or_create(
            term=term,
            kind=SessionKind.PLENARY,
            number=year - term.start_date.year + 1,
            defaults={"start_date": start, "end_date": start + dt.timedelta(days=4)},
        )
        by_year[year] = session
    return by_year


def _phone(rng, region) -> str:
    if region == Region.HONG_KONG:
        return f"+852 61{rng.randint(0, 999999):06d}"  # ranges every number of which exists (core.phones)
    if region == Region.MACAO:
        return f"+853 62{rng.randint(0, 999999):06d}"
    return f"1{rng.choice('38')}{rng.randint(0, 999999999):09d}"


def _document(rng, region) -> tuple[str, str] | None:
    if region in (Region.HONG_KONG, Region.MACAO):
        prefix = "H" if region == Region.HONG_KONG else "M"
        return (
            DocumentKind.HOME_RETURN_PERMIT,
            f"{prefix}{rng.randint(0, 99999999):08d}{rng.randint(0, 20):02d}",
        )
    return None


def generate(gen) -> None:
    rng, scale = gen.rng, gen.scale
    sectors = [Sector.objects.get_or_create(name=n, defaults={"order": i})[0] for i, n in enumerate(SECTORS)]
    cppccs = gen.store["cppccs"]
    gen.store["terms"], gen.store["sessions"] = {}, {}
    for cppcc in cppccs:
        terms = _terms_for(gen, cppcc)
        gen.store["terms"][cppcc.pk] = terms
        gen.store["sessions"][cppcc.pk] = _sessions_for(gen, terms)
    weights = [LEVEL_WEIGHT.get(c.level, 1) for c in cppccs]
    homes = rng.choices(cppccs, weights=weights, k=scale.persons)
    hash_ = gen.store["password_hash"]

    persons, users = [], []
    for i, home in enumerate(homes):
        region = rng.choices(REGIONS, weights=REGION_WEIGHTS)[0]
        name = rng.choice(SURNAMES) + rng.choice(GIVEN)
        search_text, sort_name = _search(name)
        precision = rng.choice((DatePrecision.DAY, DatePrecision.DAY, DatePrecision.MONTH))
        birth = dt.date(rng.randint(1950, 1990), rng.randint(1, 12), rng.randint(1, 28))
        if precision == DatePrecision.MONTH:
            birth = birth.replace(day=1)
        committee = rng.choice(gen.store["committees"][home.pk])
        advisor = rng.random() < 0.12
        persons.append(
            Person(
                owner_org=committee,
                name=name,
                gender=rng.choice("mf"),
                region=region,
                search_text=search_text,
                sort_name=sort_name,
                birth_date=birth,
                birth_precision=precision,
                sector=rng.choice(sectors),
                party=rng.choice(Party.values),
                employer=f"{name[0]}氏{rng.choice(EMPLOYERS)}",
                titles=rng.choice(TITLES),
                email=f"p{i:06d}@scale.tongxin.local",
                created_at=gen.moment(gen.start),
            )
        )
        users.append(
            User(
                username=f"m{i:06d}",
                password=hash_,
                role=Role.ADVISOR if advisor else Role.MEMBER,
                full_name=name,
                email=f"p{i:06d}@scale.tongxin.local",
                date_joined=gen.now,
            )
        )
    users = gen.bulk(User, users, label="委员账号")
    for person, user in zip(persons, users, strict=True):
        person.user_id = user.pk
    persons = gen.bulk(Person, persons, label="委员/顾问")
    gen.store["persons"] = [p.pk for p in persons]
    gen.store["person_users"] = {p.pk: p.user_id for p in persons}
    gen.store["person_names"] = {p.pk: p.name for p in persons}
    by_cppcc: dict[int, list[int]] = {}
    for person, home in zip(persons, homes, strict=True):
        by_cppcc.setdefault(home.pk, []).append(person.pk)
    gen.store["persons_by_cppcc"] = by_cppcc
    gen.store["person_home"] = {p.pk: h.pk for p, h in zip(persons, homes, strict=True)}

    roles, memberships, phones, documents = [], [], [], []
    for person, home, user in zip(persons, homes, users, strict=True):
        terms = gen.store["terms"][home.pk]
        advisor = user.role == Role.ADVISOR
        for term in terms[-2:] if rng.random() < 0.4 else terms[-1:]:
            kind = (
                TermRoleKind.ADVISOR
                if advisor
                else rng.choices(
                    (TermRoleKind.MEMBER, TermRoleKind.STANDING, TermRoleKind.INVITED), weights=(85, 10, 5)
                )[0]
            )
            roles.append(TermRole(person=person, term=term, role=kind, start_date=term.start_date))
        memberships.append(
            CommitteeMembership(
                owner_org_id=person.owner_org_id,
                person=person,
                committee_id=person.owner_org_id,
                term=terms[-1],
                position=rng.choices(CommitteePosition.values, weights=(1, 4, 95))[0],
                start_date=terms[-1].start_date,
            )
        )
        for j in range(1 if rng.random() < 0.7 else 2):
            code, number = normalise_phone(
                _phone(rng, person.region if j == 0 else Region.MAINLAND), person.region
            )
            phones.append(
                Phone(
                    owner_org_id=person.owner_org_id,
                    person=person,
                    kind=PhoneKind.MOBILE if j == 0 else PhoneKind.OFFICE,
                    country_code=code,
                    number=number,
                    number_index=blind_index(number),
                    is_primary=j == 0,
                )
            )
        doc = _document(rng, person.region)
        if doc:
            number = normalise_document(doc[0], doc[1])
            documents.append(
                IdentityDocument(
                    owner_org_id=person.owner_org_id,
                    person=person,
                    kind=doc[0],
                    number=number,
                    number_index=blind_index(number),
                    expiry_date=gen.today + dt.timedelta(days=rng.randint(-60, 3650)),
                )
            )
    gen.bulk(TermRole, roles, label="届内身份")
    gen.bulk(CommitteeMembership, memberships, label="专委会职务")
    gen.bulk(Phone, phones, label="电话（加密）")
    gen.bulk(IdentityDocument, documents, label="证件（加密）")
