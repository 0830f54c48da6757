"""Scale data: donations and volunteer work (捐资助学, 绿美 tree planting, 百千万工程 …) by one person or several
sharing it, dated over the scale's years, most of them verified; the shares always add up to the donation."""

import datetime as dt
from decimal import Decimal

from .models import Donation, DonationShare, DonorKind, Programme

PLACES = ["吴川市王村港镇", "花都区梯面镇", "从化区温泉镇", "增城区派潭镇", "梅州市大埔县", "清远市连州市"]
RECIPIENTS = {
    Programme.EDUCATION: "镇中心小学",
    Programme.GREEN: "镇人民政府（植树）",
    Programme.RURAL: "村民委员会",
    Programme.BQW: "镇“百千万工程”指挥部",
    Programme.RELIEF: "慈善会",
    Programme.OTHER: "社区服务中心",
}


def generate(gen) -> None:
    rng = gen.rng
    cppccs = [c for c in gen.store["cppccs"] if gen.store["persons_by_cppcc"].get(c.pk)]
    weights = [len(gen.store["persons_by_cppcc"][c.pk]) for c in cppccs]
    donations, shares = [], []
    for home in rng.choices(cppccs, weights=weights, k=gen.scale.persons // 2):
        programme = rng.choice(Programme.values)
        donors = rng.sample(gen.store["persons_by_cppcc"][home.pk], k=min(rng.choice((1, 1, 1, 1, 2, 3)), 3))
        amount = Decimal(rng.choice((2_000, 5_000, 10_000, 20_000, 50_000, 100_000)))
        trees = rng.randint(10, 200) if programme == Programme.GREEN else 0
        hours = Decimal(rng.choice((0, 0, 4, 8, 16)))
        day = gen.date_between(gen.start, gen.today)
        staff = gen.store["office_users"][home.pk][0]
        verified = rng.random() < 0.7
        donations.append(
            Donation(
                owner_org=rng.choice(gen.store["committees"][home.pk]),
                donor_kind=DonorKind.PERSON if len(donors) == 1 else DonorKind.JOINT,
                amount=amount,
                volunteer_hours=hours,
                trees=trees,
                programme=programme,
                recipient=RECIPIENTS[programme],
                place=rng.choice(PLACES),
                date=day,
                description="委员捐资助力乡村振兴。",
                verified_by=staff if verified else None,
                verified_at=gen.moment(day + dt.timedelta(days=3)) if verified else None,
                recorded_by=staff,
                created_at=gen.moment(day),
            )
        )
        shares.append((donors, amount, hours, trees))
    donations = gen.bulk(Donation, donations, label="捐赠与志愿服务")
    rows = []
    for donation, (donors, amount, hours, trees) in zip(donations, shares, strict=True):
        n = len(donors)
        for i, person_id in enumerate(donors):
            last = i == n - 1  # the last share takes the rounding remainder, so the shares add up exactly
            rows.append(
                DonationShare(
                    donation=donation,
                    person_id=person_id,
                    amount=amount - (amount / n).quantize(Decimal("0.01")) * (n - 1)
                    if last
                    else (amount / n).quantize(Decimal("0.01")),
                    volunteer_hours=hours - (hours / n).quantize(Decimal("0.1")) * (n - 1)
                    if last
                    else (hours / n).quantize(Decimal("0.1")),
                    trees=trees - trees // n * (n - 1) if last else trees // n,
                )
            )
    gen.bulk(DonationShare, rows, label="捐赠份额")
