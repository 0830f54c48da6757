"""The leaders' overview: the figures of one year, read only through the other apps' selectors.

Each figure comes from a selector that counts over the very list selector its link opens (same filters), so a
click on a number lands on exactly the records counted. Every panel is a small table (categories × series)
that the page prints as a table and draws as a chart; each cell carries the URL of its records.
"""

from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urlencode

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import timezone

from activities import selectors as activities
from members.models import Region, Sector, Term
from members.selectors import person_scope
from opinions import selectors as opinions
from opinions.models import ReportLevel
from proposals import selectors as proposals
from proposals.models import AdoptionLevel, ProposalStatus, RatingValue, ReplyClass
from visits import selectors as visits
from visits.models import RequestStatus

UNITS_SHOWN = 12
OUTCOMES_SHOWN = 10


@dataclass(frozen=True)
class Filters:
    """What the overview counts: `year`, and whose records (term / region / sector of the person)."""

    year: int
    term: Term | None = None
    region: str = ""
    sector: Sector | None = None

    @property
    def scope_params(self) -> dict:
        """The person filters as URL parameters, understood by every list page the overview links to."""
        out = {}
        if self.term is not None:
            out["term"] = self.term.pk
        if self.region:
            out["region"] = self.region
        if self.sector is not None:
            out["sector"] = self.sector.pk
        return out

    @cached_property
    def persons(self):
        """Ids of the persons in scope (a subquery), or None: computed once per request."""
        return person_scope(self.scope_params)

    @property
    def label(self) -> str:
        parts = [f"{self.year}年"]
        if self.term is not None:
            parts.append(str(self.term))
        if self.region:
            parts.append(dict(Region.choices).get(self.region, self.region))
        if self.sector is not None:
            parts.append(self.sector.name)
        return " · ".join(parts)


def link(url_name: str, filters: Filters | None = None, **params) -> str:
    """`url_name` with `params` and (when given) the person filters of `filters`."""
    query = {**params, **(filters.scope_params if filters else {})}
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return reverse(url_name) + ("?" + urlencode(query) if query else "")


@dataclass
class Cell:
    value: int | float | None
    url: str = ""
    text: str = ""  # how the table shows it, when not the bare number (e.g. "87.5%")

    @property
    def shown(self) -> str:
        return self.text or ("—" if self.value is None else str(self.value))


@dataclass
class Series:
    name: str
    cells: list[Cell]
    kind: str = "bar"  # "bar" or "line" (drawn on a second axis, e.g. a rate)


@dataclass
class Panel:
    """One chart and its table: rows are `categories`, columns are `series`."""

    key: str
    title: str
    chart: str  # "bar", "stack", "hbar", "pie", "combo"
    categories: list[str]
    series: list[Series]
    note: str = ""  # how it is counted (口径), printed under the table
    empty: str = "暂无数据"
    extra: dict = field(default_factory=dict)

    @property
    def has_data(self) -> bool:
        return any(c.value for s in self.series if s.kind == "bar" for c in s.cells)

    @property
    def rows(self) -> list[tuple[str, list[Cell]]]:
        return [(cat, [s.cells[i] for s in self.series]) for i, cat in enumerate(self.categories)]

    def chart_data(self) -> dict:
        """What `dashboard/overview.js` draws (passed with `json_script`)."""
        return {
            "chart": self.chart,
            "categories": self.categories,
            "series": [
                {"name": s.name, "kind": s.kind, "data": [{"value": c.value, "url": c.url} for c in s.cells]}
                for s in self.series
            ],
        }


@dataclass
class Figure:
    """A key figure on top of the overview (and on a leader's home)."""

    label: str
    value: str
    url: str
    hint: str = ""


@dataclass
class Overview:
    filters: Filters
    figures: list[Figure]
    panels: list[Panel]
    outcomes: list = field(default_factory=list)
    computed_at: object = None  # when the figures were counted (they may come from the cache)


def _rate(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def default_year(user) -> int:
    """The latest year in which an activity already took place, else the current year."""
    from django.utils import timezone

    return activities.latest_activity_year(user=user) or timezone.localdate().year


# ---- panels ------------------------------------------------------------------------------------------------


def attendance_panel(user, f: Filters) -> tuple[Panel, dict]:
    months = activities.attendance_by_month(user=user, year=f.year, persons=f.persons)
    urls = [
        link("activities:summary", f, start=m["start"].isoformat(), end=m["end"].isoformat()) for m in months
    ]
    invited = Series("受邀（人次）", [Cell(m["invited"], u) for m, u in zip(months, urls, strict=True)])
    checked = Series("签到（人次）", [Cell(m["checked_in"], u) for m, u in zip(months, urls, strict=True)])
    rates = []
    for m, u in zip(months, urls, strict=True):
        rate = _rate(m["checked_in"], m["invited"]) if m["invited"] else None  # no activity: a gap, not 0%
        rates.append(Cell(rate, u, f"{rate}%" if rate is not None else "—"))
    panel = Panel(
        "attendance",
        "活动出勤率（按月）",
        "combo",
        [f"{m['month']}月" for m in months],
        [invited, checked, Series("出勤率（%）", rates, kind="line")],
        note="受邀：委员、顾问收到的邀请中，活动在当月开始、未取消的人次（含其他单位组织的活动，与履职统计一致）；"
        "签到：其中已签到的人次；出勤率 = 签到 ÷ 受邀。"
        "点击月份打开该月的出勤汇总（按人）。",
        empty="本年没有活动邀请",
    )
    totals = {
        "invited": sum(m["invited"] for m in months),
        "checked_in": sum(m["checked_in"] for m in months),
        "url": link("activities:summary", f, start=f"{f.year}-01-01", end=f"{f.year}-12-31"),
    }
    return panel, totals


def proposal_panels(user, f: Filters) -> tuple[list[Panel], dict]:
    figures = proposals.proposal_figures(user=user, year=f.year, persons=f.persons)

    def plist(**params):
        return link("proposals:list", f, year=f.year, **params)

    status_labels = dict(ProposalStatus.choices)
    states = [s for s in ProposalStatus.values if figures["by_status"][s]]
    by_state = Panel(
        "proposal_states",
        "提案办理状态",
        "hbar",
        [status_labels[s] for s in states],
        [Series("件数", [Cell(figures["by_status"][s], plist(status=s)) for s in states])],
        note=f"{f.year}年提交的提案（不含未提交的草稿），按当前状态。",
        empty="本年没有提交的提案",
    )
    units = proposals.proposals_by_unit(user=user, year=f.year, persons=f.persons, limit=UNITS_SHOWN)
    by_unit = Panel(
        "proposal_units",
        "各承办单位办理件数",
        "stack",
        [u["unit"] for u in units],
        [
            Series("主办/分办", [Cell(u["lead"], plist(unit=u["unit_id"], unit_role="lead")) for u in units]),
            Series("会办/协办", [Cell(u["co"], plist(unit=u["unit_id"], unit_role="co")) for u in units]),
        ],
        note=f"{f.year}年提交、已交办的提案，按承办单位（现行交办）；件数最多的 {UNITS_SHOWN} 个单位。",
        empty="本年尚无交办的提案",
    )
    by_class = Panel(
        "reply_classes",
        "答复类别（A/B/C）",
        "pie",
        [f"{c}类" for c in ReplyClass.values],
        [Series("件数", [Cell(figures["by_class"][c], plist(reply_class=c)) for c in ReplyClass.values])],
        note="已发出答复的提案，按最近一轮答复的类别：A 类已解决或采纳，B 类正在解决或列入计划，"
        "C 类留作参考。分办的提案各单位分别答复，可能同时计入两类。",
        empty="本年尚无已发出的答复",
    )
    rating_labels = dict(RatingValue.choices)
    by_rating = Panel(
        "satisfaction",
        "提案人对答复的评价",
        "pie",
        [rating_labels[v] for v in RatingValue.values],
        [Series("件数", [Cell(figures["by_rating"][v], plist(rating=v)) for v in RatingValue.values])],
        note="按第一提案人最近一次评价（评价“不满意”的提案会再次办理）。",
        empty="本年尚无评价",
    )
    overdue_rows = proposals.overdue_by_unit(user=user, year=f.year, persons=f.persons)
    overdue = Panel(
        "overdue_units",
        "逾期未答复（按主办单位）",
        "hbar",
        [r["unit"] for r in overdue_rows],
        [
            Series(
                "件数",
                [
                    Cell(r["n"], plist(unit=r["unit_id"], unit_role="lead", due="overdue"))
                    for r in overdue_rows
                ],
            )
        ],
        note="仍在办理中、已过答复期限的提案，按主办（分办）单位。",
        empty="没有逾期未答复的提案",
    )
    level_labels = dict(AdoptionLevel.choices)
    levels = [lv for lv in AdoptionLevel.values if figures["adopted_by_level"].get(lv)]
    outcome_panel = Panel(
        "outcomes",
        "办理成效：被采纳与已完成",
        "bar",
        ["被采纳", "已完成"],
        [
            Series(
                "件数",
                [
                    Cell(figures["adopted"], plist(outcome="adopted")),
                    Cell(figures["completed"], plist(outcome="completed")),
                ],
            )
        ],
        note="记录了办理成效的提案：建议被有关单位采纳的，以及所提事项已落实完成的。"
        + (
            "采纳层级："
            + "、".join(f"{level_labels[lv]} {figures['adopted_by_level'][lv]} 件" for lv in levels)
            + "。"
            if levels
            else ""
        ),
        empty="本年尚无记录成效的提案",
    )
    return [by_state, by_unit, by_class, by_rating, overdue, outcome_panel], figures


def opinion_panel(user, f: Filters) -> tuple[Panel, dict]:
    figures = opinions.report_figures(user=user, year=f.year, persons=f.persons)
    labels = dict(ReportLevel.choices)
    panel = Panel(
        "opinion_levels",
        "社情民意信息采用情况（按层级）",
        "bar",
        [labels[lv] for lv in ReportLevel.values],
        [
            Series(
                "篇数",
                [
                    Cell(
                        figures["adopted_by_level"][lv],
                        link("opinions:list", f, year=f.year, adopted_level=lv),
                    )
                    for lv in ReportLevel.values
                ],
            )
        ],
        note=f"{f.year}年报送的社情民意信息中被采用的（含获领导批示的），按采用层级。"
        f"本年报送 {figures['submitted']} 篇，采用 {figures['adopted']} 篇，获批示 {figures['instructed']} 篇。",
        empty="本年尚无被采用的社情民意信息",
    )
    return panel, figures


def request_panel(user, f: Filters) -> tuple[Panel, dict]:
    figures = visits.request_figures(user=user, year=f.year, persons=f.persons)
    labels = dict(RequestStatus.choices)
    order = [RequestStatus.SOLVED, RequestStatus.UNSOLVABLE, RequestStatus.IN_PROGRESS, RequestStatus.OPEN]
    panel = Panel(
        "requests",
        "委员诉求办理情况",
        "pie",
        [labels[s] for s in order],
        [
            Series(
                "件数",
                [Cell(figures[s], link("visits:request_list", f, year=f.year, status=s)) for s in order],
            )
        ],
        note=f"{f.year}年登记的委员、顾问诉求，按当前办理状态；其中超过办理期限仍未办结的 {figures['overdue']} 件。",
        empty="本年没有登记的诉求",
    )
    return panel, figures


def coverage_panel(user, f: Filters) -> tuple[Panel, dict]:
    figures = visits.coverage_counts(user=user, year=f.year, persons=f.persons)
    uncovered = figures["total"] - figures["covered"]

    def cov(show):
        return link("visits:coverage", f, year=f.year, show=show)

    panel = Panel(
        "coverage",
        "走访覆盖",
        "pie",
        ["已覆盖", "未覆盖"],
        [Series("人数", [Cell(figures["covered"], cov("covered")), Cell(uncovered, cov("uncovered"))])],
        note=f"本年完成走访至少 {figures['visits_per_period']} 次的委员、顾问为“已覆盖”（按本委员会的走访规则）。",
        empty="没有可统计的委员、顾问",
    )
    figures["percent"] = _rate(figures["covered"], figures["total"])
    figures["url"] = cov("uncovered")
    return panel, figures


def donation_panel(user, f: Filters) -> Panel | None:
    """Donations by programme from the archives' ledger (verified donations, and activities' support amounts
    not yet entered there). Committee-wide: a donation is not one person's record, so the person filters do
    not apply to it."""
    try:
        from archives.selectors import UNLINKED, donation_totals
    except ImportError:  # an installation without the archives app
        return None
    rows = donation_totals(user, year=f.year, group_by="programme")

    def url(key):
        if key == UNLINKED:
            return link("archives:donations", year=f.year)  # lists the activities still to enter
        return link("archives:donations", year=f.year, programme=key, verified="yes")

    return Panel(
        "donations",
        "捐赠与资助（按项目，元）",
        "bar",
        [r["label"] for r in rows],
        [
            Series(
                "金额（元）", [Cell(float(r["amount"]), url(r["key"]), f"{r['amount']:,.2f}") for r in rows]
            )
        ],
        note="已核实的捐赠台账，以及活动报告中记录、尚未登记入台账的资助；按全委员会统计，不按届次、地区、界别筛选。",
        empty="本年没有捐赠记录",
    )


def minimums_panel(user, f: Filters) -> Panel:
    """Members and advisors below the year's minimum requirements (履职最低要求), from the archives' live
    statistics (`performance_table`, the same table staff open): how many miss any, and each minimum. Raises
    `archives.selectors.NoRuleSet` when the year has no rule set."""
    from archives.selectors import performance_table

    table = performance_table(user, year=f.year, filters=f.scope_params)
    labels = [m.label for m in table.rules.minimums]
    counts = {label: 0 for label in labels}
    for row in table.rows:  # the table's rows are already computed in Python by the archives' scoring
        for unmet in row.unmet:
            counts[unmet.label] = counts.get(unmet.label, 0) + 1

    def url(unmet):
        return link("archives:statistics", f, year=f.year, unmet=unmet)

    return Panel(
        "minimums",
        "未达到履职最低要求的委员、顾问",
        "hbar",
        ["任一项未达到", *labels],
        [
            Series(
                "人数",
                [Cell(table.unmet_count, url("any"))] + [Cell(counts[label], url(label)) for label in labels],
            )
        ],
        note=f"按{table.rules.label}的最低要求，{table.count} 人中 {table.unmet_count} 人至少一项未达到；"
        "点击打开履职统计表中的这些人员。",
        empty="全部达到最低要求",
    )


# ---- the whole page ----------------------------------------------------------------------------------------


def _cached(kind: str, user, f: Filters, compute):
    """The figures of `kind` for this user and these filters, counted at most once every
    `TONGXIN_OVERVIEW_CACHE_SECONDS` (0: always counted). The year's statistics change slowly and counting them
    reads every invitation of the year; the page says when they were counted. Per user, so a cached figure
    never shows anyone more than their own visibility allows."""
    seconds = settings.TONGXIN_OVERVIEW_CACHE_SECONDS
    key = ":".join(
        str(x)
        for x in (
            "dashboard",
            kind,
            user.pk,
            f.year,
            f.term.pk if f.term else "",
            f.sector.pk if f.sector else "",
            f.region.encode().hex(),
        )
    )
    value = cache.get(key) if seconds else None
    if value is None:
        value = (compute(), timezone.now())
        if seconds:
            cache.set(key, value, seconds)
    return value


def overview(*, user, filters: Filters) -> Overview:
    """Every panel of the overview for `filters`: counted, or from the cache if counted in the last minute."""
    (figures, panels, outcomes), computed_at = _cached(
        "overview", user, filters, lambda: _overview(user=user, filters=filters)
    )
    return Overview(
        filters=filters, figures=figures, panels=panels, outcomes=outcomes, computed_at=computed_at
    )


def _overview(*, user, filters: Filters) -> tuple[list, list, list]:
    """A fixed number of queries, whatever the amount of data."""
    f = filters
    attendance, att = attendance_panel(user, f)
    proposal_list, pf = proposal_panels(user, f)
    opinion, of = opinion_panel(user, f)
    requests, rf = request_panel(user, f)
    coverage, cf = coverage_panel(user, f)
    figures = key_figures(f, att=att, pf=pf, of=of, rf=rf, cf=cf)
    outcomes = list(proposals.adopted_outcomes(user=user, year=f.year, persons=f.persons)[:OUTCOMES_SHOWN])
    donations = donation_panel(user, f)
    panels = [attendance, *proposal_list, opinion, requests, coverage, *([donations] if donations else [])]
    return figures, panels, outcomes


def headline(*, user, filters: Filters) -> list[Figure]:
    """Only the key figures (a leader's home page), cached like the overview."""
    return _cached("headline", user, filters, lambda: _headline(user=user, filters=filters))[0]


def _headline(*, user, filters: Filters) -> list[Figure]:
    f = filters
    _, att = attendance_panel(user, f)
    pf = proposals.proposal_figures(user=user, year=f.year, persons=f.persons)
    of = opinions.report_figures(user=user, year=f.year, persons=f.persons)
    rf = visits.request_figures(user=user, year=f.year, persons=f.persons)
    _, cf = coverage_panel(user, f)
    return key_figures(f, att=att, pf=pf, of=of, rf=rf, cf=cf)


def key_figures(f: Filters, *, att, pf, of, rf, cf) -> list[Figure]:
    rate = _rate(att["checked_in"], att["invited"])
    return [
        Figure(
            "活动出勤率",
            f"{rate}%" if att["invited"] else "—",
            att["url"],
            f"签到 {att['checked_in']} / 受邀 {att['invited']} 人次",
        ),
        Figure(
            "提交提案",
            str(pf["total"]),
            link("proposals:list", f, year=f.year),
            f"其中重点提案 {pf['key']} 件",
        ),
        Figure(
            "提案被采纳",
            str(pf["adopted"]),
            link("proposals:list", f, year=f.year, outcome="adopted"),
            f"已落实完成 {pf['completed']} 件",
        ),
        Figure(
            "逾期未答复",
            str(pf["overdue"]),
            link("proposals:list", f, year=f.year, due="overdue"),
            "仍在办理中、已过答复期限",
        ),
        Figure(
            "社情民意被采用",
            str(of["adopted"]),
            link("opinions:list", f, year=f.year, adopted=1),
            f"报送 {of['submitted']} 篇",
        ),
        Figure(
            "诉求已解决",
            str(rf[RequestStatus.SOLVED]),
            link("visits:request_list", f, year=f.year, status=RequestStatus.SOLVED),
            f"登记 {rf['total']} 件，未办结 {rf[RequestStatus.OPEN] + rf[RequestStatus.IN_PROGRESS]} 件",
        ),
        Figure(
            "走访覆盖率",
            f"{cf['percent']}%",
            cf["url"],
            f"已覆盖 {cf['covered']} / {cf['total']} 人",
        ),
    ]
