"""Reads of the archive: which rule set applies, the committee's statistics table, one person's archive, the
donations ledger and its totals. Other apps' records are read only through their selectors (via
`archives.items`).

Contract for other apps (the leaders' overview and the work summary read these; keep the names stable):
`rule_set_for(year, org=None)`, `performance_table(user, *, year, term=None, filters=None)`,
`donation_totals(user, *, year=None, group_by=...)`.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Count, Q, Sum
from django.utils import timezone

from core.errors import DomainError

from . import items as catalogue
from . import scoring
from .items import Counts, Item, Period
from .models import Archive, ClosingRun, Donation, DonationShare, Programme, RuleSet

# ---- Which rule set ---------------------------------------------------------------------------------------


class NoRuleSet(DomainError):
    """The year has no rule set for this committee: pages show the message with a link to create one."""

    status_code = 404

    def __init__(self, year: int):
        super().__init__(
            f"{year} 年度尚未设置履职积分规则，无法计算积分。请先由工作人员建立该年度的规则。",
            code="no_rule_set",
        )
        self.year = year


def scope_org(user):
    """The organisation whose rules apply to what this user looks at: the office user's own body, a
    member's or advisor's owning committee."""
    if user is None or not user.is_authenticated:
        return None
    if user.is_person:
        person = getattr(user, "person", None)
        return person.owner_org if person is not None else None
    return user.organisation


def rule_set_for(year: int, org=None) -> RuleSet | None:
    """The rule set of `year` for `org`: its own or its nearest ancestor's; failing that, the first one
    below it (an administrator of the city CPPCC looking at a committee's year). Without `org`, the first
    rule set of the year in the tree."""
    sets = list(RuleSet.objects.filter(year=year).select_related("owner_org").order_by("owner_org__path"))
    if org is None:
        return sets[0] if sets else None
    above = [rs for rs in sets if org.path.startswith(rs.owner_org.path)]
    if above:
        return max(above, key=lambda rs: len(rs.owner_org.path))
    below = [rs for rs in sets if rs.owner_org.path.startswith(org.path)]
    return below[0] if below else None


def require_rule_set(year: int, org=None) -> RuleSet:
    rule_set = rule_set_for(year, org)
    if rule_set is None:
        raise NoRuleSet(year)
    return rule_set


def default_year(user, today: dt.date | None = None) -> int:
    """The latest year up to this one that has a rule set for the user's committee; else this year."""
    today = today or timezone.localdate()
    org = scope_org(user)
    years = sorted(
        set(RuleSet.objects.filter(year__lte=today.year).values_list("year", flat=True)), reverse=True
    )
    for year in years:
        if rule_set_for(year, org) is not None:
            return year
    return today.year


def rule_sets_visible(user):
    return (
        RuleSet.objects.visible_to(user)
        .select_related("owner_org", "based_on")
        .order_by("-year", "owner_org__path")
    )


def rule_set_detail(user, pk: int) -> RuleSet:
    from core.permissions import get_visible_or_404

    qs = RuleSet.objects.select_related("owner_org", "based_on").prefetch_related(
        "items__bands", "minimums", "grades"
    )
    return get_visible_or_404(qs, user, pk=pk)


def parse_year(value, default: int) -> int:
    try:
        year = int(value)
    except (TypeError, ValueError):
        return default
    return year if 2000 <= year <= 2100 else default


# ---- The statistics table ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Column:
    item: Item
    role: str = "lead"  # "lead", or "cosigned" for the co-signer part of a shared item

    @property
    def key(self) -> str:
        return self.item.code if self.role == "lead" else f"{self.item.code}__cosigned"

    @property
    def label(self) -> str:
        if not self.item.shared:
            return self.item.label
        return f"{self.item.label}（{'联名' if self.role == 'cosigned' else '领衔'}）"


@dataclass
class Row:
    person: object
    counts: Counts
    result: scoring.Result

    def value(self, column: Column):
        return self.counts.get(column.item.code, column.role)

    @property
    def score(self) -> Decimal:
        return self.result.score

    @property
    def grade(self) -> str:
        return self.result.grade

    @property
    def unmet(self) -> list:
        return self.result.unmet


@dataclass
class PerformanceTable:
    period: Period
    rule_set: RuleSet
    rules: scoring.CompiledRules
    columns: list[Column]
    rows: list[Row]
    all_items: bool = False
    totals: dict = field(default_factory=dict)

    def __post_init__(self):
        self.totals = {c.key: sum((r.value(c) for r in self.rows), 0) for c in self.columns}

    @property
    def count(self) -> int:
        return len(self.rows)

    @property
    def averages(self) -> dict:
        n = len(self.rows)
        return {
            k: (Decimal(v) / n).quantize(Decimal("0.01")) if n else Decimal(0) for k, v in self.totals.items()
        }

    @property
    def score_total(self) -> Decimal:
        return sum((r.score for r in self.rows), Decimal(0))

    @property
    def score_average(self) -> Decimal:
        n = len(self.rows)
        return (self.score_total / n).quantize(Decimal("0.01")) if n else Decimal(0)

    @property
    def unmet_count(self) -> int:
        return sum(1 for r in self.rows if r.unmet)

    @property
    def grade_counts(self) -> list[tuple[str, int]]:
        counts = defaultdict(int)
        for r in self.rows:
            counts[r.grade] += 1
        return [(g.label, counts.get(g.label, 0)) for g in self.rules.grades]

    def row_for(self, person_id: int) -> Row | None:
        for r in self.rows:
            if r.person.pk == person_id:
                return r
        return None


def _columns(rules: scoring.CompiledRules, all_items: bool) -> list[Column]:
    used = rules.used_codes
    out = []
    for item in catalogue.ITEMS_LIST:
        if not (all_items or item.code in used or item.code == "activity_invited"):
            continue
        out.append(Column(item))
        if item.shared:
            out.append(Column(item, "cosigned"))
    return out


PERSON_FILTERS = ("q", "term", "role", "region", "sector", "committee", "association", "tag")


def table_persons(user, rule_set: RuleSet, *, term=None, filters=None):
    """The persons of a table: visible, not anonymised, of the rule set's committee (and below), matching the
    roster's own filters (`members.filtersets.PersonFilterSet`: q, term, role, region, sector, committee …).
    Invalid filter values are ignored, as on the roster."""
    from members.selectors import person_filterset

    filters = filters.dict() if hasattr(filters, "dict") else dict(filters or {})  # a QueryDict: last values
    params = {k: v for k, v in filters.items() if k in PERSON_FILTERS and v not in (None, "")}
    if term is not None and term != "":
        params["term"] = str(getattr(term, "pk", term))
    filterset = person_filterset(user, params)
    qs = filterset.qs if filterset.is_valid() else filterset.queryset
    return qs.filter(owner_org__path__startswith=rule_set.owner_org.path)


def performance_table(
    user, *, year: int, term=None, filters=None, all_items: bool = False, org=None
) -> PerformanceTable:
    """Every person of the user's committee × every item for the year, with score, grade and unmet minimums.

    Raises `NoRuleSet` when the year has no rule set. A fixed number of queries whatever the number of
    persons: the persons (1), the rule set (about 5) and one grouped query per source of counts (9).
    Rows are in roster order (pinyin); `sort_rows` sorts by any column.
    """
    rule_set = require_rule_set(year, org if org is not None else scope_org(user))
    rules = scoring.compile_rules(rule_set)
    period = Period(year)
    persons_qs = table_persons(user, rule_set, term=term, filters=filters)
    persons = list(persons_qs.select_related("sector").order_by("sort_name", "name", "id"))
    counts = catalogue.count_all(period, persons_qs.order_by().values("pk"), [p.pk for p in persons])
    rows = [Row(p, counts[p.pk], scoring.score(counts[p.pk], rules)) for p in persons]
    return PerformanceTable(period, rule_set, rules, _columns(rules, all_items), rows, all_items)


def sort_rows(table: PerformanceTable, key: str) -> tuple[list[Row], str]:
    """Rows sorted by a column key ("name", "region", "sector", "score", "grade", "unmet", or an item column
    such as "activity_attended" / "proposal_filed__cosigned"); "-" reverses. Sorting is done in Python over
    the period's rows (the computed columns have no SQL form); ties keep the roster order."""
    descending = key.startswith("-")
    name = key.lstrip("-")
    columns = {c.key: c for c in table.columns}
    getters = {
        "name": lambda r: (r.person.sort_name, r.person.name),
        "region": lambda r: r.person.region,
        "sector": lambda r: (r.person.sector.order, r.person.sector.name) if r.person.sector else (9999, ""),
        "score": lambda r: r.score,
        "grade": lambda r: r.score,
        "unmet": lambda r: len(r.unmet),
    }
    if name in columns:
        column = columns[name]
        getter = lambda r: r.value(column)  # noqa: E731
    elif name in getters:
        getter = getters[name]
    else:
        return list(table.rows), "name"
    return sorted(table.rows, key=getter, reverse=descending), key


# ---- One person's archive ---------------------------------------------------------------------------------


@dataclass
class Entry:
    """One item (and role) of a person's archive, with the records behind its count."""

    column: Column
    count: Decimal | int
    records: list
    line: scoring.Line | None


@dataclass
class PersonArchive:
    person: object
    period: Period
    rule_set: RuleSet
    rules: scoring.CompiledRules
    counts: Counts
    result: scoring.Result
    groups: list[tuple[str, list[Entry]]]
    snapshot: Archive | None = None

    @property
    def score(self):
        return self.result.score

    @property
    def grade(self):
        return self.result.grade


def person_counts(person, year: int) -> Counts:
    """One person's counts of the year, through the same sources as the table (so they always agree)."""
    return catalogue.count_all(Period(year), [person.pk], [person.pk])[person.pk]


def person_archive(user, person, *, year: int, with_records: bool = True) -> PersonArchive:
    """A person's archive of a year under the year's rule set: every counted record from every app, grouped,
    each linking to its source page; the score broken down by item with its rule; grade; unmet minimums.

    The caller has checked that the user may see this person's archive (`permissions`). Records are looked
    up only for items with a non-zero count (one query each)."""
    rule_set = require_rule_set(year, person.owner_org)
    rules = scoring.compile_rules(rule_set)
    period = Period(year)
    counts = person_counts(person, year)
    result = scoring.score(counts, rules)
    lines = {line.item.code: line for line in result.lines}
    groups: dict[str, list[Entry]] = {}
    for item in catalogue.ITEMS_LIST:
        roles = [("lead", item.records)]
        if item.shared:
            roles.append(("cosigned", item.cosigned_records))
        for role, lister in roles:
            value = counts.get(item.code, role)
            if not value and item.code not in rules.items:
                continue
            records = lister(period, person.pk) if (with_records and value) else []
            groups.setdefault(item.group, []).append(
                Entry(Column(item, role), value, records, lines.get(item.code) if role == "lead" else None)
            )
    snapshot = Archive.objects.filter(person=person, year=year, owner_org=rule_set.owner_org).first()
    return PersonArchive(person, period, rule_set, rules, counts, result, list(groups.items()), snapshot)


def item_records(person, *, year: int, code: str, role: str = "lead") -> tuple[Item, list]:
    """The records behind one number of the statistics table (person × item × year)."""
    item = catalogue.get(code)
    if item is None:
        raise DomainError("没有这个计分项目。", field="item")
    lister = item.cosigned_records if role == "cosigned" and item.shared else item.records
    return item, lister(Period(year), person.pk)


# ---- Donations --------------------------------------------------------------------------------------------


def _counted_shares(*, start: dt.date, end: dt.date):
    """Shares of verified donations dated in [start, end): what the archive counts."""
    return DonationShare.objects.filter(
        donation__verified_at__isnull=False, donation__date__gte=start, donation__date__lt=end
    )


def donation_counts_by_person(*, start: dt.date, end: dt.date, persons=None) -> dict[int, dict]:
    """Per person, their shares of verified donations dated in the period: amount (元), volunteer_hours,
    trees. One grouped query."""
    qs = _counted_shares(start=start, end=end)
    if persons is not None:
        qs = qs.filter(person_id__in=persons)
    rows = (
        qs.values("person_id")
        .annotate(amount=Sum("amount"), volunteer_hours=Sum("volunteer_hours"), trees=Sum("trees"))
        .order_by()
    )
    return {
        r["person_id"]: {
            "amount": r["amount"] or Decimal(0),
            "volunteer_hours": r["volunteer_hours"] or Decimal(0),
            "trees": r["trees"] or 0,
        }
        for r in rows
    }


def donation_share_records(*, start: dt.date, end: dt.date, person_id: int):
    return (
        _counted_shares(start=start, end=end)
        .filter(person_id=person_id)
        .select_related("donation")
        .order_by("donation__date", "donation_id")
    )


DONATION_SORTS = {"date": ("date", "id"), "amount": ("amount", "id"), "recipient": ("recipient", "id")}


def donation_list(user, *, q: str = "", programme: str = "", year=None, verified: str = "", person=None):
    """Donations the user may see, filtered; each with its shares (persons) and source activity."""
    from django.db.models import Prefetch

    qs = Donation.objects.visible_to(user)
    if q:
        from core.text import normalise

        norm = normalise(q)
        qs = qs.filter(
            Q(recipient__icontains=q)
            | Q(place__icontains=q)
            | Q(shares__person__search_text__contains=norm)
            | Q(donor_org__search_text__contains=norm)
        )
    if programme:
        qs = qs.filter(programme=programme)
    if year:
        try:
            y = int(year)
            qs = qs.filter(date__gte=dt.date(y, 1, 1), date__lt=dt.date(y + 1, 1, 1))
        except (TypeError, ValueError):
            pass
    if verified == "yes":
        qs = qs.filter(verified_at__isnull=False)
    elif verified == "no":
        qs = qs.filter(verified_at__isnull=True)
    if person:
        qs = qs.filter(shares__person_id=person)
    ids = qs.values("pk")
    return (
        Donation.objects.filter(pk__in=ids)
        .select_related("donor_org", "activity", "verified_by", "owner_org")
        .prefetch_related(
            Prefetch("shares", queryset=DonationShare.objects.select_related("person").order_by("id"))
        )
    )


def donation_detail(user, pk: int) -> Donation:
    from core.permissions import get_visible_or_404

    qs = Donation.objects.select_related(
        "donor_org", "activity", "verified_by", "recorded_by"
    ).prefetch_related("shares__person", "files")
    return get_visible_or_404(qs, user, pk=pk)


UNLINKED = "activity"  # key of activities' support amounts not yet entered in the ledger


def donation_totals(user, *, year: int | None = None, group_by: str = "programme") -> list[dict]:
    """Totals of verified donations the user may see, by programme, place, person or year: amount (元),
    volunteer hours, trees, number of donations. Activities whose report records a support amount and that no
    ledger row points to yet are brought in under "活动资助（未登记）" (by programme), their place (by place)
    or their year; a ledger row that points to its activity replaces it, so nothing is counted twice. By
    person, a joint donation counts each person's share; an association's donation has no person."""
    from activities.selectors import activities_with_support

    if group_by not in ("programme", "place", "person", "year"):
        raise DomainError("不支持的汇总方式。", field="group_by")
    donations = Donation.objects.visible_to(user).filter(verified_at__isnull=False)
    start = end = None
    if year:
        start, end = dt.date(int(year), 1, 1), dt.date(int(year) + 1, 1, 1)
        donations = donations.filter(date__gte=start, date__lt=end)
    out: dict = {}

    def add(key, label, amount=0, hours=0, trees=0, n=1):
        row = out.setdefault(
            key,
            {
                "key": key,
                "label": label,
                "amount": Decimal(0),
                "volunteer_hours": Decimal(0),
                "trees": 0,
                "count": 0,
            },
        )
        row["amount"] += Decimal(amount or 0)
        row["volunteer_hours"] += Decimal(hours or 0)
        row["trees"] += trees or 0
        row["count"] += n

    totals = Sum("amount"), Sum("volunteer_hours"), Sum("trees"), Count("id")
    if group_by == "person":
        shares = DonationShare.objects.filter(donation__in=donations.values("pk"))
        for r in (
            shares.values("person_id", "person__name")
            .annotate(
                a=Sum("amount"), h=Sum("volunteer_hours"), t=Sum("trees"), n=Count("donation", distinct=True)
            )
            .order_by("-a", "person__name")
        ):
            add(r["person_id"], r["person__name"], r["a"], r["h"], r["t"], r["n"])
        return list(out.values())
    field_name = {"programme": "programme", "place": "place", "year": "date__year"}[group_by]
    labels = dict(Programme.choices)
    for r in (
        donations.values(field_name)
        .annotate(a=totals[0], h=totals[1], t=totals[2], n=totals[3])
        .order_by(field_name)
    ):
        key = r[field_name]
        label = labels.get(key, key) if group_by == "programme" else (str(key) if key else "未填写")
        add(key, label, r["a"], r["h"], r["t"], r["n"])
    linked = Donation.objects.filter(activity__isnull=False).values("activity_id")
    activity_start = activity_end = None
    if year:
        activity_start = dt.datetime(int(year), 1, 1, tzinfo=catalogue.TZ)
        activity_end = dt.datetime(int(year) + 1, 1, 1, tzinfo=catalogue.TZ)
    for a in activities_with_support(user=user, start=activity_start, end=activity_end).exclude(
        pk__in=linked
    ):
        if group_by == "programme":
            add(UNLINKED, "活动资助（未登记）", a.support_amount)
        elif group_by == "place":
            add(a.place or "未填写", a.place or "未填写", a.support_amount)
        else:
            y = a.starts_at.astimezone(catalogue.TZ).year
            add(y, str(y), a.support_amount)
    rows = list(out.values())
    rows.sort(key=lambda r: (-r["amount"], str(r["label"])) if group_by != "year" else (r["key"],))
    return rows


def unlinked_support_activities(user, *, year: int | None = None):
    """Activities with a support amount that no ledger row points to yet (offered for entry in the ledger)."""
    from activities.selectors import activities_with_support

    start = end = None
    if year:
        start = dt.datetime(int(year), 1, 1, tzinfo=catalogue.TZ)
        end = dt.datetime(int(year) + 1, 1, 1, tzinfo=catalogue.TZ)
    linked = Donation.objects.filter(activity__isnull=False).values("activity_id")
    return activities_with_support(user=user, start=start, end=end).exclude(pk__in=linked)


# ---- Closing ----------------------------------------------------------------------------------------------


def latest_run(user, *, year: int) -> ClosingRun | None:
    return (
        ClosingRun.objects.visible_to(user)
        .filter(year=year)
        .select_related("rule_set")
        .order_by("-created_at", "-id")
        .first()
    )


def closed_archive(user, person, *, year: int) -> Archive | None:
    """The archive stored for the person when the year was closed (with its PDF), if the user may see it."""
    return (
        Archive.objects.visible_to(user)
        .filter(person=person, year=year)
        .exclude(pdf="")
        .order_by("-closed_at", "-id")
        .first()
    )


def closing_runs(user):
    """The closing runs the user may see, newest first."""
    return (
        ClosingRun.objects.visible_to(user)
        .select_related("rule_set", "term", "owner_org", "created_by")
        .order_by("-created_at", "-id")
    )


def run_detail(user, pk: int) -> ClosingRun:
    from core.permissions import get_visible_or_404

    return get_visible_or_404(ClosingRun.objects.select_related("rule_set", "term", "owner_org"), user, pk=pk)


# ---- A member's year at a glance (home page, profile) -------------------------------------------------------


@dataclass
class MinimumStatus:
    label: str
    description: str
    required: Decimal
    actual: Decimal | int

    @property
    def met(self) -> bool:
        return self.actual >= self.required


@dataclass
class Glance:
    """A person's year so far: score, grade, each minimum met or not, the next grade's distance."""

    year: int
    rule_set: RuleSet
    score: Decimal
    grade: str
    minimums: list[MinimumStatus]
    next_grade: str = ""
    gap: Decimal | None = None

    @property
    def unmet(self) -> list[MinimumStatus]:
        return [m for m in self.minimums if not m.met]


def glance_year(person, today: dt.date | None = None) -> int | None:
    """The year to show at a glance: this year when it has rules for the person's committee, else the latest
    earlier year that has; None when there are no rules at all."""
    today = today or timezone.localdate()
    org = person.owner_org
    years = sorted(
        set(RuleSet.objects.filter(year__lte=today.year).values_list("year", flat=True)), reverse=True
    )
    return next((y for y in years if rule_set_for(y, org) is not None), None)


def year_at_a_glance(person, *, year: int) -> Glance:
    """Score and grade so far and every minimum with its actual count, through the same counts and scoring
    as the table and the archive (so they agree). The caller has checked the user may see this person's
    archive. A fixed number of queries: the rule set (about 5) and one per source of counts."""
    rule_set = require_rule_set(year, person.owner_org)
    rules = scoring.compile_rules(rule_set)
    counts = person_counts(person, year)
    result = scoring.score(counts, rules)
    minimums = [
        MinimumStatus(m.label, m.describe(), m.count, sum((counts.total(code) for code in m.codes), 0))
        for m in rules.minimums
    ]
    above = [g for g in rules.grades if g.min_score is not None and g.min_score > result.score]
    nearest = min(above, key=lambda g: g.min_score) if above else None
    return Glance(
        year=year,
        rule_set=rule_set,
        score=result.score,
        grade=result.grade,
        minimums=minimums,
        next_grade=nearest.label if nearest else "",
        gap=(nearest.min_score - result.score) if nearest else None,
    )
