"""The yearly work summary draft (年度工作总结草稿), written from the records in the manner of the committee's
own report: three parts (political guidance and study; advice and its effect; liaison, visits and giving),
each sentence built only from figures and names found in the records.

No invented facts: every figure is a `Fact` with the selector and filters it came from and a link to the
records behind it; names and titles are the records' own. A part with nothing to report says so rather than
filling the gap. Staff download it as Word (`docx.py`) and edit it there.
"""

from dataclasses import dataclass, field
from decimal import Decimal

from activities import selectors as activities
from proposals import selectors as proposals
from proposals.models import ProposalStatus, RatingValue, ReplyClass
from visits import selectors as visits
from visits.models import RequestCategory, RequestStatus, VisitMode

from . import selectors as overview
from .selectors import Filters, link


@dataclass
class Fact:
    """One figure of the draft: what it counts, where it comes from, and the records behind it."""

    n: int
    value: str
    label: str
    source: str
    url: str


class Name(str):
    """Text taken from a record as it is (a title, a city, a body's name, an outcome), never our wording."""


@dataclass
class Paragraph:
    parts: list  # our wording (str), a record's own text (Name), or a figure (Fact)

    @property
    def text(self) -> str:
        return "".join(p.value if isinstance(p, Fact) else p for p in self.parts)


@dataclass
class Section:
    heading: str
    paragraphs: list[Paragraph] = field(default_factory=list)


@dataclass
class Draft:
    title: str
    year: int
    organisation: str
    intro: Paragraph
    sections: list[Section]
    facts: list[Fact]


class _Writer:
    """Collects the facts (numbered in order of appearance) and the paragraphs that cite them."""

    def __init__(self):
        self.facts: list[Fact] = []

    def fact(self, value, label: str, source: str, url: str) -> Fact:
        fact = Fact(len(self.facts) + 1, str(value), label, source, url)
        self.facts.append(fact)
        return fact


def money(amount) -> str:
    """240000 → 24万元, 100000.50 → 100,000.50元 (as a Chinese report writes amounts)."""
    amount = Decimal(amount or 0)
    if amount and amount % 10000 == 0:
        return f"{int(amount // 10000)}万元"
    if amount == amount.to_integral_value():
        return f"{int(amount):,}元"
    return f"{amount:,.2f}元"


def _join(names: list[str], limit: int = 12) -> str:
    names = [n for n in names if n]
    return "、".join(names[:limit]) + ("等" if len(names) > limit else "")


def build(*, user, year: int, organisation_name: str) -> Draft:
    """The draft for `year` from the records `user` may see (a fixed number of queries)."""
    w = _Writer()
    f = Filters(year=year)
    coverage = visits.coverage_counts(user=user, year=year)
    intro = Paragraph(
        [
            f"{year}年，",
            Name(organisation_name),
            "联系委员、顾问",
            w.fact(
                coverage["total"],
                "委员、顾问人数",
                "visits.selectors.coverage_counts：本委员会可见的委员、顾问",
                link("visits:coverage", year=year, show="all"),
            ),
            "名，围绕凝聚共识、凝聚智慧、凝聚力量开展工作。现将全年工作总结如下（文中数字均取自平台记录，"
            "编号对应“数据来源”）。",
        ]
    )
    sections = [
        _guidance(w, user, f),
        _advice(w, user, f),
        _liaison(w, user, f, coverage),
    ]
    return Draft(
        title=f"{organisation_name}{year}年工作总结（草稿）",
        year=year,
        organisation=organisation_name,
        intro=intro,
        sections=sections,
        facts=w.facts,
    )


# ---- 一、加强思想政治引领 ----------------------------------------------------------------------------------


def _guidance(w: _Writer, user, f: Filters) -> Section:
    y = f.year
    section = Section("一、加强思想政治引领，组织学习考察")
    figures = activities.activity_figures(user=user, year=y)
    if not figures["total"]:
        section.paragraphs.append(Paragraph([f"{y}年平台上没有已举办的活动记录。"]))
        return section
    _, attendance = overview.attendance_panel(user, f)
    parts = [
        "通过学习交流会、座谈调研会、情况通报会等形式，帮助委员、顾问知情明政。全年组织各类活动",
        w.fact(
            figures["total"],
            "已举办的活动（不含取消的）",
            f"activities.selectors.activity_figures(year={y})",
            link("activities:list", year=y, cancelled="0"),
        ),
        "场，其中",
    ]
    for i, kind in enumerate(figures["by_kind"]):
        parts += [
            "、" if i else "",
            Name(kind["kind"]),
            w.fact(
                kind["n"],
                f"{kind['kind']}场次",
                f"activities.selectors.activity_figures(year={y})，类别“{kind['kind']}”",
                link("activities:list", year=y, cancelled="0", kind=kind["kind_id"]),
            ),
            "场",
        ]
    rate = overview._rate(attendance["checked_in"], attendance["invited"])
    parts += [
        "；委员、顾问全年签到参加活动",
        w.fact(
            attendance["checked_in"],
            "签到人次",
            f"activities.selectors.attendance_by_month(year={y})：各月签到合计",
            attendance["url"],
        ),
        "人次，出勤率",
        w.fact(
            f"{rate}%",
            "出勤率（签到 ÷ 受邀）",
            f"activities.selectors.attendance_by_month(year={y})：签到合计 ÷ 受邀合计 {attendance['invited']}",
            attendance["url"],
        ),
        "。",
    ]
    section.paragraphs.append(Paragraph(parts))
    for kind in figures["by_kind"]:
        if kind["is_trip"]:
            for a in kind["activities"]:
                cities = [s.city for s in a.stops.all()]
                if cities:
                    section.paragraphs.append(
                        Paragraph(
                            [
                                "组织委员、顾问赴",
                                Name(_join(cities)),
                                "等地开展",
                                Name(kind["kind"]),
                                "（",
                                w.fact(
                                    len(cities),
                                    f"“{a.title}”的行程站点数",
                                    f"activities.TripStop：活动“{a.title}”的站点",
                                    f"/activities/{a.pk}/",
                                ),
                                "站）。",
                            ]
                        )
                    )
        else:
            prefix = f"{kind['kind']}："  # "主题党日：参观广州华侨博物馆" → "参观广州华侨博物馆"
            titles = [a.title.removeprefix(prefix) for a in kind["activities"]]
            section.paragraphs.append(Paragraph([Name(kind["kind"]), "：", Name(_join(titles, 8)), "。"]))
    return section


# ---- 二、建言资政 -----------------------------------------------------------------------------------------


def _advice(w: _Writer, user, f: Filters) -> Section:
    y = f.year
    section = Section("二、精准协商建言，推动履职见实效")
    section.paragraphs += _consultations(w, user, y)
    pf = proposals.proposal_figures(user=user, year=y)

    def plist(**params):
        return link("proposals:list", year=y, **params)

    if pf["total"]:
        by_status, by_class, by_rating = pf["by_status"], pf["by_class"], pf["by_rating"]
        parts = [
            "委员、顾问全年提交提案",
            w.fact(
                pf["total"], "提交的提案", f"proposals.selectors.proposal_figures(year={y})：合计", plist()
            ),
            "件，其中重点提案",
            w.fact(
                pf["key"], "重点提案", f"proposals.selectors.proposal_figures(year={y})：重点", plist(key=1)
            ),
            "件；目前正在办理",
            w.fact(
                by_status[ProposalStatus.HANDLING],
                "办理中的提案",
                f"proposal_list(year={y}, status=handling)",
                plist(status=ProposalStatus.HANDLING),
            ),
            "件，已办结",
            w.fact(
                by_status[ProposalStatus.CLOSED],
                "已办结的提案",
                f"proposal_list(year={y}, status=closed)",
                plist(status=ProposalStatus.CLOSED),
            ),
            "件。已答复的提案中，",
        ]
        for i, c in enumerate(ReplyClass.values):
            parts += [
                "、" if i else "",
                f"{c}类",
                w.fact(
                    by_class[c],
                    f"{c}类答复",
                    f"proposal_list(year={y}, reply_class={c})",
                    plist(reply_class=c),
                ),
                "件",
            ]
        labels = dict(RatingValue.choices)
        parts.append("；提案人评价")
        for i, v in enumerate(RatingValue.values):
            parts += [
                "、" if i else "",
                labels[v],
                w.fact(
                    by_rating[v],
                    f"提案人评价“{labels[v]}”",
                    f"proposal_list(year={y}, rating={v})",
                    plist(rating=v),
                ),
                "件",
            ]
        parts.append("。")
        section.paragraphs.append(Paragraph(parts))
    else:
        section.paragraphs.append(Paragraph([f"{y}年平台上没有提交的提案记录。"]))

    for p in proposals.key_proposals(user=user, year=y):
        leaders = [u.display_name for u in p.supervisors.all()]
        section.paragraphs.append(
            Paragraph(
                [
                    Name(f"《{p.title}》"),
                    "列入重点提案",
                    *(["，由", Name(_join(leaders)), "督办"] if leaders else []),
                    "，先后开展跟踪调研、座谈等",
                    w.fact(
                        p.n_followups,
                        f"《{p.title}》的跟踪记录",
                        "proposals.FollowUp：该提案的跟踪记录",
                        f"/proposals/{p.pk}/",
                    ),
                    "次，共同协商推进办理。",
                ]
            )
        )
    outcomes = list(proposals.adopted_outcomes(user=user, year=y))
    if outcomes:
        section.paragraphs.append(
            Paragraph(
                [
                    "注重从“做了什么”“做了多少”向“做出什么效果”转变，全年有",
                    w.fact(
                        len(outcomes),
                        "被采纳的提案",
                        f"proposals.selectors.adopted_outcomes(year={y})",
                        plist(outcome="adopted"),
                    ),
                    "件提案的建议被采纳：",
                ]
            )
        )
        for p in outcomes:
            o = p.outcome
            by = o.adopted_by.display_name if o.adopted_by else "有关单位"
            done = ["，已于", Name(f"{o.completed_on:%Y年%-m月%-d日}"), "落实完成"] if o.completed_on else []
            section.paragraphs.append(
                Paragraph(
                    [
                        Name(f"《{p.title}》"),
                        "被",
                        Name(by),
                        "采纳。",
                        Name(o.actions.rstrip("。")),
                        *done,
                        "。",
                    ]
                )
            )

    from opinions import selectors as opinions
    from opinions.models import ReportLevel

    of = opinions.report_figures(user=user, year=y)
    if of["submitted"]:
        levels = dict(ReportLevel.choices)
        parts = [
            "报送社情民意信息",
            w.fact(
                of["submitted"],
                "报送的社情民意信息",
                f"opinions.selectors.report_figures(year={y})",
                link("opinions:list", year=y),
            ),
            "篇，被采用",
            w.fact(
                of["adopted"],
                "被采用的社情民意信息",
                f"report_list(year={y}, adopted=1)",
                link("opinions:list", year=y, adopted=1),
            ),
            "篇",
        ]
        used = [lv for lv in ReportLevel.values if of["adopted_by_level"][lv]]
        if used:
            parts.append("（")
            for i, lv in enumerate(used):
                parts += [
                    "、" if i else "",
                    f"{levels[lv]}",
                    w.fact(
                        of["adopted_by_level"][lv],
                        f"{levels[lv]}采用",
                        f"report_list(year={y}, adopted_level={lv})",
                        link("opinions:list", year=y, adopted_level=lv),
                    ),
                    "篇",
                ]
            parts.append("）")
        parts += [
            "，获领导批示",
            w.fact(
                of["instructed"],
                "获领导批示",
                f"report_list(year={y}, status=instructed)",
                link("opinions:list", year=y, status="instructed"),
            ),
            "篇。",
        ]
        section.paragraphs.append(Paragraph(parts))
    return section


def _consultations(w: _Writer, user, y: int) -> list[Paragraph]:
    """Consultation meetings of the year (topics collected and chosen, speeches) and research topics with
    their partner bodies and adopted results."""
    from consultations import selectors as consultations

    out = []
    meetings = list(consultations.meeting_list(user=user, year=y).order_by("date", "id"))
    if meetings:
        out.append(
            Paragraph(
                [
                    "围绕重点、热点、难点问题精准建言，全年召开协商会议",
                    w.fact(
                        len(meetings),
                        "协商会议",
                        f"consultations.selectors.meeting_list(year={y})",
                        link("consultations:meeting_list", year=y),
                    ),
                    "次。",
                ]
            )
        )
    for m in meetings:
        topics = f"/consultations/{m.pk}/topics/"
        out.append(
            Paragraph(
                [
                    Name(f"{m.date:%-m月%-d日}"),
                    "召开",
                    Name(m.title),
                    "，会前征集选题",
                    w.fact(
                        m.topic_count, f"“{m.title}”征集的选题", "consultations.Topic：该会议的选题", topics
                    ),
                    "个，协商确定",
                    w.fact(
                        m.selected_count,
                        f"“{m.title}”确定的选题",
                        "consultations.Topic：状态为已确定",
                        topics,
                    ),
                    "个，安排发言",
                    w.fact(
                        m.speech_count,
                        f"“{m.title}”的发言（不含撤回）",
                        "consultations.Speech：该会议的发言",
                        f"/consultations/{m.pk}/",
                    ),
                    "篇。",
                ]
            )
        )
    research = list(consultations.research_list(user=user, year=y).order_by("start_date", "id"))
    if research:
        partners = consultations.partners_for([t.pk for t in research])
        names = sorted({o.display_name for t in research for o in partners.get(t.pk, [])})
        out.append(
            Paragraph(
                [
                    *(["加强与", Name(_join(names)), "等单位的协作，"] if names else []),
                    "开展课题研究",
                    w.fact(
                        len(research),
                        "课题研究（本年在研或结题）",
                        f"consultations.selectors.research_list(year={y})",
                        link("consultations:research_list", year=y),
                    ),
                    "项：",
                    Name(_join([f"《{t.title}》" for t in research])),
                    "。",
                ]
            )
        )
        for t in research:
            if t.adopted_by_id and t.outcome:
                out.append(
                    Paragraph(
                        [
                            Name(f"《{t.title}》"),
                            "的成果被",
                            Name(t.adopted_by.display_name),
                            "采纳。",
                            Name(t.outcome.rstrip("。")),
                            "。",
                        ]
                    )
                )
    return out


# ---- 三、联谊交友、走访谈心 -------------------------------------------------------------------------------


def _liaison(w: _Writer, user, f: Filters, coverage: dict) -> Section:
    y = f.year
    section = Section("三、广泛联谊交友，走访谈心解难题")
    vf = visits.visit_figures(user=user, year=y)
    if vf["total"]:
        modes = dict(VisitMode.choices)
        parts = [
            "落实走访委员、顾问制度，全年走访",
            w.fact(
                vf["total"],
                "已完成的走访",
                f"visits.selectors.visit_figures(year={y})",
                link("visits:list", year=y, status="done"),
            ),
            "次（",
        ]
        used = [m for m in VisitMode.values if vf["by_mode"][m]]
        for i, m in enumerate(used):
            parts += [
                "、" if i else "",
                modes[m],
                w.fact(
                    vf["by_mode"][m],
                    f"{modes[m]}次数",
                    f"visit_list(year={y}, status=done, mode={m})",
                    link("visits:list", year=y, status="done", mode=m),
                ),
                "次",
            ]
        pct = overview._rate(coverage["covered"], coverage["total"])
        parts += [
            "），覆盖委员、顾问",
            w.fact(
                coverage["covered"],
                "本年已走访覆盖的人数",
                f"visits.selectors.coverage_counts(year={y})",
                link("visits:coverage", year=y, show="covered"),
            ),
            "人，覆盖率",
            w.fact(
                f"{pct}%",
                "走访覆盖率（已覆盖 ÷ 委员、顾问人数）",
                f"visits.selectors.coverage_counts(year={y})：{coverage['covered']} ÷ {coverage['total']}",
                link("visits:coverage", year=y, show="all"),
            ),
            "。",
        ]
        section.paragraphs.append(Paragraph(parts))
    rf = visits.request_figures(user=user, year=y)
    if rf["total"]:
        solved = visits.request_list(user=user, year=y, status=RequestStatus.SOLVED)
        categories = dict(RequestCategory.choices)
        kinds = sorted({categories.get(c, c) for c in solved.values_list("category", flat=True)})

        def rl(**params):
            return link("visits:request_list", year=y, **params)

        parts = [
            "深入了解委员、顾问的心声诉求，登记诉求",
            w.fact(rf["total"], "登记的诉求", f"visits.selectors.request_figures(year={y})", rl()),
            "件，已协助解决",
            w.fact(
                rf[RequestStatus.SOLVED],
                "已解决的诉求",
                f"request_list(year={y}, status=solved)",
                rl(status="solved"),
            ),
            *(["件（涉及", Name(_join(kinds)), "）"] if kinds else ["件"]),
        ]
        if rf[RequestStatus.UNSOLVABLE]:
            parts += [
                "，因客观条件所限无法解决并已作说明",
                w.fact(
                    rf[RequestStatus.UNSOLVABLE],
                    "无法解决的诉求",
                    f"request_list(year={y}, status=unsolvable)",
                    rl(status="unsolvable"),
                ),
                "件",
            ]
        pending = rf[RequestStatus.OPEN] + rf[RequestStatus.IN_PROGRESS]
        if pending:
            parts += [
                "，仍在办理",
                w.fact(
                    rf[RequestStatus.IN_PROGRESS],
                    "办理中的诉求",
                    f"request_list(year={y}, status=in_progress)",
                    rl(status="in_progress"),
                ),
                "件、待办理",
                w.fact(
                    rf[RequestStatus.OPEN],
                    "待办理的诉求",
                    f"request_list(year={y}, status=open)",
                    rl(status="open"),
                ),
                "件",
            ]
        parts.append("。")
        section.paragraphs.append(Paragraph(parts))
    lf = visits.liaison_figures(user=user, year=y)
    if lf["events"]:
        names = [o["name"] for o in lf["organisations"]]  # short names where the directory has them
        section.paragraphs.append(
            Paragraph(
                [
                    "加强与",
                    Name(_join(names)),
                    "的工作联动，全年开展联谊交流",
                    w.fact(
                        lf["events"],
                        "联谊活动",
                        f"visits.selectors.liaison_figures(year={y})",
                        link("visits:liaison_events", year=y),
                    ),
                    "次，涉及",
                    w.fact(
                        len(names),
                        "联谊单位",
                        f"visits.selectors.liaison_figures(year={y})：涉及的单位",
                        link("visits:liaison_events", year=y),
                    ),
                    "个单位和社团。",
                ]
            )
        )
    section.paragraphs += _giving(w, user, y)
    if not section.paragraphs:
        section.paragraphs.append(Paragraph([f"{y}年平台上没有走访、诉求、联谊或捐赠记录。"]))
    return section


def _giving(w: _Writer, user, y: int) -> list[Paragraph]:
    """Donations by place, from the archives' ledger (verified donations, plus activities' support amounts
    not yet entered in the ledger)."""
    try:
        from archives.selectors import donation_totals
    except ImportError:  # an installation without the archives app
        return []
    rows = [r for r in donation_totals(user, year=y, group_by="place") if r["amount"] or r["trees"]]
    if not rows:
        return []
    url = link("archives:donations", year=y, group="place")
    parts = ["发动委员、顾问积极参与乡村振兴、“百千万工程”和“绿美”广州工作："]
    for i, r in enumerate(rows):
        parts += ["；" if i else "", "在", Name(r["label"])]
        if r["amount"]:
            parts += [
                "捐资",
                w.fact(
                    money(r["amount"]),
                    f"在{r['label']}的捐资金额",
                    f"archives.selectors.donation_totals(year={y}, group_by=place)",
                    url,
                ),
            ]
        if r["trees"]:
            parts += [
                "植树",
                w.fact(
                    r["trees"],
                    f"在{r['label']}植树（棵）",
                    f"archives.selectors.donation_totals(year={y}, group_by=place)",
                    url,
                ),
                "棵",
            ]
    total = sum((r["amount"] for r in rows), Decimal(0))
    parts += [
        "，合计捐资",
        w.fact(money(total), "捐资合计", f"archives.selectors.donation_totals(year={y})：合计", url),
        "。",
    ]
    return [Paragraph(parts)]
