"""Scoring: a person's counts × the year's rule set → points per item, total, grade, unmet minimums.

Pure functions over a `CompiledRules` snapshot of a rule set (loaded once per page), so the statistics
table, the archive, the API and the closing batch compute scores with the same code and agree by
construction.

Per item: units = count ÷ per_units rounded down (每满 N 单位计一次); points = units × points (plus, for a
proposal item, co-signed count × co-signer points); with amount bands, the points of the band the yearly
amount falls in; then the cap limits the item's points (for a deduction, the largest deduction). The
score is the sum of the items' points; the grade is the band the score falls in.
"""

from dataclasses import dataclass, field
from decimal import ROUND_FLOOR, Decimal

from . import items as catalogue
from .items import Counts, Item

ZERO = Decimal(0)


def fmt(value) -> str:
    """12.50 → 12.5, 10.00 → 10, for display (never in computation)."""
    if value is None:
        return ""
    value = Decimal(value)
    if value == value.to_integral_value():
        return f"{value.quantize(Decimal(1)):,}" if abs(value) >= 10000 else str(value.quantize(Decimal(1)))
    text = format(value.normalize(), "f")
    return text


@dataclass(frozen=True)
class Band:
    min_amount: Decimal
    max_amount: Decimal | None
    points: Decimal

    def contains(self, amount) -> bool:
        return amount >= self.min_amount and (self.max_amount is None or amount < self.max_amount)


@dataclass(frozen=True)
class ItemRule:
    item: Item
    points: Decimal
    per_units: Decimal
    cosigner_points: Decimal | None
    cap: Decimal | None
    bands: tuple[Band, ...] = ()
    note: str = ""

    def describe(self) -> str:
        """The rule in words, e.g. "每次 5 分，上限 10 分"."""
        unit = self.item.unit
        if self.bands:
            parts = []
            for b in self.bands:
                upper = f"–{fmt(b.max_amount)}" if b.max_amount is not None else " 以上"
                parts.append(f"{fmt(b.min_amount)}{upper}{unit}：{fmt(b.points)} 分")
            text = "按档次：" + "；".join(parts)
        else:
            per = f"每{fmt(self.per_units)}{unit}" if self.per_units != 1 else f"每{unit}"
            text = f"{per} {fmt(self.points)} 分"
            if self.cosigner_points is not None:
                text += f"，联名每{unit} {fmt(self.cosigner_points)} 分"
        if self.cap is not None:
            text += f"，{'最多扣' if self.points < 0 else '上限'} {fmt(self.cap)} 分"
        return text


@dataclass(frozen=True)
class MinimumRule:
    label: str
    codes: tuple[str, ...]
    count: Decimal

    def describe(self) -> str:
        names = "、".join(catalogue.ITEMS[c].label for c in self.codes if c in catalogue.ITEMS)
        return f"{self.label}：{names}合计不少于 {fmt(self.count)}"


@dataclass(frozen=True)
class GradeRule:
    label: str
    min_score: Decimal | None
    max_score: Decimal | None

    def contains(self, score) -> bool:
        return (self.min_score is None or score >= self.min_score) and (
            self.max_score is None or score < self.max_score
        )

    def describe(self) -> str:
        if self.min_score is None and self.max_score is None:
            return f"{self.label}：任何分数"
        if self.min_score is None:
            return f"{self.label}：低于 {fmt(self.max_score)} 分"
        if self.max_score is None:
            return f"{self.label}：{fmt(self.min_score)} 分及以上"
        return f"{self.label}：{fmt(self.min_score)} 分至不足 {fmt(self.max_score)} 分"


@dataclass(frozen=True)
class CompiledRules:
    rule_set_id: int
    label: str
    year: int
    version: int
    items: dict[str, ItemRule]
    minimums: tuple[MinimumRule, ...]
    grades: tuple[GradeRule, ...]

    @property
    def used_codes(self) -> set[str]:
        codes = set(self.items)
        for m in self.minimums:
            codes.update(m.codes)
        return codes


def compile_rules(rule_set) -> CompiledRules:
    """Load a rule set with its items, bands, minimums and grades (4 queries) into an immutable snapshot."""
    from .models import RuleItem

    item_rules = {}
    for ri in RuleItem.objects.filter(rule_set=rule_set).prefetch_related("bands").order_by("order", "id"):
        item = catalogue.get(ri.item)
        if item is None:  # an item removed from the catalogue: its rule no longer counts anything
            continue
        bands = tuple(
            Band(b.min_amount, b.max_amount, b.points)
            for b in sorted(ri.bands.all(), key=lambda b: b.min_amount)
        )
        item_rules[ri.item] = ItemRule(
            item=item,
            points=ri.points,
            per_units=ri.per_units,
            cosigner_points=ri.cosigner_points if item.shared else None,
            cap=ri.cap,
            bands=bands,
            note=ri.note,
        )
    minimums = tuple(
        MinimumRule(m.label, tuple(m.items), m.count) for m in rule_set.minimums.all().order_by("order", "id")
    )
    grades = tuple(
        GradeRule(g.label, g.min_score, g.max_score)
        for g in sorted(
            rule_set.grades.all(), key=lambda g: (g.min_score is None, -(g.min_score or 0)), reverse=False
        )
    )
    return CompiledRules(
        rule_set_id=rule_set.pk,
        label=rule_set.label,
        year=rule_set.year,
        version=rule_set.version,
        items=item_rules,
        minimums=minimums,
        grades=grades,
    )


@dataclass
class Line:
    """One item of a person's breakdown: count, rule, points (after the cap) and how they came about."""

    item: Item
    count: Decimal | int
    cosigned: int
    rule: ItemRule | None
    raw: Decimal
    points: Decimal
    explanation: str

    @property
    def capped(self) -> bool:
        return self.raw != self.points


@dataclass
class Unmet:
    label: str
    required: Decimal
    actual: Decimal | int
    description: str


@dataclass
class Result:
    lines: list[Line]
    score: Decimal
    grade: str
    unmet: list[Unmet] = field(default_factory=list)

    def line(self, code: str) -> Line | None:
        for line in self.lines:
            if line.item.code == code:
                return line
        return None


def _units(count, per_units: Decimal) -> Decimal:
    count = Decimal(count)
    if per_units == 1:
        return count
    return (count / per_units).to_integral_value(rounding=ROUND_FLOOR)


def score_line(item: Item, count, cosigned: int, rule: ItemRule | None) -> Line:
    if rule is None:
        return Line(item, count, cosigned, None, ZERO, ZERO, "不计分")
    parts = []
    if rule.bands:
        band = next((b for b in rule.bands if b.contains(Decimal(count))), None)
        raw = band.points if band else ZERO
        parts.append(
            f"{fmt(count)}{item.unit}，"
            + (f"属 {fmt(band.min_amount)} 起档次：{fmt(raw)} 分" if band else "未达最低档次：0 分")
        )
    else:
        units = _units(count, rule.per_units)
        raw = units * rule.points
        per = f"（每满 {fmt(rule.per_units)}{item.unit}）" if rule.per_units != 1 else ""
        parts.append(f"{fmt(count)}{item.unit}{per} × {fmt(rule.points)} 分")
        if rule.cosigner_points is not None and cosigned:
            raw += Decimal(cosigned) * rule.cosigner_points
            parts.append(f"联名 {cosigned}{item.unit} × {fmt(rule.cosigner_points)} 分")
    points = raw
    text = " + ".join(parts) + f" = {fmt(raw)} 分"
    if rule.cap is not None:
        if raw > rule.cap:
            points = rule.cap
            text += f"，超过上限取 {fmt(points)} 分"
        elif raw < -rule.cap:
            points = -rule.cap
            text += f"，最多扣 {fmt(rule.cap)} 分"
    return Line(item, count, cosigned, rule, raw, points, text)


def score(counts: Counts, rules: CompiledRules) -> Result:
    """The breakdown of one person under the rules: every catalogue item with a rule, in catalogue order."""
    lines = []
    for item in catalogue.ITEMS_LIST:
        rule = rules.items.get(item.code)
        if rule is None:
            continue
        lines.append(score_line(item, counts.main.get(item.code, 0), counts.cosigned.get(item.code, 0), rule))
    total = sum((line.points for line in lines), ZERO)
    grade = next((g.label for g in rules.grades if g.contains(total)), "")
    unmet = []
    for m in rules.minimums:
        actual = sum((counts.total(code) for code in m.codes), 0)
        if actual < m.count:
            unmet.append(Unmet(m.label, m.count, actual, m.describe()))
    return Result(lines=lines, score=total, grade=grade, unmet=unmet)
