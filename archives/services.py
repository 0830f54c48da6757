"""Writes of the archive: rule sets and their items, bands, minimums and grades; donations; closing runs.

Every function checks the permission first, then the state, then the input, and raises `DomainError` with a
Chinese message before anything is written (each runs in one transaction, so nothing is half-saved).
Every change to a rule set or one of its parts raises the rule set's version by one (the row is locked, so
two editors never produce the same version).
"""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils import timezone

from core import permissions
from core.errors import DomainError
from core.uploads import IMAGE, OFFICE, PDF, validate_upload

from . import items as catalogue
from .models import (
    AmountBand,
    Donation,
    DonationFile,
    DonationShare,
    DonorKind,
    GradeBand,
    Minimum,
    Programme,
    RuleItem,
    RuleSet,
)

MAX_POINTS = Decimal(1000)  # one unit of anything worth more than 1,000 points is a typo
MAX_AMOUNT = Decimal(1_000_000_000)  # 10 亿元: beyond this a donation amount is a typo (or a unit mix-up)
MAX_HOURS = Decimal(10_000)
MAX_TREES = 1_000_000


def _decimal(value, label: str, field: str, *, allow_none: bool = False) -> Decimal | None:
    if value is None or value == "":
        if allow_none:
            return None
        raise DomainError(f"请填写{label}。", field=field)
    try:
        d = Decimal(str(value).strip().replace(",", "").replace("，", ""))
    except (InvalidOperation, ValueError):
        raise DomainError(f"{label}应为数字。", field=field)
    if not d.is_finite():
        raise DomainError(f"{label}应为数字。", field=field)
    return d


def _home_org(actor):
    org = getattr(actor, "organisation", None)
    if org is None:
        raise DomainError("您的账号没有所属机构，不能编辑积分规则。")
    return org


def _locked(rule_set: RuleSet) -> RuleSet:
    return RuleSet.objects.select_for_update().get(pk=rule_set.pk)


# ---- Rule sets --------------------------------------------------------------------------------------------


def _check_year(year) -> int:
    try:
        year = int(year)
    except (TypeError, ValueError):
        raise DomainError("年度应为四位数字。", field="year")
    if not 2000 <= year <= 2100:
        raise DomainError("年度应在 2000 至 2100 之间。", field="year")
    return year


@transaction.atomic
def rule_set_create(
    *, actor, year: int, name: str = "", copy_from: RuleSet | None = None, notes: str = "", owner_org=None
) -> RuleSet:
    """A rule set for a year of the actor's committee, empty or copied (items, bands, minimums, grades) from
    another rule set the actor may see ("copy last year's rules"). Refused when the year already has one."""
    permissions.require(actor, "create", RuleSet)
    org = owner_org or _home_org(actor)
    year = _check_year(year)
    if copy_from is not None and not permissions.is_visible(actor, copy_from):
        raise DomainError("找不到要复制的规则。", field="copy_from")
    if RuleSet.objects.filter(owner_org=org, year=year).exists():
        raise DomainError(f"{year} 年度已有积分规则，一个年度只能有一套规则，请直接修改。", field="year")
    name = (name or "").strip() or f"{year}年度委员履职积分规则"
    if len(name) > 100:
        raise DomainError("名称不能超过 100 个字。", field="name")
    try:
        with transaction.atomic():
            rule_set = RuleSet.objects.create(
                owner_org=org, year=year, name=name, notes=(notes or "").strip(), based_on=copy_from
            )
    except IntegrityError:
        raise DomainError(f"{year} 年度已有积分规则，一个年度只能有一套规则，请直接修改。", field="year")
    if copy_from is not None:
        _copy_parts(copy_from, rule_set)
    return rule_set


def _copy_parts(source: RuleSet, target: RuleSet) -> None:
    for ri in source.items.all().prefetch_related("bands"):
        new = RuleItem.objects.create(
            rule_set=target,
            item=ri.item,
            points=ri.points,
            per_units=ri.per_units,
            cosigner_points=ri.cosigner_points,
            cap=ri.cap,
            note=ri.note,
            order=ri.order,
        )
        for b in ri.bands.all():
            AmountBand.objects.create(
                rule_item=new, min_amount=b.min_amount, max_amount=b.max_amount, points=b.points
            )
    for m in source.minimums.all():
        Minimum.objects.create(
            rule_set=target, label=m.label, items=list(m.items), count=m.count, order=m.order
        )
    for g in source.grades.all():
        GradeBand.objects.create(rule_set=target, label=g.label, min_score=g.min_score, max_score=g.max_score)


@transaction.atomic
def rule_set_update(*, actor, rule_set: RuleSet, name: str, notes: str = "") -> RuleSet:
    permissions.require(actor, "edit", rule_set)
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写名称。", field="name")
    if len(name) > 100:
        raise DomainError("名称不能超过 100 个字。", field="name")
    rule_set = _locked(rule_set)
    rule_set.name = name
    rule_set.notes = (notes or "").strip()
    rule_set.version += 1
    rule_set.save()
    return rule_set


def _check_bands(bands: list[dict], unit: str) -> list[tuple[Decimal, Decimal | None, Decimal]]:
    """Amount bands: [min, max) each, ascending, no gap and no overlap between neighbours; only the top band
    may be open-ended."""
    out = []
    for i, b in enumerate(bands, start=1):
        lo = _decimal(b.get("min_amount"), f"第{i}档下限", "bands")
        hi = _decimal(b.get("max_amount"), f"第{i}档上限", "bands", allow_none=True)
        pts = _decimal(b.get("points"), f"第{i}档分值", "bands")
        if lo < 0:
            raise DomainError(f"第{i}档下限不能为负数。", field="bands")
        if hi is not None and hi <= lo:
            raise DomainError(f"第{i}档的上限应大于下限。", field="bands")
        if abs(pts) > MAX_POINTS:
            raise DomainError(f"第{i}档分值超出合理范围（不超过 {MAX_POINTS} 分）。", field="bands")
        out.append((lo, hi, pts))
    out.sort(key=lambda t: t[0])
    for (lo1, hi1, _), (lo2, _hi2, _) in zip(out, out[1:], strict=False):
        if hi1 is None or hi1 > lo2:
            upper = "以上" if hi1 is None else f"至 {hi1}{unit}"
            raise DomainError(
                f"金额档次重叠：{lo1}{unit}{upper} 与 {lo2}{unit} 起的档次重叠。", field="bands"
            )
        if hi1 < lo2:
            raise DomainError(f"金额档次有空缺：{hi1}{unit} 至 {lo2}{unit} 没有对应的档次。", field="bands")
    return out


@transaction.atomic
def rule_item_save(
    *,
    actor,
    rule_set: RuleSet,
    item: str,
    points=0,
    per_units=1,
    cosigner_points=None,
    cap=None,
    note: str = "",
    bands: Iterable[dict] | None = None,
    rule_item: RuleItem | None = None,
    bump_version: bool = True,
) -> RuleItem:
    """Add an item's rule to a rule set, or change one (`rule_item`). Refused: an item not in the catalogue,
    an item already in the set, a cap below the points of one unit, co-signer points on an item without
    co-signers, absurd points, amount bands with gaps or overlaps."""
    permissions.require(actor, "edit", rule_set)
    rule_set = _locked(rule_set)
    if rule_item is not None and rule_item.rule_set_id != rule_set.pk:
        raise DomainError("该计分项目不属于这套规则。")
    entry = catalogue.get(item)
    if entry is None:
        raise DomainError("请选择计分项目。", field="item")
    clash = RuleItem.objects.filter(rule_set=rule_set, item=item)
    if rule_item is not None:
        clash = clash.exclude(pk=rule_item.pk)
    if clash.exists():
        raise DomainError(f"这套规则已有“{entry.label}”，请直接修改该项。", field="item")
    points = _decimal(points, "每单位分值", "points")
    per_units = _decimal(per_units if per_units not in (None, "") else 1, "计分单位数", "per_units")
    cosigner_points = _decimal(cosigner_points, "联名人分值", "cosigner_points", allow_none=True)
    cap = _decimal(cap, "年度上限", "cap", allow_none=True)
    band_rows = _check_bands(list(bands or []), entry.unit)
    if abs(points) > MAX_POINTS:
        raise DomainError(f"每单位分值超出合理范围（不超过 {MAX_POINTS} 分）。", field="points")
    if per_units <= 0:
        raise DomainError("计分单位数应大于 0。", field="per_units")
    if cosigner_points is not None:
        if not entry.shared:
            raise DomainError(f"“{entry.label}”没有联名人，不能设置联名人分值。", field="cosigner_points")
        if abs(cosigner_points) > MAX_POINTS:
            raise DomainError(f"联名人分值超出合理范围（不超过 {MAX_POINTS} 分）。", field="cosigner_points")
    if cap is not None:
        if cap <= 0:
            raise DomainError("年度上限应大于 0（扣分项目填写最多扣的分数）。", field="cap")
        biggest = max([abs(points), abs(cosigner_points or 0), *[abs(b[2]) for b in band_rows]])
        if cap < biggest:
            raise DomainError(
                f"年度上限（{cap} 分）低于一次的分值（{biggest} 分），请提高上限或降低分值。", field="cap"
            )
    if band_rows and cosigner_points is not None:
        raise DomainError("按档次计分的项目不能设置联名人分值。", field="bands")
    note = (note or "").strip()[:200]
    if rule_item is None:
        order = (
            RuleItem.objects.filter(rule_set=rule_set)
            .order_by("-order")
            .values_list("order", flat=True)
            .first()
            or 0
        ) + 1
        rule_item = RuleItem(rule_set=rule_set, item=item, order=order)
    rule_item.item = item
    rule_item.points = points
    rule_item.per_units = per_units
    rule_item.cosigner_points = cosigner_points
    rule_item.cap = cap
    rule_item.note = note
    rule_item.save()
    rule_item.bands.all().delete()
    for lo, hi, pts in band_rows:
        AmountBand.objects.create(rule_item=rule_item, min_amount=lo, max_amount=hi, points=pts)
    if bump_version:
        rule_set.version += 1
        rule_set.save()
    return rule_item


@transaction.atomic
def rule_item_delete(*, actor, rule_item: RuleItem) -> RuleSet:
    rule_set = rule_item.rule_set
    permissions.require(actor, "edit", rule_set)
    rule_set = _locked(rule_set)
    rule_item.delete()
    rule_set.version += 1
    rule_set.save()
    return rule_set


@transaction.atomic
def minimum_save(
    *,
    actor,
    rule_set: RuleSet,
    label: str,
    items: Iterable[str],
    count,
    minimum: Minimum | None = None,
    bump_version: bool = True,
) -> Minimum:
    """A minimum requirement: the named items together reach `count` in the year."""
    permissions.require(actor, "edit", rule_set)
    rule_set = _locked(rule_set)
    if minimum is not None and minimum.rule_set_id != rule_set.pk:
        raise DomainError("该最低要求不属于这套规则。")
    label = (label or "").strip()
    if not label:
        raise DomainError("请填写最低要求的名称，例如“参加活动”。", field="label")
    if len(label) > 60:
        raise DomainError("名称不能超过 60 个字。", field="label")
    codes = list(dict.fromkeys(items or []))
    if not codes:
        raise DomainError("请至少选择一个计入的项目。", field="items")
    for code in codes:
        if catalogue.get(code) is None:
            raise DomainError("计入的项目不在计分项目目录中。", field="items")
    count = _decimal(count, "最低数量", "count")
    if count <= 0:
        raise DomainError("最低数量应大于 0。", field="count")
    if count > 100_000:
        raise DomainError("最低数量超出合理范围。", field="count")
    if minimum is None:
        order = (rule_set.minimums.order_by("-order").values_list("order", flat=True).first() or 0) + 1
        minimum = Minimum(rule_set=rule_set, order=order)
    minimum.label = label
    minimum.items = codes
    minimum.count = count
    minimum.save()
    if bump_version:
        rule_set.version += 1
        rule_set.save()
    return minimum


@transaction.atomic
def minimum_delete(*, actor, minimum: Minimum) -> RuleSet:
    rule_set = minimum.rule_set
    permissions.require(actor, "edit", rule_set)
    rule_set = _locked(rule_set)
    minimum.delete()
    rule_set.version += 1
    rule_set.save()
    return rule_set


def _score_text(value: Decimal | None) -> str:
    from .scoring import fmt

    return fmt(value)


@transaction.atomic
def grade_bands_set(
    *, actor, rule_set: RuleSet, bands: Iterable[dict], bump_version: bool = True
) -> list[GradeBand]:
    """Replace the grades of a rule set. Each band is [min_score, max_score) with an empty bound meaning no
    limit; together they must cover every score once: no gap, no overlap, lowest band open below, highest
    band open above (e.g. ≥90 优秀, 80–90 良好, 60–80 称职, <60 不称职)."""
    permissions.require(actor, "edit", rule_set)
    rule_set = _locked(rule_set)
    rows = []
    for i, b in enumerate(bands, start=1):
        label = (b.get("label") or "").strip()
        lo = _decimal(b.get("min_score"), f"第{i}个等级的最低分", "grades", allow_none=True)
        hi = _decimal(b.get("max_score"), f"第{i}个等级的最高分", "grades", allow_none=True)
        if not label and lo is None and hi is None:
            continue  # an empty row of the form
        if not label:
            raise DomainError(f"请填写第{i}个等级的名称。", field="grades")
        if len(label) > 20:
            raise DomainError("等级名称不能超过 20 个字。", field="grades")
        if lo is not None and hi is not None and hi <= lo:
            raise DomainError(f"“{label}”的最高分应大于最低分。", field="grades")
        rows.append((label, lo, hi))
    if not rows:
        raise DomainError("请至少设置一个等级。", field="grades")
    labels = [r[0] for r in rows]
    if len(set(labels)) != len(labels):
        raise DomainError("等级名称不能重复。", field="grades")
    rows.sort(key=lambda r: (r[1] is not None, r[1] or 0))
    if rows[0][1] is not None:
        raise DomainError(
            f"低于 {_score_text(rows[0][1])} 分的分数没有对应的等级：最低一档的最低分请留空。", field="grades"
        )
    if rows[-1][2] is not None:
        raise DomainError(
            f"{_score_text(rows[-1][2])} 分及以上没有对应的等级：最高一档的最高分请留空。", field="grades"
        )
    for (l1, _lo1, hi1), (l2, lo2, _hi2) in zip(rows, rows[1:], strict=False):
        if lo2 is None:
            raise DomainError(f"分数段重叠：“{l1}”与“{l2}”都没有最低分。", field="grades")
        if hi1 is None or hi1 > lo2:
            raise DomainError(f"分数段重叠：“{l1}”与“{l2}”在 {_score_text(lo2)} 分附近重叠。", field="grades")
        if hi1 < lo2:
            raise DomainError(
                f"分数段有空缺：{_score_text(hi1)} 分至 {_score_text(lo2)} 分没有对应的等级。", field="grades"
            )
    rule_set.grades.all().delete()
    made = [
        GradeBand.objects.create(rule_set=rule_set, label=lb, min_score=lo, max_score=hi)
        for lb, lo, hi in rows
    ]
    if bump_version:
        rule_set.version += 1
        rule_set.save()
    return made


# The default rules, modelled on public examples (DOMAIN.md): 闵行 (plenary 5 per half-day, activity 5, filed
# proposal 15 lead / 3 co-signer, key +15/+3, minimum 3 activities and 1 proposal or report), 桐城 (proposal
# submitted 10, activity cap, report 10 + 5 if adopted, deductions for absence) and 安庆's grades; a speech
# delivered and a research output 10 each (the archive contents DOMAIN.md lists; points as staff decide).
DEFAULT_ITEMS = [
    # (item, points, per_units, cosigner_points, cap, note, bands)
    ("plenary_half_day", 5, 1, None, None, "闵行：全体会议每半天 5 分", None),
    ("plenary_absent", -5, 1, None, 20, "无故缺席全体会议每半天扣 5 分", None),
    ("activity_attended", 5, 1, None, 40, "闵行：参加其他活动每次 5 分", None),
    ("activity_absent", -2, 1, None, 10, "无故缺席活动每次扣 2 分", None),
    ("proposal_lead", 10, 1, None, 30, "桐城：提交提案每件 10 分", None),
    ("proposal_cosigned", 2, 1, None, 10, "联名提交每件 2 分", None),
    ("proposal_filed", 15, 1, 3, None, "闵行：立案提案领衔 15 分、联名 3 分", None),
    ("proposal_merged", 10, 1, 2, None, "并案提案视同部分立案", None),
    ("proposal_key", 15, 1, 3, None, "闵行：重点提案另加 15 / 3 分", None),
    ("proposal_adopted", 10, 1, 2, None, "提案被采纳另加 10 / 2 分", None),
    ("speech", 10, 1, None, None, "协商会、座谈会上发言每次 10 分", None),
    ("research_output", 10, 1, None, 20, "课题研究成果每项 10 分，上限 20 分", None),
    ("opinion_submitted", 10, 1, None, 30, "桐城：社情民意每篇 10 分", None),
    ("opinion_adopted_city", 5, 1, None, None, "桐城：被采用另加 5 分", None),
    ("opinion_adopted_provincial", 10, 1, None, None, "省级采用另加 10 分", None),
    ("opinion_adopted_national", 20, 1, None, None, "全国采用另加 20 分", None),
    ("opinion_instructed_city", 5, 1, None, None, "获市领导批示另加 5 分", None),
    ("opinion_instructed_provincial", 10, 1, None, None, "获省领导批示另加 10 分", None),
    ("opinion_instructed_national", 20, 1, None, None, "获全国领导批示另加 20 分", None),
    (
        "donation_amount", 0, 1, None, None, "捐资按年度金额分档计分",
        [
            {"min_amount": 1, "max_amount": 10000, "points": 2},
            {"min_amount": 10000, "max_amount": 50000, "points": 5},
            {"min_amount": 50000, "max_amount": 100000, "points": 8},
            {"min_amount": 100000, "max_amount": None, "points": 10},
        ],
    ),
    ("volunteer_hours", 1, 4, None, 10, "志愿服务每满 4 小时 1 分", None),
]  # fmt: skip
DEFAULT_MINIMUMS = [
    ("参加活动", ["activity_attended", "plenary_half_day"], 3),
    ("提案或社情民意信息", ["proposal_lead", "proposal_cosigned", "opinion_submitted"], 1),
]
DEFAULT_GRADES = [
    {"label": "优秀", "min_score": 90, "max_score": None},
    {"label": "良好", "min_score": 80, "max_score": 90},
    {"label": "称职", "min_score": 60, "max_score": 80},
    {"label": "不称职", "min_score": None, "max_score": 60},
]


@transaction.atomic
def rule_set_create_default(*, actor, year: int, owner_org=None) -> RuleSet:
    """A rule set for the year with the default rules (used when there is no earlier year to copy); built in
    one go, so it starts at version 1."""
    rule_set = rule_set_create(
        actor=actor,
        year=year,
        owner_org=owner_org,
        notes="依据闵行、桐城、安庆等地公开的委员履职积分办法拟定的默认规则，可按本委实际修改。",
    )
    for code, points, per, cos, cap, note, bands in DEFAULT_ITEMS:
        rule_item_save(
            actor=actor, rule_set=rule_set, item=code, points=points, per_units=per, cosigner_points=cos,
            cap=cap, note=note, bands=bands, bump_version=False,
        )  # fmt: skip
    for label, codes, count in DEFAULT_MINIMUMS:
        minimum_save(
            actor=actor, rule_set=rule_set, label=label, items=codes, count=count, bump_version=False
        )
    grade_bands_set(actor=actor, rule_set=rule_set, bands=DEFAULT_GRADES, bump_version=False)
    rule_set.refresh_from_db()
    return rule_set


# ---- Donations --------------------------------------------------------------------------------------------


def _check_amounts(amount, hours, trees, *, label: str = "") -> tuple[Decimal, Decimal, int]:
    amount = _decimal(amount if amount not in (None, "") else 0, f"{label}金额", "amount")
    hours = _decimal(hours if hours not in (None, "") else 0, f"{label}志愿服务时长", "volunteer_hours")
    try:
        trees = int(trees or 0)
    except (TypeError, ValueError):
        raise DomainError(f"{label}植树棵数应为整数。", field="trees")
    if amount < 0:
        raise DomainError(f"{label}金额不能为负数。", field="amount")
    if amount > MAX_AMOUNT:
        raise DomainError(f"{label}金额超出合理范围（不超过 10 亿元），请检查单位是否为元。", field="amount")
    if amount != amount.quantize(Decimal("0.01")):
        raise DomainError(f"{label}金额最多保留两位小数（分）。", field="amount")
    if hours < 0:
        raise DomainError(f"{label}志愿服务时长不能为负数。", field="volunteer_hours")
    if hours > MAX_HOURS:
        raise DomainError(f"{label}志愿服务时长超出合理范围。", field="volunteer_hours")
    if hours != hours.quantize(Decimal("0.1")):
        raise DomainError(f"{label}志愿服务时长最多保留一位小数。", field="volunteer_hours")
    if trees < 0:
        raise DomainError(f"{label}植树棵数不能为负数。", field="trees")
    if trees > MAX_TREES:
        raise DomainError(f"{label}植树棵数超出合理范围。", field="trees")
    return amount, hours, trees


def _check_donation(
    actor, *, donor_kind, donor_org, amount, volunteer_hours, trees, programme, recipient, date, shares, activity,
    exclude_pk=None,
):  # fmt: skip
    if donor_kind not in DonorKind.values:
        raise DomainError("请选择捐赠方类型。", field="donor_kind")
    if programme not in Programme.values:
        raise DomainError("请选择项目类别。", field="programme")
    recipient = (recipient or "").strip()
    if not recipient:
        raise DomainError("请填写受赠方。", field="recipient")
    if len(recipient) > 200:
        raise DomainError("受赠方不能超过 200 个字。", field="recipient")
    if not isinstance(date, dt.date):
        raise DomainError("请填写日期。", field="date")
    if date > timezone.localdate():
        raise DomainError("日期不能晚于今天。", field="date")
    if date.year < 2000:
        raise DomainError("日期不正确。", field="date")
    amount, volunteer_hours, trees = _check_amounts(amount, volunteer_hours, trees)
    if amount == 0 and volunteer_hours == 0 and trees == 0:
        raise DomainError("金额、志愿服务时长、植树棵数至少填写一项。", field="amount")
    checked = []
    seen = set()
    for s in shares or []:
        person = s.get("person")
        if person is None:
            continue
        if not permissions.is_visible(actor, person):
            raise DomainError("找不到所选的委员或顾问。", field="shares")
        if person.pk in seen:
            raise DomainError(f"{person.name}重复出现在份额中。", field="shares")
        seen.add(person.pk)
        a, h, t = _check_amounts(
            s.get("amount"), s.get("volunteer_hours"), s.get("trees"), label=f"{person.name}的"
        )
        checked.append((person, a, h, t))
    if donor_kind == DonorKind.PERSON:
        if len(checked) != 1:
            raise DomainError("委员个人捐赠请选择一位委员或顾问。", field="shares")
        person = checked[0][0]
        checked = [(person, amount, volunteer_hours, trees)]  # the whole donation is that person's
    elif donor_kind == DonorKind.JOINT:
        if len(checked) < 2:
            raise DomainError("共同捐赠请至少填写两位委员或顾问及各自的份额。", field="shares")
        sums = (
            sum((c[1] for c in checked), Decimal(0)),
            sum((c[2] for c in checked), Decimal(0)),
            sum(c[3] for c in checked),
        )
        for total, got, what, unit in (
            (amount, sums[0], "金额", "元"),
            (volunteer_hours, sums[1], "志愿服务时长", "小时"),
            (trees, sums[2], "植树棵数", "棵"),
        ):
            if got != total:
                raise DomainError(
                    f"各人份额的{what}合计（{got} {unit}）与捐赠的{what}（{total} {unit}）不一致。",
                    field="shares",
                )
    else:
        if donor_org is None:
            raise DomainError("社团/机构捐赠请选择捐赠的社团或机构。", field="donor_org")
        if checked:
            raise DomainError(
                "社团/机构的捐赠不计入个人份额；如由委员个人出资，请按共同捐赠登记。", field="shares"
            )
    if donor_kind != DonorKind.ASSOCIATION:
        donor_org = None
    if activity is not None:
        if not permissions.is_visible(actor, activity):
            raise DomainError("找不到所选的活动。", field="activity")
        if activity.is_cancelled:
            raise DomainError("活动已取消，不能作为捐赠来源。", field="activity")
        clash = Donation.objects.filter(activity=activity)
        if exclude_pk:
            clash = clash.exclude(pk=exclude_pk)
        if clash.exists():
            raise DomainError("该活动的资助已经登记过，不能重复登记。", field="activity")
    return dict(
        donor_kind=donor_kind, donor_org=donor_org, amount=amount, volunteer_hours=volunteer_hours, trees=trees,
        programme=programme, recipient=recipient, date=date, activity=activity,
    ), checked  # fmt: skip


def _write_shares(donation: Donation, checked) -> None:
    donation.shares.all().delete()
    for person, a, h, t in checked:
        DonationShare.objects.create(donation=donation, person=person, amount=a, volunteer_hours=h, trees=t)


@transaction.atomic
def donation_create(
    *,
    actor,
    donor_kind: str,
    programme: str,
    recipient: str,
    date: dt.date,
    amount=0,
    volunteer_hours=0,
    trees=0,
    place: str = "",
    description: str = "",
    shares: list[dict] | None = None,
    donor_org=None,
    activity=None,
    owner_org=None,
) -> Donation:
    """Record a donation or volunteer work. A single person's donation is wholly theirs; a joint one needs
    each person's share, and the shares must add up to the donation (amount, hours and trees each); an
    association's donation has no personal shares. Pointing to an activity links its support amount (never
    counted twice). Unverified until an office user verifies it; only verified donations count in archives."""
    permissions.require(actor, "create", Donation)
    org = owner_org or getattr(actor, "organisation", None)
    if org is None:
        raise DomainError("您的账号没有所属机构，不能登记捐赠。")
    fields, checked = _check_donation(
        actor, donor_kind=donor_kind, donor_org=donor_org, amount=amount, volunteer_hours=volunteer_hours,
        trees=trees, programme=programme, recipient=recipient, date=date, shares=shares, activity=activity,
    )  # fmt: skip
    try:
        with transaction.atomic():
            donation = Donation.objects.create(
                owner_org=org,
                place=(place or "").strip()[:200],
                description=(description or "").strip(),
                recorded_by=actor if getattr(actor, "pk", None) else None,
                **fields,
            )
    except IntegrityError:
        raise DomainError("该活动的资助已经登记过，不能重复登记。", field="activity")
    _write_shares(donation, checked)
    return donation


@transaction.atomic
def donation_update(*, actor, donation: Donation, **changes) -> Donation:
    """Change a donation (same checks as creating). A verified donation that changes must be verified again."""
    permissions.require(actor, "edit", donation)
    donation = Donation.objects.select_for_update().get(pk=donation.pk)
    current = {
        "donor_kind": donation.donor_kind,
        "donor_org": donation.donor_org,
        "amount": donation.amount,
        "volunteer_hours": donation.volunteer_hours,
        "trees": donation.trees,
        "programme": donation.programme,
        "recipient": donation.recipient,
        "date": donation.date,
        "activity": donation.activity,
        "shares": [
            {"person": s.person, "amount": s.amount, "volunteer_hours": s.volunteer_hours, "trees": s.trees}
            for s in donation.shares.select_related("person")
        ],
    }
    unknown = set(changes) - set(current) - {"place", "description"}
    if unknown:
        raise DomainError("不能修改的字段：" + "、".join(sorted(unknown)))
    merged = {**current, **{k: v for k, v in changes.items() if k in current}}
    fields, checked = _check_donation(actor, exclude_pk=donation.pk, **merged)
    for key, value in fields.items():
        setattr(donation, key, value)
    if "place" in changes:
        donation.place = (changes["place"] or "").strip()[:200]
    if "description" in changes:
        donation.description = (changes["description"] or "").strip()
    donation.verified_at = None
    donation.verified_by = None
    donation.save()
    _write_shares(donation, checked)
    return donation


@transaction.atomic
def donation_verify(*, actor, donation: Donation) -> Donation:
    """Mark a donation as verified (its evidence checked): from now on it counts in archives and totals."""
    permissions.require(actor, "verify", donation)
    donation = Donation.objects.select_for_update().get(pk=donation.pk)
    if donation.verified_at is not None:
        raise DomainError("该记录已经核实。")
    donation.verified_by = actor
    donation.verified_at = timezone.now()
    donation.save()
    return donation


@transaction.atomic
def donation_delete(*, actor, donation: Donation) -> None:
    permissions.require(actor, "delete", donation)
    donation.delete()


@transaction.atomic
def donation_add_file(*, actor, donation: Donation, upload) -> DonationFile:
    """Attach evidence (receipt, certificate, photo) after the one upload validator."""
    permissions.require(actor, "edit", donation)
    clean = validate_upload(upload, kinds=(IMAGE, PDF, OFFICE))
    row = DonationFile(donation=donation, name=clean.name[:200])
    row.file.save(clean.name, clean, save=False)
    row.save()
    return row
