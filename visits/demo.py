"""A year (DEMO_YEAR) of visits by the demo leader and staff, requests in every state, the 港澳药械通 story that
began in a visit, a yearly plan, and the liaison network of the source document. Idempotent: each story item is
looked up (by its topic or title) before it is created, so running `load_demo` twice creates nothing new."""

import datetime as dt

from django.utils import timezone

from accounts.models import User
from activities.models import Activity
from core.demo import DEMO_YEAR, day
from core.models import TransitionLog
from members.models import Person
from organisations.models import Organisation

from . import services
from .models import LiaisonContact, LiaisonEvent, LiaisonLink, Request, Visit, VisitMode, VisitPlan

COMMITTEE = "广州市政协港澳台侨外事委员会"
MODES = [VisitMode.ONE_TO_ONE, VisitMode.HOME, VisitMode.PHONE, VisitMode.VIDEO, VisitMode.ONE_TO_ONE]
PLACES = {
    VisitMode.HOME: "委员在港办公室",
    VisitMode.ONE_TO_ONE: "市政协机关会议室",
    VisitMode.PHONE: "",
    VisitMode.VIDEO: "视频连线",
}
TOPICS = [
    "了解在穗投资和生活情况",
    "听取对大湾区融合发展的意见",
    "交流履职打算和提案选题",
    "了解子女教育和家庭情况",
    "听取对港澳青年来穗创业的建议",
    "交流参加市政协活动的体会",
]
# Persons left unvisited in the year, so coverage is near but not at 100% (every Nth person).
SKIP_EVERY = 13

# The source document's bodies in the liaison network: (name, liaison username, contacts, events).
NETWORK = [
    ("香港广州市政协委员联谊会", "leader", [("梁会长（演示）", "常务副会长", "+852 6150 0101")]),
    ("澳门穗协联谊会", "leader", [("欧阳秘书长（演示）", "秘书长", "+853 6650 0102")]),
    ("香港广州社团总会", "staff", [("司徒主任（演示）", "办公室主任", "+852 6150 0103")]),
    ("广东省政协", "leader", [("省政协联络员甲（演示）", "港澳委办公室副主任", "020-5550-0104")]),
    ("中共广州市委统一战线工作部", "staff", [("统战部联络员（演示）", "港澳台侨处干部", "020-5550-0105")]),
    ("中共广州市委外事工作委员会办公室", "staff", [("外办联络员（演示）", "港澳处干部", "020-5550-0106")]),
    ("广州市发展和改革委员会", "staff", [("大湾区办联络员（演示）", "大湾区办干部", "020-5550-0107")]),
    ("广州市人民政府台湾事务办公室", "staff", [("台办联络员（演示）", "联络处干部", "020-5550-0108")]),
    ("广州市天河区政协", "staff", [("天河区政协联络员（演示）", "文史委干部", "020-5550-0109")]),
    ("广州市番禺区政协", "staff", []),
    ("广州市花都区政协", "staff", [("花都区政协联络员（演示）", "办公室干部", "020-5550-0110")]),
]
# (month, day, kind, title, bodies, place)
EVENTS = [
    (
        1,
        8,
        "meeting",
        "新春联谊座谈会",
        ["香港广州市政协委员联谊会", "澳门穗协联谊会", "香港广州社团总会"],
        "市政协",
    ),
    (
        2,
        26,
        "meeting",
        "五侨部门工作联席会议",
        ["中共广州市委统一战线工作部", "中共广州市委外事工作委员会办公室"],
        "市委统战部",
    ),
    (
        3,
        20,
        "research",
        "“港澳药械通”省市区三级政协联动调研",
        ["广东省政协", "广州市番禺区政协"],
        "广东祈福医院",
    ),
    (5, 16, "meeting", "大湾区建设情况通报会", ["广州市发展和改革委员会"], "市发展改革委"),
    (6, 12, "joint", "穗港澳青年交流营", ["香港广州社团总会", "澳门穗协联谊会"], "南沙"),
    (7, 3, "visit", "走访香港广州市政协委员联谊会", ["香港广州市政协委员联谊会"], "香港"),
    (9, 10, "meeting", "对台工作情况交流会", ["广州市人民政府台湾事务办公室"], "市台办"),
    (3, 12, "joint", "“绿美梯面”植树活动", ["广州市花都区政协"], "花都区梯面镇"),
    (11, 18, "research", "港澳委员履职服务协同调研", ["广州市天河区政协", "广东省政协"], "天河区"),
]
# Recent contacts (days before today), so the liaison coverage page shows some bodies fresh and some stale.
RECENT = [
    (20, "meeting", "年度联谊工作交流会", ["香港广州市政协委员联谊会", "香港广州社团总会"]),
    (45, "meeting", "港澳工作联席会议", ["中共广州市委外事工作委员会办公室", "中共广州市委统一战线工作部"]),
]


def load(out) -> None:
    committee = Organisation.objects.get(name=COMMITTEE)
    leader = User.objects.get(username="leader")
    staff = User.objects.get(username="staff")
    persons = list(Person.objects.filter(owner_org__path__startswith=committee.path).order_by("id"))
    if not persons:
        out.write("走访谈心：没有委员/顾问，跳过。")
        return
    before = (Visit.objects.count(), Request.objects.count(), LiaisonEvent.objects.count())
    member = Person.objects.filter(user__username="member").first() or persons[0]
    advisor = Person.objects.filter(user__username="advisor").first() or persons[-1]
    _story(leader, staff, member, advisor, persons)
    _year_of_visits(leader, staff, persons)
    _plan(leader, staff)
    _planned(leader, staff, persons)
    _network(leader, staff)
    after = (Visit.objects.count(), Request.objects.count(), LiaisonEvent.objects.count())
    out.write(
        f"走访谈心：新建走访 {after[0] - before[0]} 次、诉求 {after[1] - before[1]} 件、联谊活动 "
        f"{after[2] - before[2]} 次；共走访 {after[0]} 次、诉求 {after[1]} 件。"
    )


def _visit(actor, persons, date, topics, *, visitors=None, mode=VisitMode.ONE_TO_ONE, **kwargs) -> Visit:
    existing = Visit.objects.filter(date=date, topics=topics, visit_persons__person=persons[0]).first()
    if existing is not None:
        return existing
    return services.visit_create(
        actor=actor,
        date=date,
        visitors=visitors or [actor],
        persons=persons,
        mode=mode,
        place=kwargs.pop("place", PLACES[mode]),
        topics=topics,
        done=kwargs.pop("done", True),
        **kwargs,
    )


def _request(actor, person, title, *, raised=None, steps=(), end=None, thanks="", **kwargs) -> Request:
    """A request moved along its workflow: steps taken, then (target, note, date) to end in; a thank-you."""
    existing = Request.objects.filter(person=person, title=title).first()
    if existing is not None:
        return existing
    req = services.request_create(actor=actor, person=person, title=title, **kwargs)
    if steps or end:
        req = services.request_transition(actor=actor, request=req, target="in_progress")
    for date, text in steps:
        services.request_step_add(actor=actor, request=req, date=date, text=text)
    if end:
        req = services.request_transition(actor=actor, request=req, target=end[0], note=end[1])
    if thanks:
        member_user = person.user
        if member_user is not None:
            req = services.request_thank(actor=member_user, request=req, note=thanks)
    _backdate(req, raised or (req.visit.date if req.visit_id else None), steps, end)
    return req


def _at(date: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(date, dt.time(10, 0)))


def _backdate(req: Request, raised, steps, end) -> None:
    """Demo only: put the record's timestamps on the story's dates (the services stamp 'now')."""
    if raised is None:
        return
    started = steps[0][0] if steps else raised
    closed = end[2] if end and len(end) > 2 else (steps[-1][0] if steps else raised)
    Request.objects.filter(pk=req.pk).update(created_at=_at(raised))
    if req.thanked_at:
        Request.objects.filter(pk=req.pk).update(thanked_at=_at(closed + dt.timedelta(days=3)))
    logs = TransitionLog.objects.filter(workflow="request", object_id=req.pk)
    logs.filter(target="in_progress").update(created_at=_at(started))
    logs.exclude(target="in_progress").update(created_at=_at(closed))


def _org(name: str) -> Organisation | None:
    return Organisation.objects.filter(name=name).first()


def _story(leader, staff, member, advisor, persons) -> None:
    """The requests of the source document's year, every state represented."""
    # 港澳药械通: the party-branch leader learns in a visit that 广东祈福医院's application had not passed.
    visit = _visit(
        leader,
        [member],
        day(3, 12),
        "走访港澳委员：了解在穗港澳人士就医需求",
        mode=VisitMode.HOME,
        place="委员在港办公室",
        notes="委员反映：广东祈福医院向省政府申请“港澳药械通”未获通过，在穗港澳人士希望就近使用港澳药品和器械。",
        confidential_notes="委员对推动此事意愿强烈，可作为联名提案的重要联系人。",
    )
    _request(
        leader,
        member,
        "推动广东祈福医院纳入“港澳药械通”",
        visit=visit,
        category="medical",
        description="广东祈福医院向省政府申请“港澳药械通”未获通过，希望政协协助推动，让在穗港澳人士享受与香港同样的药物、器械和诊疗服务。",
        owner=staff,
        helping_org=_org("广东省卫生健康委员会"),
        deadline=day(12, 31),
        steps=[
            (day(3, 20), "商讨省、市、区三级政协联动工作机制，赴祈福医院联合调研。"),
            (day(5, 8), "促成省政协、省港澳委联合调研并联名提案。"),
            (day(9, 2), "所提建议被省卫健委采纳。"),
        ],
        end=(
            "solved",
            "广东祈福医院被列为实施“港澳药械通”第二批指定医疗机构，港澳人士在穗可享受与香港同样的技术、药物、器械和诊疗服务。",
            day(11, 6),
        ),
        thanks="感谢专委会和省、区政协的持续推动，港澳乡亲就医方便多了！",
    )
    _link_story(staff, "推动广东祈福医院纳入“港澳药械通”")
    others = [p for p in persons if p.pk not in (member.pk, advisor.pk)]
    if len(others) < 6:
        return
    school_visit = _visit(
        leader, [others[0]], day(2, 18), "了解子女教育和家庭情况", mode=VisitMode.ONE_TO_ONE
    )
    _request(
        leader,
        others[0],
        "子女申请市属公办学校初二插班",
        visit=school_visit,
        category="school",
        description="委员全家来穗发展，希望孩子春季学期插班就读某市属公办初中二年级。",
        owner=staff,
        helping_org=_org("广州市教育局"),
        deadline=day(4, 30),
        steps=[
            (day(2, 25), "向市教育局了解该校插班学位情况。"),
            (day(3, 10), "协助联系居住地所在区教育局提供其他学校学位。"),
        ],
        end=(
            "unsolvable",
            "该校初二年级学位已满，插班须按居住证所在区统筹安排，无法指定学校；已提供区内两所学校的学位，委员决定等待下学期再申请。",
            day(3, 18),
        ),
    )
    business_visit = _visit(
        staff, [others[1], others[2]], day(4, 9), "听取对港澳青年来穗创业的建议", mode=VisitMode.VIDEO
    )
    _request(
        staff,
        others[1],
        "港资企业在南沙设立分公司的登记手续",
        visit=business_visit,
        category="business",
        description="想了解港资企业在南沙设立分公司所需材料和办理时限。",
        owner=staff,
        helping_org=_org("广州市发展和改革委员会"),
        deadline=day(5, 15),
        steps=[(day(4, 16), "整理南沙港资企业登记“跨境通办”指引，发送委员。")],
        end=("solved", "已协助通过“跨境通办”在香港提交材料，分公司营业执照五个工作日内办出。", day(4, 28)),
        thanks="手续比预想的快得多，感谢！",
    )
    _request(
        staff,
        others[2],
        "港澳居民居住证办理咨询",
        visit=business_visit,
        category="travel",
        description="家属想办理港澳居民居住证，咨询需要在穗居住满多久、到哪里办理。",
        owner=staff,
        deadline=day(5, 15),
        end=(
            "solved",
            "已告知：在内地居住满半年并有合法稳定就业、就读或住所证明即可申请，可在居住地派出所办理。",
            day(4, 14),
        ),
    )
    policy_visit = _visit(
        leader, [others[3]], day(10, 14), "交流履职打算和提案选题", mode=VisitMode.PHONE, place=""
    )
    _request(
        leader,
        others[3],
        "港澳专业人士在穗执业资格认可政策",
        visit=policy_visit,
        category="policy",
        description="希望了解港澳建筑、医疗专业人士在穗执业的资格认可最新政策。",
        owner=staff,
        deadline=day(11, 30),  # past: shows on the overdue list
        steps=[(day(10, 28), "已向市人社局了解政策，等待书面答复。")],
    )
    _request(
        leader,
        others[4],
        "希望组织委员参观南沙科创企业",
        category="other",
        description="建议专委会组织港澳委员参观南沙科技创新企业，促进合作。",
        owner=leader,
        deadline=timezone.localdate() + dt.timedelta(days=30),
    )
    if advisor.user is not None:
        _request(
            advisor.user,
            advisor,
            "海外侨胞回乡祭祖的出入境便利",
            category="travel",
            description="海外侨胞清明回乡祭祖人数多，希望了解口岸通关便利措施。",
        )


def _link_story(staff, title: str) -> None:
    """The request led to the joint proposal and a public-opinion report: link them if their demos made them."""
    from opinions.models import OpinionReport
    from proposals.models import Proposal

    req = Request.objects.filter(title=title).first()
    if req is None or (req.proposal_id and req.opinion_report_id):
        return
    proposal = Proposal.objects.filter(title__contains="药械通").order_by("id").first()
    report = OpinionReport.objects.filter(title__contains="药械通").order_by("id").first()
    if proposal is not None or report is not None:
        services.request_link(actor=staff, request=req, proposal=proposal, opinion_report=report)


def _year_of_visits(leader, staff, persons) -> None:
    """Visits spread over the year; two of every five by the leader, some together; a few persons skipped."""
    visitable = [p for i, p in enumerate(persons) if i % SKIP_EVERY != SKIP_EVERY - 1]
    i = 0
    while i < len(visitable):
        n = 2 if i % 7 == 3 else 1  # some talks with two persons at once
        group = visitable[i : i + n]
        k = i // 1
        month = 1 + (k * 12) // max(len(visitable), 1)
        date = day(month, 3 + (k * 5) % 24)
        mode = MODES[k % len(MODES)]
        if k % 5 in (0, 2):
            actor, visitors = leader, [leader]
        elif k % 5 == 4:
            actor, visitors = leader, [leader, staff]
        else:
            actor, visitors = staff, [staff]
        _visit(
            actor,
            group,
            date,
            TOPICS[k % len(TOPICS)],
            visitors=visitors,
            mode=mode,
            notes="委员介绍了近况，表示将积极参加专委会活动。",
        )
        i += n


def _plan(leader, staff) -> None:
    plan = VisitPlan.objects.filter(year=DEMO_YEAR).first()
    if plan is None:
        plan = services.visit_plan_create(actor=leader, year=DEMO_YEAR)
        services.visit_plan_divide(actor=leader, plan=plan, visitors=[leader, staff])


def _planned(leader, staff, persons) -> None:
    """Two visits planned for the coming weeks (reminders go to the visitors three days before)."""
    today = timezone.localdate()
    for offset, person, actor, mode in (
        (5, persons[1 % len(persons)], leader, VisitMode.HOME),
        (12, persons[-2], staff, VisitMode.VIDEO),
    ):
        topic = "年末走访：听取对明年专委会工作的意见"
        if Visit.objects.filter(topics=topic, visit_persons__person=person, status="planned").exists():
            continue
        _visit(actor, [person], today + dt.timedelta(days=offset), topic, mode=mode, done=False)


def _network(leader, staff) -> None:
    users = {"leader": leader, "staff": staff}
    for name, liaison, contacts in NETWORK:
        org = _org(name)
        if org is None:
            continue
        if not LiaisonLink.objects.filter(organisation=org).exists():
            services.liaison_link_save(actor=staff, organisation=org, liaison=users[liaison])
        for c_name, position, phone in contacts:
            if not LiaisonContact.objects.filter(organisation=org, name=c_name).exists():
                services.liaison_contact_create(
                    actor=staff, organisation=org, name=c_name, position=position, phone=phone
                )
    today = timezone.localdate()
    rows = [(day(m, d), kind, title, bodies, place) for m, d, kind, title, bodies, place in EVENTS]
    rows += [
        (today - dt.timedelta(days=ago), kind, title, bodies, "市政协") for ago, kind, title, bodies in RECENT
    ]
    for date, kind, title, bodies, place in rows:
        if LiaisonEvent.objects.filter(title=title).exists():
            continue
        orgs = [o for o in (_org(b) for b in bodies) if o is not None]
        if not orgs:
            continue
        contacts = list(LiaisonContact.objects.filter(organisation__in=orgs))
        # A joint activity recorded in the activities app is linked, not recorded twice.
        activity = Activity.objects.filter(title=title).first()
        services.liaison_event_create(
            activity=activity,
            actor=staff,
            date=date,
            kind=kind,
            title=title,
            organisations=orgs,
            place=place,
            contacts=contacts,
            participants=[leader, staff] if kind != "visit" else [leader],
            notes=f"{title}：交流港澳工作情况，商定下一步联动事项。",
        )
