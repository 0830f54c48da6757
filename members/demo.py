"""The city CPPCC's 14th term, its plenary sessions, and the committee's Hong Kong and Macao members and
advisors (all names fictional), with sectors, associations and committee roles; the demo member/advisor
logins are linked to their persons. Idempotent: persons are found by name before anything is created."""

import datetime as dt

from accounts.models import User
from core.demo import DEMO_YEAR
from organisations.models import Organisation

from .models import DocumentKind, Person, Region, Session, SessionKind, Term, TermRoleKind
from .services import (
    association_position_add,
    committee_membership_set,
    person_create,
    sector_for_name,
    tag_for_name,
    term_role_add,
)

SURNAMES = [
    ("陈", "Chan"),
    ("何", "Ho"),
    ("黄", "Wong"),
    ("李", "Lee"),
    ("张", "Cheung"),
    ("梁", "Leung"),
    ("林", "Lam"),
    ("刘", "Lau"),
    ("吴", "Ng"),
    ("郑", "Cheng"),
    ("周", "Chow"),
    ("麦", "Mak"),
]
GIVEN = [
    ("嘉欣", "Ka Yan", "f"),
    ("志强", "Chi Keung", "m"),
    ("美玲", "Mei Ling", "f"),
    ("家豪", "Ka Ho", "m"),
    ("伟明", "Wai Ming", "m"),
    ("颖诗", "Wing Sze", "f"),
    ("俊杰", "Chun Kit", "m"),
    ("丽华", "Lai Wah", "f"),
    ("国荣", "Kwok Wing", "m"),
    ("慧敏", "Wai Man", "f"),
    ("子健", "Tsz Kin", "m"),
    ("宝仪", "Po Yee", "f"),
    ("浩然", "Ho Yin", "m"),
    ("淑仪", "Suk Yee", "f"),
    ("振邦", "Chun Pong", "m"),
    ("少芬", "Siu Fun", "f"),
]
SECTORS = ["港澳界", "经济界", "工商联界", "侨联界", "教育界", "医药卫生界", "文化艺术界", "科学技术界"]
EMPLOYERS = [
    ("香港同心贸易有限公司", "董事长"),
    ("澳门濠江建筑工程有限公司", "总经理"),
    ("香港明德书院", "校长"),
    ("香港仁爱医疗集团", "行政总裁"),
    ("澳门海湾物流有限公司", "董事"),
    ("香港联和律师事务所", "合伙人"),
    ("香港维港科技有限公司", "创办人"),
    ("澳门南湾文化传播有限公司", "执行董事"),
    ("香港穗港青年交流促进会", "会长"),
]
TAGS = ["青年委员", "大湾区", "医疗", "教育", "科技创新", "乡村振兴"]
ASSOCIATIONS = {
    Region.HONG_KONG: ["香港广州市政协委员联谊会", "香港广州社团总会"],
    Region.MACAO: ["澳门穗协联谊会"],
}
TITLES = ["会长", "常务副会长", "副会长", "副会长", "理事", "理事", "会员", "会员", "会员"]
ADVISOR_REGIONS = [Region.HONG_KONG, Region.MACAO, Region.TAIWAN, Region.OVERSEAS]


def _name(i: int) -> tuple[str, str, str]:
    surname, s_roman = SURNAMES[i % len(SURNAMES)]
    given, g_roman, gender = GIVEN[(i * 7 + i // len(SURNAMES)) % len(GIVEN)]
    return surname + given, f"{s_roman} {g_roman}", gender


def load(out) -> None:
    city = Organisation.objects.get(name="广州市政协")
    committee = Organisation.objects.get(name="广州市政协港澳台侨外事委员会")
    term, _ = Term.objects.get_or_create(
        cppcc=city,
        number=14,
        defaults={"start_date": dt.date(2022, 1, 1), "end_date": dt.date(2026, 12, 31), "is_current": True},
    )
    Term.objects.get_or_create(
        cppcc=city, number=13, defaults={"start_date": dt.date(2017, 1, 1), "end_date": dt.date(2021, 12, 31)}
    )
    for number, start in ((1, dt.date(2022, 1, 5)), (2, dt.date(2023, 1, 9)), (3, dt.date(DEMO_YEAR, 1, 6))):
        Session.objects.get_or_create(
            term=term,
            kind=SessionKind.PLENARY,
            number=number,
            defaults={"start_date": start, "end_date": start + dt.timedelta(days=4)},
        )
    for username, region, role, romanised in (
        ("member", Region.HONG_KONG, TermRoleKind.MEMBER, "Chan Tai Man"),
        ("advisor", Region.OVERSEAS, TermRoleKind.ADVISOR, "Wong Kiu Sum"),
    ):
        user = User.objects.get(username=username)
        person = Person.objects.filter(user=user).first()
        if person is None:
            person = person_create(
                actor=None,
                owner_org=committee,
                name=user.full_name.replace("（演示）", ""),
                region=region,
                romanised_name=romanised,
                user=user,
                check=False,
            )
            if username == "member":
                _details(person, 0, term, committee)
        term_role_add(person=person, term=term, role=role)
    made = 0
    for i in range(1, 73):
        made += _demo_person(i, term, committee)
    out.write(f"委员库：{term}，{Person.objects.count()} 人（本次新增 {made} 人）。")


def _demo_person(i: int, term: Term, committee: Organisation) -> int:
    is_advisor = i > 60
    name, romanised, gender = _name(i)
    if Person.objects.filter(name=name, romanised_name=romanised).exists():
        return 0
    if is_advisor:
        region = ADVISOR_REGIONS[i % len(ADVISOR_REGIONS)]
    else:
        region = Region.MACAO if i % 3 == 0 else Region.HONG_KONG
    person = person_create(
        actor=None,
        owner_org=committee,
        name=name,
        romanised_name=romanised,
        gender=gender,
        region=region,
        check=False,
    )
    _details(person, i, term, committee)
    if is_advisor:
        term_role_add(person=person, term=term, role=TermRoleKind.ADVISOR)
        return 1
    role = (
        TermRoleKind.STANDING if i % 10 == 1 else TermRoleKind.INVITED if i % 15 == 7 else TermRoleKind.MEMBER
    )
    term_role_add(person=person, term=term, role=role)
    if i % 4 == 0:  # a quarter served in the previous term too: history is kept
        previous = Term.objects.get(cppcc=term.cppcc, number=13)
        term_role_add(person=person, term=previous, role=TermRoleKind.MEMBER)
    position = "vice_chair" if i in (1, 11) else "member"
    committee_membership_set(person=person, committee=committee, term=term, position=position)
    for k, assoc_name in enumerate(ASSOCIATIONS.get(region, [])):
        if (i + k) % 2 == 0 or k == 0:
            assoc = Organisation.objects.get(name=assoc_name)
            association_position_add(
                person=person,
                organisation=assoc,
                title=TITLES[(i + k) % len(TITLES)],
                start_date=dt.date(2019 + i % 5, 1 + i % 12, 1),
            )
    return 1


def _details(person: Person, i: int, term: Term, committee: Organisation) -> None:
    from .services import person_update

    employer, title = EMPLOYERS[i % len(EMPLOYERS)]
    is_macao = person.region == Region.MACAO
    phones = [
        f"+853 62{i % 100:02d}{(i * 37) % 10000:04d}"
        if is_macao
        else f"+852 61{i % 100:02d}{(i * 37) % 10000:04d}"
    ]
    if i % 3 == 1:
        phones.append(f"+86 139{i:04d}{(i * 53) % 10000:04d}")
    prefix = "M" if is_macao else "H"
    person_update(
        actor=None,
        person=person,
        check=False,
        gender=person.gender or "m",
        birth_date=dt.date(1955 + (i * 3) % 30, 1 + i % 12, 1),
        birth_precision="m" if i % 2 else "d",
        sector=sector_for_name(SECTORS[0] if i % 3 else SECTORS[i % len(SECTORS)]),
        employer=employer,
        titles=title,
        email=f"demo{i:02d}@example.invalid",
        address=("澳门新马路" if is_macao else "香港中环德辅道中") + f"{i}号",
        phones=phones,
        documents=[
            {
                "kind": DocumentKind.HOME_RETURN_PERMIT,
                "number": f"{prefix}{10000000 + i * 7919:08d}{(i % 9) + 1:02d}",
                "expiry_date": dt.date(DEMO_YEAR + 1 + i % 8, 1 + i % 12, 1),
            }
        ],
        tags=[TAGS[i % len(TAGS)]] + ([TAGS[(i + 1) % len(TAGS)]] if i % 5 == 0 else []),
    )
    tag_for_name(TAGS[0])
