"""The committee's activities of the source document's year (core.demo.DEMO_YEAR): the five-city trip,
the four themed party-day visits, study, symposium and briefing meetings, tree planting in 梯面镇 and the
assistance trip to 吴川 — with invitations and attendance for whichever demo persons exist — plus two
activities still to come, so the demo `member` login has something to answer. Idempotent by title."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from accounts.models import User
from core.demo import DEMO_YEAR
from members.models import Person
from organisations.models import Organisation
from organisations.selectors import organisation_by_name

from . import services
from .models import Activity, ActivityKind, Briefing, BriefingRecipient, Invitation
from .models import InvitationStatus as S
from .workflows import INVITATION

KINDS = [
    ("学习交流会", False),
    ("座谈调研会", False),
    ("情况通报会", False),
    ("国情教育", True),
    ("调研视察", True),
    ("主题党日", False),
    ("植树/公益", False),
    ("帮扶", True),
]


def _at(month, day, hour=9, minute=0, year=DEMO_YEAR):
    return timezone.make_aware(dt.datetime(year, month, day, hour, minute))


def _d(month, day):
    return dt.date(DEMO_YEAR, month, day)


# (title, kind, start, end, place, description, co-organisers, quota, share of persons invited)
PAST = [
    (
        "市领导与港澳委员座谈会",
        "座谈调研会",
        _at(1, 7, 15),
        _at(1, 7, 17, 30),
        "广州市政协会议中心",
        "十四届三次会议期间召开。会前与港澳委员一起收集信息、协商选题、反复打磨发言材料，"
        "体现“中央要求、湾区所长、港澳所需、广州所能”。",
        [],
        None,
        1.0,
    ),
    (
        "主题党日：参观广州华侨博物馆",
        "主题党日",
        _at(3, 6, 9, 30),
        _at(3, 6, 12),
        "广州华侨博物馆",
        "党支部主题党日活动，组织委员、顾问了解华侨华人爱国爱乡历史。",
        [],
        40,
        0.6,
    ),
    (
        "“绿美梯面”植树活动",
        "植树/公益",
        _at(3, 12, 9),
        _at(3, 12, 16),
        "广州市花都区梯面镇",
        "落实“绿美”广州工作，组织委员、顾问到花都区梯面镇植树，同时资助该镇10万元。",
        ["广州市花都区政协"],
        None,
        0.8,
    ),
    (
        "学习全国两会精神交流会",
        "学习交流会",
        _at(3, 20, 14, 30),
        _at(3, 20, 17),
        "广州市政协机关",
        "学习全国两会精神，帮助委员、顾问知情明政，深入了解国家大政方针和政协重点工作。",
        [],
        None,
        1.0,
    ),
    (
        "赴南宁、桂林、西安、成都、德阳国情教育和调研视察",
        "调研视察",
        _at(4, 14, 8),
        _at(4, 23, 18),
        "南宁、桂林、西安、成都、德阳",
        "组织委员、顾问赴内地开展国情教育和考察交流，感受祖国建设发展的伟大成就。",
        ["中共广州市委统一战线工作部"],
        30,
        0.7,
    ),
    (
        "主题党日：寻访永安堂",
        "主题党日",
        _at(5, 22, 9, 30),
        _at(5, 22, 12),
        "永安堂",
        "走进永安堂，了解侨商胡文虎家族的爱国情怀与岭南近代商业史。",
        [],
        40,
        0.6,
    ),
    (
        "港澳工作情况通报会",
        "情况通报会",
        _at(6, 18, 15),
        _at(6, 18, 17),
        "广州市政协会议中心",
        "通报上半年港澳工作和粤港澳大湾区建设进展，听取委员、顾问意见建议。",
        ["中共广州市委外事工作委员会办公室"],
        None,
        1.0,
    ),
    (
        "主题党日：走进爱群大厦",
        "主题党日",
        _at(7, 10, 9, 30),
        _at(7, 10, 12),
        "爱群大厦",
        "参观爱群大厦，了解海外侨胞投资建设广州的历史。",
        [],
        40,
        0.6,
    ),
    (
        "主题党日：调研侨梦苑",
        "主题党日",
        _at(9, 12, 9, 30),
        _at(9, 12, 16),
        "广州侨梦苑",
        "调研侨梦苑华侨华人创新产业集聚区，听取侨资企业发展情况。",
        [],
        40,
        0.6,
    ),
    (
        "湛江吴川帮扶活动",
        "帮扶",
        _at(10, 23, 8),
        _at(10, 24, 18),
        "湛江市吴川市王村港镇",
        "参与乡村振兴和“百千万工程”，到吴川开展帮扶，向王村港镇捐资助学24万元。",
        [],
        25,
        0.5,
    ),
]

STOPS = [
    ("南宁", (4, 14), (4, 15), "参观广西民族博物馆；座谈中国—东盟合作与面向东盟的开放。"),
    ("桂林", (4, 16), (4, 17), "参观八路军桂林办事处纪念馆；考察漓江生态保护。"),
    ("西安", (4, 18), (4, 19), "参观延安革命纪念馆西安分展、陕西历史博物馆；了解西部大开发。"),
    ("成都", (4, 20), (4, 21), "考察成渝地区双城经济圈建设；座谈侨资企业发展。"),
    ("德阳", (4, 22), (4, 23), "参观三星堆博物馆；考察汶川地震灾后重建成果。"),
]

REPORTS = {
    "“绿美梯面”植树活动": (
        "委员、顾问与梯面镇干部群众共同植树，实地了解“绿美梯面”建设。",
        "种植乡土树种约300株；资助梯面镇10万元用于绿美建设。",
        Decimal("100000"),
        "资助花都区梯面镇“绿美梯面”建设",
    ),
    "湛江吴川帮扶活动": (
        "走访王村港镇学校和困难家庭，座谈教育帮扶需求。",
        "向吴川市王村港镇捐资助学24万元，设立奖教奖学项目。",
        Decimal("240000"),
        "捐资助学：吴川市王村港镇",
    ),
    "赴南宁、桂林、西安、成都、德阳国情教育和调研视察": (
        "五地十天，参观学习与座谈考察相结合，委员、顾问普遍反映增强了政治认同和情感认同。",
        "形成调研报告一篇；委员据此撰写提案线索3条。",
        None,
        "",
    ),
    "市领导与港澳委员座谈会": (
        "港澳委员围绕大湾区建设、港澳青年来穗发展等作重点发言，市领导逐一回应。",
        "形成发言材料8篇，其中2篇转为提案。",
        None,
        "",
    ),
}


def _org(name: str) -> Organisation | None:
    return Organisation.objects.filter(name=name).first() or organisation_by_name(name)


def _kinds() -> dict:
    out = {}
    for i, (name, is_trip) in enumerate(KINDS):
        kind, _ = ActivityKind.objects.get_or_create(
            name=name, defaults={"is_trip": is_trip, "order": (i + 1) * 10}
        )
        out[name] = kind
    return out


def _persons(committee) -> list:
    return list(
        Person.objects.filter(owner_org__path__startswith=committee.path)
        .select_related("user")
        .order_by("id")
    )


def _move(inv: Invitation, target: str, actor, when: dt.datetime, note: str = "") -> None:
    def apply(obj):
        if target == S.CHECKED_IN:
            obj.checked_in_at = when
            obj.check_in_method = "qr"
        if target in (S.CONFIRMED, S.DECLINED, S.LEAVE_REQUESTED):
            obj.responded_at = when
        if target == S.LEAVE_REQUESTED:
            obj.leave_reason = note

    INVITATION.transition(inv, target, actor=actor, note=note, system=True, apply=apply)


# What happened to each invitee of a past activity, chosen by a fixed pattern (no randomness: idempotent).
def _outcome(i: int, j: int) -> str:
    h = (i * 7 + j * 3) % 10
    return {7: "leave", 8: "absent", 9: "declined"}.get(h, "checked_in")


def _past(actor, committee, kinds, persons, out) -> int:
    made = 0
    member = Person.objects.filter(user__username="member").first()
    for i, (title, kind, start, end, place, text, co, quota, share) in enumerate(PAST):
        if Activity.objects.filter(title=title).exists():
            continue
        activity = services.activity_create(
            actor=actor,
            check=False,
            owner_org=committee,
            kind=kinds[kind],
            title=title,
            starts_at=start,
            ends_at=end,
            place=place,
            description=text,
            quota=quota,
            signup_deadline=start - dt.timedelta(days=5),
            is_compulsory=kind in ("座谈调研会", "学习交流会"),
            co_organisers=[o for o in (_org(n) for n in co) if o],
        )
        if kinds[kind].is_trip and title.startswith("赴南宁"):
            for city, (m1, d1), (m2, d2), programme in STOPS:
                services.trip_stop_add(
                    actor=actor,
                    check=False,
                    activity=activity,
                    city=city,
                    start_date=_d(m1, d1),
                    end_date=_d(m2, d2),
                    programme=programme,
                )
        chosen = [p for j, p in enumerate(persons) if share >= 1 or (i + j) % 10 < share * 10]
        if member is not None and member not in chosen:
            chosen.append(member)
        if quota:
            chosen = chosen[:quota]
        services.invitations_create(
            actor=actor, activity=activity, persons=[p.pk for p in chosen], check=False, notify_invitees=False
        )
        for j, inv in enumerate(activity.invitations.select_related("person").order_by("person_id")):
            outcome = _outcome(i, j)
            if inv.person_id == getattr(member, "pk", None):
                outcome = "leave" if title.startswith("主题党日：寻访") else "checked_in"
            answered = start - dt.timedelta(days=6)
            if outcome == "declined":
                _move(inv, S.DECLINED, inv.person.user or actor, answered)
            elif outcome == "leave":
                _move(inv, S.LEAVE_REQUESTED, inv.person.user or actor, answered, "在港公务，无法出席")
                _move(inv, S.LEAVE_APPROVED, actor, answered + dt.timedelta(hours=3))
            else:
                _move(inv, S.CONFIRMED, inv.person.user or actor, answered)
                if outcome == "absent":
                    _move(inv, S.ABSENT, actor, end, "活动结束后未签到")
                else:
                    _move(inv, S.CHECKED_IN, inv.person.user or actor, start + dt.timedelta(minutes=(j % 20)))
        if title in REPORTS:
            summary, outcomes, amount, note = REPORTS[title]
            services.activity_report(
                actor=actor,
                check=False,
                activity=activity,
                summary=summary,
                outcomes=outcomes,
                support_amount=amount,
                support_note=note,
            )
        made += 1
    return made


def _upcoming(actor, committee, kinds, persons) -> int:
    """Two activities after today, so the member login has invitations to answer."""
    made = 0
    today = timezone.localdate()
    plan = [
        (
            "港澳委员季度学习交流会",
            "学习交流会",
            10,
            "广州市政协机关",
            "学习近期重要会议精神，交流履职体会。",
            None,
        ),
        (
            "粤港澳大湾区建设情况通报会",
            "情况通报会",
            21,
            "广州市政协会议中心",
            "通报大湾区建设和“南沙方案”实施进展。",
            60,
        ),
    ]
    member = Person.objects.filter(user__username="member").first()
    for k, (title, kind, days, place, text, quota) in enumerate(plan):
        if Activity.objects.filter(title=title).exists():
            continue
        day = today + dt.timedelta(days=days)
        start = timezone.make_aware(dt.datetime(day.year, day.month, day.day, 14, 30))
        activity = services.activity_create(
            actor=actor,
            check=False,
            owner_org=committee,
            kind=kinds[kind],
            title=title,
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2, minutes=30),
            place=place,
            description=text,
            quota=quota,
            signup_deadline=start - dt.timedelta(days=3),
        )
        services.invitations_create(
            actor=actor, activity=activity, persons=[p.pk for p in persons], check=False
        )
        for j, inv in enumerate(activity.invitations.select_related("person").order_by("person_id")):
            if inv.person_id == getattr(member, "pk", None):
                if k == 1:
                    _move(inv, S.CONFIRMED, inv.person.user, timezone.now())
                continue
            if j % 3 == 0:
                _move(inv, S.CONFIRMED, inv.person.user or actor, timezone.now())
            elif j % 7 == 1:
                _move(inv, S.LEAVE_REQUESTED, inv.person.user or actor, timezone.now(), "届时在澳门出差")
        made += 1
    return made


def _briefings(actor, committee, persons) -> int:
    made = 0
    study = Activity.objects.filter(title="学习全国两会精神交流会").first()
    items = [
        (
            "情况通报：2025年市政协港澳台侨外事委员会工作要点",
            "一、加强思想政治引领，发挥“三个重要”功能作用。\n二、优化党建业务互促，搭建“十”字联动履职平台。\n"
            "三、壮大爱国爱港爱澳力量，扩大联谊交友覆盖面。\n（演示材料）",
            None,
        ),
        (
            "学习材料：全国两会精神要点",
            "本材料供学习交流会使用，请委员、顾问会前阅读。\n（演示材料）",
            study,
        ),
    ]
    for n, (title, body, activity) in enumerate(items):
        if Briefing.objects.filter(title=title).exists() or not persons:
            continue
        b = services.briefing_publish(
            actor=actor,
            check=False,
            title=title,
            body=body,
            persons=[p.pk for p in persons],
            activity=activity,
            owner_org=committee,
        )
        ids = list(b.recipients.order_by("person_id").values_list("pk", flat=True))
        BriefingRecipient.objects.filter(pk__in=ids[n::2]).update(
            read_at=b.published_at + dt.timedelta(hours=5)
        )
        made += 1
    return made


def load(out) -> None:
    committee = Organisation.objects.get(name="广州市政协港澳台侨外事委员会")
    actor = User.objects.get(username="staff")
    kinds = _kinds()
    persons = _persons(committee)
    past = _past(actor, committee, kinds, persons, out)
    upcoming = _upcoming(actor, committee, kinds, persons)
    briefings = _briefings(actor, committee, persons)
    out.write(
        f"活动：新建 {past} 项{DEMO_YEAR}年活动、{upcoming} 项近期活动、{briefings} 份知情明政材料；"
        f"共 {Activity.objects.count()} 项活动、{Invitation.objects.count()} 条邀请。"
    )
