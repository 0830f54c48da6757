"""The demo year scored and its donations: the default rule set for DEMO_YEAR, and the two donations of the source
document — 捐资助学24万元 to 吴川市王村港镇 and 10万元 with the tree planting at 花都区梯面镇 — each linked to the
activity it came from (so the activity's support amount is not counted twice), shared by the persons who gave,
verified by the office on the day after. One volunteer record is left unverified, for the office to check.
Idempotent: the rule set is looked up by year, a donation by its recipient."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from activities.models import Activity
from core.demo import DEMO_YEAR, day
from members.models import Person
from organisations.models import Organisation

from .models import Donation, DonorKind, Programme
from .selectors import rule_set_for
from .services import donation_create, donation_verify, rule_set_create_default

# (recipient, activity title, programme, date, place, amount, hours, trees, description,
#  [(person index, amount, hours, trees)] — index 0 is the demo member, the others the committee's persons in order)
DONATIONS = [
    (
        "吴川市王村港镇",
        "湛江吴川帮扶活动",
        Programme.EDUCATION,
        day(10, 24),
        "湛江市吴川市王村港镇",
        Decimal("240000"),
        Decimal("0"),
        0,
        "参与乡村振兴和“百千万工程”，到吴川开展帮扶，向王村港镇捐资助学24万元，设立奖教奖学项目。",
        [(0, Decimal("80000"), 0, 0), (1, Decimal("60000"), 0, 0), (2, Decimal("50000"), 0, 0),
         (3, Decimal("50000"), 0, 0)],
    ),
    (
        "花都区梯面镇",
        "“绿美梯面”植树活动",
        Programme.GREEN,
        day(3, 12),
        "广州市花都区梯面镇",
        Decimal("100000"),
        Decimal("21"),
        300,
        "落实“绿美”广州工作，到梯面镇开展“绿美梯面”植树活动，种植乡土树种约300株，同时资助该镇10万元。",
        [(0, Decimal("40000"), Decimal("7"), 100), (4, Decimal("30000"), Decimal("7"), 100),
         (5, Decimal("30000"), Decimal("7"), 100)],
    ),
]  # fmt: skip

# A volunteer record the office has not checked yet (the advisor's own report).
UNVERIFIED = ("穗港澳青年交流营", Programme.OTHER, day(6, 12), "南沙", Decimal("6"), "担任交流营志愿导师。")


def _persons(committee) -> list[Person]:
    member = Person.objects.get(user__username="member")
    others = list(
        Person.objects.filter(owner_org__path__startswith=committee.path, user__isnull=True).order_by("pk")[
            :5
        ]
    )
    return [member, *others]


def _verified_on(donation: Donation, date: dt.date, staff) -> None:
    donation_verify(actor=staff, donation=donation)
    when = timezone.make_aware(dt.datetime.combine(date + dt.timedelta(days=1), dt.time(10)))
    Donation.objects.filter(pk=donation.pk).update(verified_at=when, created_at=when, updated_at=when)


def load(out) -> None:
    committee = Organisation.objects.get(name="广州市政协港澳台侨外事委员会")
    staff = User.objects.get(username="staff")
    rule_set = rule_set_for(DEMO_YEAR, committee)
    if rule_set is None:
        rule_set = rule_set_create_default(actor=staff, year=DEMO_YEAR, owner_org=committee)
        out.write(f"履职档案：{DEMO_YEAR} 年度默认积分规则已建立（{rule_set.items.count()} 项）。")
    persons = _persons(committee)
    made = 0
    for recipient, title, programme, date, place, amount, hours, trees, description, shares in DONATIONS:
        if Donation.objects.filter(recipient=recipient).exists():
            continue
        donors = [(persons[i], a, h, t) for i, a, h, t in shares if i < len(persons)]
        joint = len(donors) == len(shares)
        donation = donation_create(
            actor=staff,
            donor_kind=DonorKind.JOINT if joint else DonorKind.PERSON,
            programme=programme,
            recipient=recipient,
            date=date,
            amount=amount,
            volunteer_hours=hours,
            trees=trees,
            place=place,
            description=description,
            shares=[{"person": p, "amount": a, "volunteer_hours": h, "trees": t} for p, a, h, t in donors]
            if joint
            else [{"person": persons[0]}],
            activity=Activity.objects.filter(title=title).first(),
            owner_org=committee,
        )
        _verified_on(donation, date, staff)
        made += 1
    advisor = Person.objects.filter(user__username="advisor").first()
    recipient, programme, date, place, hours, description = UNVERIFIED
    if advisor is not None and not Donation.objects.filter(recipient=recipient).exists():
        donation_create(
            actor=staff,
            donor_kind=DonorKind.PERSON,
            programme=programme,
            recipient=recipient,
            date=date,
            volunteer_hours=hours,
            place=place,
            description=description,
            shares=[{"person": advisor}],
            owner_org=committee,
        )
        made += 1
    out.write(f"履职档案：捐赠与志愿服务 {made} 条（共 {Donation.objects.count()} 条）。")
