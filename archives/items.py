"""The catalogue of countable items (计分项目): what the archive counts, and where each count comes from.

Each `Item` has a code, a Chinese label and unit, a *source* (one grouped query over all persons of a table for
a period, from the owning app's `selectors.py`, returning {person_id: {key: value}}) with the key it reads,
and a *record lister* (the records behind one person's count, each linking to its source page). Several items
share a source (attended / leave / absent come from one query over invitations), so a whole table costs one
query per source, whatever the number of persons.

Proposal items that distinguish the first proposer from co-signers are *shared*: the source gives a lead
count (`key`) and a co-signer count (`cosigned_key`); a rule gives each its own points.

Adding an item is one entry in `ITEMS` (plus, if its numbers come from a new place, one source in `SOURCES`
and one selector in the owning app). Rule sets refer to items by code only, so old rule sets keep working.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.urls import reverse

TZ = ZoneInfo(settings.TIME_ZONE)  # year boundaries are Asia/Shanghai midnights


@dataclass(frozen=True)
class Period:
    """A year [1 Jan, 1 Jan next year) in Asia/Shanghai (dates for date fields, aware datetimes for times)."""

    year: int

    @property
    def start(self) -> dt.date:
        return dt.date(self.year, 1, 1)

    @property
    def end(self) -> dt.date:
        return dt.date(self.year + 1, 1, 1)

    @property
    def start_dt(self) -> dt.datetime:
        return dt.datetime(self.year, 1, 1, tzinfo=TZ)

    @property
    def end_dt(self) -> dt.datetime:
        return dt.datetime(self.year + 1, 1, 1, tzinfo=TZ)

    @property
    def label(self) -> str:
        return f"{self.year}年度"


@dataclass(frozen=True)
class Record:
    """One record behind a count: when, what, where to read it (its own app's page)."""

    date: dt.date | None
    title: str
    url: str
    note: str = ""
    value: Decimal | int | None = None  # for amounts: this record's part (元 / 小时 / 棵)


@dataclass(frozen=True)
class Item:
    code: str
    label: str
    unit: str
    group: str
    source: str
    key: str
    records: Callable[[Period, int], list[Record]]
    definition: str
    cosigned_key: str | None = None
    cosigned_records: Callable[[Period, int], list[Record]] | None = None
    is_amount: bool = False  # a sum (元, 小时) rather than a count of records

    @property
    def shared(self) -> bool:
        return self.cosigned_key is not None


# ---- Sources: one grouped query each, {person_id: {key: value}} ------------------------------------------


def _invitations(period: Period, persons) -> dict:
    from activities.selectors import invitation_counts_by_person

    out = invitation_counts_by_person(start=period.start_dt, end=period.end_dt, persons=persons)
    for row in out.values():
        # Plenary sittings are counted by their own items, never again as activities.
        row["activity_attended"] = row["attended"] - row["plenary_attended"]
        row["activity_leave"] = row["leave"] - row["plenary_leave"]
        row["activity_absent"] = row["absent"] - row["plenary_absent"]
    return out


def _proposals(period: Period, persons) -> dict:
    from proposals.selectors import proposal_counts_by_person

    return proposal_counts_by_person(start=period.start_dt, end=period.end_dt, persons=persons)


def _reports(period: Period, persons) -> dict:
    from opinions.selectors import report_counts_by_author

    return report_counts_by_author(start=period.start_dt, end=period.end_dt, persons=persons)


def _visits(period: Period, persons) -> dict:
    from visits.selectors import visit_counts_by_person

    counts = visit_counts_by_person(start=period.start, end=period.end, persons=persons)
    return {pid: {"received": n} for pid, n in counts.items()}


def _requests(period: Period, persons) -> dict:
    from visits.selectors import solved_request_counts_by_person

    counts = solved_request_counts_by_person(start=period.start_dt, end=period.end_dt, persons=persons)
    return {pid: {"solved": n} for pid, n in counts.items()}


def _donations(period: Period, persons) -> dict:
    from .selectors import donation_counts_by_person

    return donation_counts_by_person(start=period.start, end=period.end, persons=persons)


def _speeches(period: Period, persons) -> dict:
    from consultations.selectors import speech_counts_by_person

    return speech_counts_by_person(start=period.start, end=period.end, persons=persons)


def _research(period: Period, persons) -> dict:
    from consultations.selectors import research_output_counts_by_person

    return research_output_counts_by_person(start=period.start, end=period.end, persons=persons)


SOURCES: dict[str, Callable[[Period, object], dict]] = {
    "invitations": _invitations,
    "proposals": _proposals,
    "reports": _reports,
    "visits": _visits,
    "requests": _requests,
    "donations": _donations,
    "speeches": _speeches,
    "research": _research,
}


# ---- Record listers --------------------------------------------------------------------------------------


def _invitation_records(statuses: tuple, *, plenary: bool | None):
    def lister(period: Period, person_id: int) -> list[Record]:
        from activities.selectors import invitation_records

        qs = invitation_records(
            start=period.start_dt, end=period.end_dt, person_id=person_id, statuses=statuses, plenary=plenary
        )
        return [
            Record(
                date=_local_date(inv.activity.starts_at),
                title=inv.activity.title,
                url=reverse("activities:detail", args=[inv.activity_id]),
                note=f"{inv.activity.kind.name} · {inv.get_status_display()}",
            )
            for inv in qs
        ]

    return lister


def _proposal_records(role: str, flag: str = ""):
    def lister(period: Period, person_id: int) -> list[Record]:
        from proposals.selectors import proposal_records

        qs = proposal_records(
            start=period.start_dt, end=period.end_dt, person_id=person_id, role=role, flag=flag
        )
        return [
            Record(
                date=_local_date(p.submitted_at),
                title=p.title,
                url=reverse("proposals:detail", args=[p.pk]),
                note=" · ".join(
                    x
                    for x in (
                        "领衔" if role == "lead" else f"联名（领衔：{p.author.name}）",
                        p.number_label,
                        p.get_status_display(),
                        "重点提案" if p.is_key else "",
                    )
                    if x
                ),
            )
            for p in qs
        ]

    return lister


def _report_records(adopted_level: str = "", instruction_level: str = ""):
    def lister(period: Period, person_id: int) -> list[Record]:
        from opinions.selectors import report_records

        qs = report_records(
            start=period.start_dt,
            end=period.end_dt,
            person_id=person_id,
            adopted_level=adopted_level,
            instruction_level=instruction_level,
        )
        out = []
        for r in qs:
            note = [r.number, r.get_status_display()]
            if r.adopted_level:
                note.append(f"{r.get_adopted_level_display()}采用（{r.adopted_by}）")
            if r.instruction_level:
                note.append(f"{r.get_instruction_level_display()}领导批示")
            out.append(
                Record(
                    date=_local_date(r.submitted_at),
                    title=r.title,
                    url=reverse("opinions:detail", args=[r.pk]),
                    note=" · ".join(x for x in note if x),
                )
            )
        return out

    return lister


def _visit_records(period: Period, person_id: int) -> list[Record]:
    from visits.selectors import visit_records

    return [
        Record(date=v.date, title=f"{v.get_mode_display()}", url=reverse("visits:detail", args=[v.pk]))
        for v in visit_records(start=period.start, end=period.end, person_id=person_id)
    ]


def _request_records(period: Period, person_id: int) -> list[Record]:
    from visits.selectors import solved_request_records

    return [
        Record(
            date=_local_date(r.solved_at),
            title=r.title,
            url=reverse("visits:request_detail", args=[r.pk]),
            note=r.get_category_display(),
        )
        for r in solved_request_records(start=period.start_dt, end=period.end_dt, person_id=person_id)
    ]


def _speech_records(period: Period, person_id: int) -> list[Record]:
    from consultations.selectors import speech_records

    return [
        Record(
            date=s.delivered_on,
            title=s.title,
            url=reverse("consultations:speech_detail", args=[s.pk]),
            note=s.meeting.title,
        )
        for s in speech_records(start=period.start, end=period.end, person_id=person_id)
    ]


def _research_output_records(period: Period, person_id: int) -> list[Record]:
    from consultations.selectors import research_output_records

    return [
        Record(
            date=o.completed_on,
            title=o.title,
            url=reverse("consultations:research_detail", args=[o.topic_id]),
            note=f"{o.get_kind_display()} · 课题：{o.topic.title}",
        )
        for o in research_output_records(start=period.start, end=period.end, person_id=person_id)
    ]


def _donation_records(attr: str):
    def lister(period: Period, person_id: int) -> list[Record]:
        from .selectors import donation_share_records

        out = []
        for share in donation_share_records(start=period.start, end=period.end, person_id=person_id):
            value = getattr(share, attr)
            if not value:
                continue
            d = share.donation
            out.append(
                Record(
                    date=d.date,
                    title=f"{d.get_programme_display()} · {d.recipient}",
                    url=reverse("archives:donation_detail", args=[d.pk]),
                    note=d.place,
                    value=value,
                )
            )
        return out

    return lister


def _local_date(value) -> dt.date | None:
    if value is None:
        return None
    return value.astimezone(TZ).date()


# ---- The catalogue --------------------------------------------------------------------------------------

_CHECKED_IN = ("checked_in",)
_LEAVE = ("leave_requested", "leave_approved")
_ABSENT = ("absent",)
_ALL_INVITATIONS = (
    "invited",
    "confirmed",
    "waitlisted",
    "declined",
    "leave_requested",
    "leave_approved",
    "checked_in",
    "absent",
)
_LEVELS = (("national", "全国"), ("provincial", "省级"), ("city", "市级"))

G_MEETINGS, G_PROPOSALS, G_CONSULTATION, G_REPORTS, G_VISITS, G_GIVING = (
    "会议活动",
    "提案",
    "协商调研",
    "社情民意",
    "走访诉求",
    "捐赠公益",
)

ITEMS_LIST: list[Item] = [
    Item(
        "activity_invited", "受邀活动", "次", G_MEETINGS, "invitations", "invited",
        _invitation_records(_ALL_INVITATIONS, plenary=None),
        "本年度开始、未取消的活动（含全体会议）的全部邀请。",
    ),
    Item(
        "plenary_half_day", "出席全体会议", "半天", G_MEETINGS, "invitations", "plenary_attended",
        _invitation_records(_CHECKED_IN, plenary=True),
        "类别为“全体会议”的活动（每场为半天会议）已签到的次数。",
    ),
    Item(
        "plenary_leave", "全体会议请假", "半天", G_MEETINGS, "invitations", "plenary_leave",
        _invitation_records(_LEAVE, plenary=True),
        "全体会议请假（待批或已准假）的次数。",
    ),
    Item(
        "plenary_absent", "全体会议缺席", "半天", G_MEETINGS, "invitations", "plenary_absent",
        _invitation_records(_ABSENT, plenary=True),
        "全体会议记为缺席的次数。",
    ),
    Item(
        "activity_attended", "参加活动", "次", G_MEETINGS, "invitations", "activity_attended",
        _invitation_records(_CHECKED_IN, plenary=False),
        "本年度开始、未取消的活动（全体会议除外）已签到的次数；同一活动签到两次只算一次。",
    ),
    Item(
        "activity_leave", "活动请假", "次", G_MEETINGS, "invitations", "activity_leave",
        _invitation_records(_LEAVE, plenary=False),
        "活动（全体会议除外）请假（待批或已准假）的次数。",
    ),
    Item(
        "activity_absent", "活动缺席", "次", G_MEETINGS, "invitations", "activity_absent",
        _invitation_records(_ABSENT, plenary=False),
        "活动（全体会议除外）记为缺席的次数。",
    ),
    Item(
        "proposal_lead", "领衔提交提案", "件", G_PROPOSALS, "proposals", "lead",
        _proposal_records("lead"),
        "本年度提交、未撤回、本人为第一提案人的提案。",
    ),
    Item(
        "proposal_cosigned", "联名提交提案", "件", G_PROPOSALS, "proposals", "cosigned",
        _proposal_records("cosigned"),
        "本年度提交、未撤回的提案中本人已确认的联名（谢绝或未确认的不计）。",
    ),
    Item(
        "proposal_filed", "提案立案", "件", G_PROPOSALS, "proposals", "filed",
        _proposal_records("lead", "filed"),
        "本年度提交的提案中已立案的（含办理中、已答复、已办结）；领衔与联名分别计分。",
        cosigned_key="filed_cosigned", cosigned_records=_proposal_records("cosigned", "filed"),
    ),
    Item(
        "proposal_merged", "提案并案", "件", G_PROPOSALS, "proposals", "merged",
        _proposal_records("lead", "merged"),
        "本年度提交、被并入其他提案办理的提案（计提交和并案，不计立案）。",
        cosigned_key="merged_cosigned", cosigned_records=_proposal_records("cosigned", "merged"),
    ),
    Item(
        "proposal_key", "重点提案", "件", G_PROPOSALS, "proposals", "key",
        _proposal_records("lead", "key"),
        "本年度提交的提案中被确定为重点提案的。",
        cosigned_key="key_cosigned", cosigned_records=_proposal_records("cosigned", "key"),
    ),
    Item(
        "proposal_adopted", "提案被采纳", "件", G_PROPOSALS, "proposals", "adopted",
        _proposal_records("lead", "adopted"),
        "本年度提交的提案中办理成效登记为“被采纳”的。",
        cosigned_key="adopted_cosigned", cosigned_records=_proposal_records("cosigned", "adopted"),
    ),
    Item(
        "speech", "会议发言", "次", G_CONSULTATION, "speeches", "delivered",
        _speech_records,
        "本年度在协商会、座谈会上发言（已定稿并登记为已发言）的次数，按发言日期计；未发言、已撤销的不计。",
    ),
    Item(
        "research_output", "课题研究成果", "项", G_CONSULTATION, "research", "outputs",
        _research_output_records,
        "本年度完成、本人署名的课题研究成果（调研报告、文章等）；已终止课题的成果不计。",
    ),
    Item(
        "opinion_submitted", "报送社情民意信息", "件", G_REPORTS, "reports", "submitted",
        _report_records(),
        "本年度报送（非草稿）、本人为反映人的社情民意信息。",
    ),
    *[
        Item(
            f"opinion_adopted_{level}", f"社情民意{label}采用", "件", G_REPORTS, "reports", f"adopted_{level}",
            _report_records(adopted_level=level),
            f"本年度报送的社情民意信息中被{label}采用的（含获批示的）。",
        )
        for level, label in _LEVELS
    ],
    *[
        Item(
            f"opinion_instructed_{level}", f"社情民意获{label}批示", "件", G_REPORTS, "reports",
            f"instructed_{level}",
            _report_records(instruction_level=level),
            f"本年度报送的社情民意信息中获{label}领导批示的（同时计入采用）。",
        )
        for level, label in _LEVELS
    ],
    Item(
        "visit_received", "接受走访谈心", "次", G_VISITS, "visits", "received",
        _visit_records,
        "本年度已完成的走访中本人为走访对象的次数。",
    ),
    Item(
        "request_resolved", "诉求获解决", "件", G_VISITS, "requests", "solved",
        _request_records,
        "本人提出、本年度办结为“已解决”的诉求（重新办理尚未解决的不计）。",
    ),
    Item(
        "donation_amount", "捐资助学/资助", "元", G_GIVING, "donations", "amount",
        _donation_records("amount"),
        "本年度已核实的捐赠中本人的金额（共同捐赠按各人份额）。",
        is_amount=True,
    ),
    Item(
        "volunteer_hours", "志愿服务", "小时", G_GIVING, "donations", "volunteer_hours",
        _donation_records("volunteer_hours"),
        "本年度已核实的志愿服务时长（按各人份额）。",
        is_amount=True,
    ),
    Item(
        "trees_planted", "植树", "棵", G_GIVING, "donations", "trees",
        _donation_records("trees"),
        "本年度已核实的植树棵数（按各人份额）。",
    ),
]  # fmt: skip

ITEMS: dict[str, Item] = {item.code: item for item in ITEMS_LIST}


def get(code: str) -> Item | None:
    return ITEMS.get(code)


def choices() -> list[tuple[str, str]]:
    return [(item.code, f"{item.group} · {item.label}（{item.unit}）") for item in ITEMS_LIST]


@dataclass
class Counts:
    """Counts of one person: {code: value} as lead (or only role) and {code: value} as co-signer."""

    main: dict[str, Decimal | int] = field(default_factory=dict)
    cosigned: dict[str, int] = field(default_factory=dict)

    def get(self, code: str, role: str = "lead"):
        return (self.cosigned if role == "cosigned" else self.main).get(code, 0)

    def total(self, code: str):
        return self.main.get(code, 0) + self.cosigned.get(code, 0)


def count_all(period: Period, persons, person_ids) -> dict[int, Counts]:
    """Counts of every item for the given persons: one call per source (one grouped query each).

    `persons` limits the queries (ids or a Person queryset); `person_ids` are the rows to return (a person
    with no record gets zeros)."""
    data = {name: source(period, persons) for name, source in SOURCES.items()}
    out = {}
    for pid in person_ids:
        counts = Counts()
        for item in ITEMS_LIST:
            row = data[item.source].get(pid, {})
            counts.main[item.code] = row.get(item.key, 0)
            if item.cosigned_key:
                counts.cosigned[item.code] = row.get(item.cosigned_key, 0)
        out[pid] = counts
    return out
