"""Proposals of the demo story, every step through the services, then dated as the story happened.

1. 《关于增加广州滑板场建设的提案》: from a citizen's idea (百姓提案), by the demo member, a key proposal supervised
   by the demo leader, 11 follow-up sessions with 市体育局, handled by 市体育局 with 市规划和自然资源局 and
   市林业和园林局; the skate park at 天河体育中心 is completed.
2. 港澳药械通: a cross-level joint proposal of 市政协港澳台侨外事委 with 省政协 and 番禺区政协 (co-sponsors),
   adopted by 省卫健委; 广东祈福医院 becomes a second-batch designated institution.
3. Thirty more proposals over every state: drafts, returned, withdrawn, not filed, merged, converted, filed,
   in handling (some overdue, one nearly due, one disputed and re-assigned, one split, one extended), under
   reply review, replied, closed (one after a 不满意 round), and three of the previous term.

Idempotent: a proposal is found by its title before anything is created. Names are fictional.
"""

import datetime as dt

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from accounts.models import User
from accounts.services import user_create
from core.demo import DEMO_PASSWORD, DEMO_YEAR
from core.models import TransitionLog
from members.models import Person, Session, SessionKind, Term
from organisations.models import Organisation

from . import services as s
from .models import Assignment, Cosigner, Extension, Proposal, ProposalStatus, Rating, Reply

SKATE = "关于增加广州滑板场建设的提案"
DRUGS = "关于推动“港澳药械通”扩大指定医疗机构范围的提案"

# Demo logins of handling units other than the `unit` login (市体育局).
UNIT_LOGINS = {
    "广州市规划和自然资源局": ("unit_planning", "规划资源局联络员（演示）"),
    "广州市林业和园林局": ("unit_forestry", "林业园林局联络员（演示）"),
    "广东省卫生健康委员会": ("unit_health", "省卫健委联络员（演示）"),
    "广州市卫生健康委员会": ("unit_cityhealth", "市卫健委联络员（演示）"),
    "广州市教育局": ("unit_edu", "教育局联络员（演示）"),
    "广州市发展和改革委员会": ("unit_ndrc", "发展改革委联络员（演示）"),
}


def _tz(d: dt.date, hour: int = 10) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(d, dt.time(hour)))


def D(month: int, day: int, year: int = DEMO_YEAR) -> dt.date:
    return dt.date(year, month, day)


class Story:
    """Runs service calls and dates what they wrote (the services stamp `now`)."""

    def __init__(self):
        self.org = {o.name: o for o in Organisation.objects.all()}
        self.users = {u.username: u for u in User.objects.all()}
        self.staff = self.users["staff"]
        self.leader = self.users["leader"]
        self.member = self.users["member"]
        self.ct = ContentType.objects.get_for_model(Proposal)
        self.pending_merges: dict[
            str, list
        ] = {}  # target title → submitted duplicates, merged when it is filed
        for name, (username, full_name) in UNIT_LOGINS.items():
            if username not in self.users and name in self.org:
                self.users[username] = user_create(
                    actor=None,
                    username=username,
                    password=DEMO_PASSWORD,
                    role="unit",
                    organisation=self.org[name],
                    full_name=full_name,
                    email=f"{username}@demo.tongxin.local",
                    check=False,
                    validate=False,
                )
        self.unit_user = {self.org[n].pk: self.users[u] for n, (u, _) in UNIT_LOGINS.items() if n in self.org}
        self.unit_user[self.org["广州市体育局"].pk] = self.users["unit"]

    def unit(self, name):
        return self.org[name]

    def user_of(self, org):
        return self.unit_user[org.pk]

    # -- dating ------------------------------------------------------------------------------------------
    def stamp(self, p: Proposal, when: dt.datetime) -> Proposal:
        """Date the proposal's last workflow step (and the fields that step set) at `when`."""
        log = TransitionLog.objects.filter(content_type=self.ct, object_id=p.pk).order_by("-id").first()
        TransitionLog.objects.filter(pk=log.pk).update(created_at=when)
        fields = {}
        if log.target == ProposalStatus.SUBMITTED:
            fields["submitted_at"] = when
        elif log.target == ProposalStatus.FILED:
            fields["filed_at"] = when
        elif log.target == ProposalStatus.HANDLING and log.source == ProposalStatus.FILED:
            day = timezone.localdate(when)
            fields.update(assigned_at=when, reply_due=s.add_months(day, s.REPLY_MONTHS))
            Assignment.objects.filter(proposal=p).update(created_at=when)
            Assignment.objects.filter(proposal=p, input_due__isnull=False).update(
                input_due=s.add_months(day, s.INPUT_MONTHS)
            )
        elif log.target == ProposalStatus.HANDLING and log.source == ProposalStatus.REPLIED:
            fields["reply_due"] = s.add_months(timezone.localdate(when), s.REHANDLE_MONTHS)
        elif log.target == ProposalStatus.REPLIED:
            fields["replied_at"] = when
            Reply.objects.filter(proposal=p, approved_at__isnull=False, round=p.round).update(
                approved_at=when
            )
        if log.target == ProposalStatus.REPLY_REVIEW:
            Reply.objects.filter(proposal=p, round=p.round).update(submitted_at=when)
        Proposal.objects.filter(pk=p.pk).update(**fields)
        return Proposal.objects.get(pk=p.pk)

    @staticmethod
    def date_row(obj, when: dt.datetime):
        type(obj).objects.filter(pk=obj.pk).update(created_at=when, updated_at=when)

    # -- steps -------------------------------------------------------------------------------------------
    def draft(self, *, title, body, author, when, actor=None, **kw) -> Proposal:
        p = s.proposal_create_draft(actor=actor or self.staff, author=author, title=title, body=body, **kw)
        self.date_row(p, _tz(when, 9))
        return p

    def submit(self, p, when, actor=None):
        actor = actor or (p.author.user if p.author.user_id else self.staff)
        return self.stamp(s.proposal_submit(actor=actor, proposal=p), _tz(when))

    def file(self, p, when, session=None):
        p = self.stamp(
            s.proposal_file(actor=self.staff, proposal=p, note="符合立案条件。", session=session), _tz(when)
        )
        for dup in self.pending_merges.pop(p.title, []):
            note = f"与《{p.title}》内容相近，并案办理。"
            self.stamp(s.proposal_merge(actor=self.staff, proposal=dup, into=p, note=note), _tz(when, 11))
        return p

    def assign(self, p, when, lead=None, co=(), assist=(), split=()):
        p = s.proposal_assign(
            actor=self.staff,
            proposal=p,
            lead=self.unit(lead) if lead else None,
            co_units=[self.unit(n) for n in co],
            assist_units=[self.unit(n) for n in assist],
            split_units=[self.unit(n) for n in split],
        )
        return self.stamp(p, _tz(when))

    def reply(self, p, when, cls, body, *, approve=True, review_when=None):
        """The lead (or each split) unit drafts; co-units give input and countersign; staff approve."""
        p = Proposal.objects.get(pk=p.pk)
        active = list(p.assignments.filter(ended_at__isnull=True).select_related("unit"))
        co = [a for a in active if a.role in ("co", "assist")]
        for a in co:
            if not a.input_text:
                got = s.assignment_submit_input(
                    actor=self.user_of(a.unit),
                    proposal=p,
                    text=f"{a.unit.display_name}同意主办单位意见，已提供相关资料。",
                )
                Assignment.objects.filter(pk=got.pk).update(input_at=_tz(when - dt.timedelta(days=10)))
        for a in active:
            if a.role not in ("lead", "split"):
                continue
            r = s.reply_save(
                actor=self.user_of(a.unit),
                proposal=p,
                reply_class=cls,
                body=body,
                contact=f"{a.unit.display_name}办公室 020-8888 0000",
            )
            self.date_row(r, _tz(when - dt.timedelta(days=5)))
            for c in co:
                sign = s.reply_countersign(actor=self.user_of(c.unit), proposal=p, note="同意")
                self.date_row(sign, _tz(when - dt.timedelta(days=2)))
            p = s.reply_submit(actor=self.user_of(a.unit), proposal=p)
        p = self.stamp(p, _tz(when))
        if approve:
            p = s.reply_review(actor=self.staff, proposal=p, approve=True, note="答复内容完整，同意发出。")
            p = self.stamp(p, _tz(review_when or when + dt.timedelta(days=3)))
        return p

    def rate(self, p, when, value, comment="", person_user=None):
        person_user = person_user or p.author.user or self.member
        s.reply_rate(actor=person_user, proposal=p, value=value, comment=comment)
        rating = Rating.objects.filter(person=person_user.person).order_by("-id").first()
        self.date_row(rating, _tz(when))
        p = Proposal.objects.get(pk=p.pk)
        if person_user.person.pk == p.author_id:
            p = self.stamp(p, _tz(when))
        return p

    def followup(self, p, when, kind, summary, place="", participants=""):
        f = s.followup_add(
            actor=self.staff,
            proposal=p,
            kind=kind,
            date=when,
            summary=summary,
            place=place,
            participants=participants,
        )
        self.date_row(f, _tz(when, 15))

    def progress(self, p, when, unit_name, text):
        x = s.progress_add(actor=self.user_of(self.unit(unit_name)), proposal=p, text=text)
        self.date_row(x, _tz(when, 16))


def _persons():
    """Demo members other than the member login (from the members demo), for the other proposals."""
    qs = Person.objects.filter(user__isnull=True).order_by("id")
    people = list(qs[:40])
    if not people:
        people = list(Person.objects.order_by("id"))
    return people


def load(out) -> None:
    if Proposal.objects.filter(title=SKATE).exists():
        out.write(f"提案：已存在 {Proposal.objects.count()} 件，未新建。")
        return
    st = Story()
    city = Term.objects.filter(number=14).order_by("id").first()
    session3 = Session.objects.get(term=city, kind=SessionKind.PLENARY, number=3)
    session2 = Session.objects.get(term=city, kind=SessionKind.PLENARY, number=2)
    past_term = Term.objects.filter(number=13).first()
    past_session = None
    if past_term is not None:
        past_session, _ = Session.objects.get_or_create(
            term=past_term,
            kind=SessionKind.PLENARY,
            number=5,
            defaults={"start_date": dt.date(2021, 1, 6), "end_date": dt.date(2021, 1, 9)},
        )
    _prepare_merges(st)
    _skate(st, session3)
    _drugs(st, session3)
    n = _others(st, session2, session3, past_session)
    out.write(f"提案：滑板场、港澳药械通两个故事及其他 {n} 件，共 {Proposal.objects.count()} 件。")


def _skate(st: Story, session) -> None:
    member = st.member.person
    advisor = st.users["advisor"].person
    body = (
        "一、基本情况\n近年来滑板运动在广州青少年中迅速普及，滑板已成为奥运项目，但全市符合标准的公共滑板场地很少，"
        "青少年多在广场、路边练习，既不安全，也影响周边居民。市民通过“百姓提案”平台反映，希望政府增加滑板场建设。\n"
        "二、存在问题\n1．公共滑板场地数量少、分布不均；2．现有场地缺乏专业设计和安全设施；3．场地建设涉及规划选址、绿地使用等多个部门，推进较慢。\n"
        "三、建议\n1．由市体育局牵头制定全市滑板场地布局规划，优先在天河体育中心等大型体育场馆周边建设城市滑板公园；"
        "2．规划和自然资源部门在控规中预留场地，林业园林部门结合公园绿地改造提供用地；3．引入社会力量参与运营，定期举办青少年滑板赛事。"
    )
    p = st.draft(
        title=SKATE,
        body=body,
        author=member,
        when=D(1, 2),
        actor=st.member,
        timing="plenary",
        origin_note="源自百姓提案：市民梁小滑（演示）的金点子《增加广州滑板场建设》",
    )
    s.cosigners_invite(
        actor=st.member, proposal=p, persons=[advisor], deadline=timezone.now() + dt.timedelta(days=3)
    )
    s.cosigner_respond(actor=st.users["advisor"], proposal=p, accept=True)
    Cosigner.objects.filter(proposal=p).update(created_at=_tz(D(1, 2), 11), responded_at=_tz(D(1, 3), 9))
    Proposal.objects.filter(pk=p.pk).update(cosign_deadline=_tz(D(1, 5), 18))
    p = st.submit(p, D(1, 7), actor=st.member)
    p = st.file(p, D(1, 20), session=session)
    s.proposal_designate_key(
        actor=st.staff,
        proposal=p,
        supervisors=[st.leader],
        note="列入市领导督办重点提案，广州市政协倡导的第一个“百姓提案”",
    )
    p = st.assign(
        p, D(2, 10), lead="广州市体育局", co=["广州市规划和自然资源局"], assist=["广州市林业和园林局"]
    )
    sessions = [
        (
            D(2, 20),
            "research",
            "天河体育中心",
            "港澳台侨外事委委员、群众代表（含提出金点子的市民）、市体育局",
            "实地察看天河体育中心广场，听取市体育局选址设想。",
        ),
        (
            D(3, 6),
            "meeting",
            "市政协",
            "委员、市体育局、市规划和自然资源局",
            "座谈滑板场地布局规划，明确先行建设城市滑板公园。",
        ),
        (
            D(3, 21),
            "research",
            "海珠区、荔湾区现有滑板场",
            "委员、滑板运动爱好者、市体育局",
            "调研现有场地使用情况和安全问题。",
        ),
        (
            D(4, 8),
            "consultation",
            "市体育局",
            "提案人、市体育局、市林业和园林局",
            "办理协商会，商定用地与绿地改造衔接方案。",
        ),
        (
            D(4, 25),
            "meeting",
            "天河体育中心",
            "委员、群众代表、市体育局、设计单位",
            "征求青少年和家长对设计方案的意见。",
        ),
        (D(5, 16), "site_visit", "天河体育中心广场", "委员、市体育局", "查看场地平整和施工准备情况。"),
        (D(6, 12), "research", "市体育局", "委员、市体育局、运营单位", "研究引入社会力量运营和赛事安排。"),
        (
            D(7, 10),
            "site_visit",
            "天河体育中心广场",
            "委员、群众代表、市体育局",
            "视察施工进度，提出增设夜间照明和遮阳设施的建议。",
        ),
        (
            D(8, 14),
            "meeting",
            "市政协",
            "委员、市体育局、市规划和自然资源局、市林业和园林局",
            "协调解决施工中的绿化迁移问题。",
        ),
        (D(9, 18), "site_visit", "天河体育中心广场", "委员、市体育局", "视察主体完工情况。"),
        (
            D(10, 28),
            "site_visit",
            "天河体育中心城市滑板公园",
            "委员、群众代表、市体育局",
            "参加城市滑板公园完工验收，市民代表试滑并提出管理建议。",
        ),
    ]
    for when, kind, place, who, summary in sessions:
        st.followup(p, when, kind, summary, place=place, participants=who)
    for when, note in (
        (D(3, 1), "听取市体育局办理方案汇报，要求多部门协同、年内见效。"),
        (D(6, 20), "督办推进会：协调规划、园林部门加快手续。"),
        (D(10, 30), "出席完工验收，肯定办理成效。"),
    ):
        x = s.supervision_add(actor=st.leader, proposal=p, date=when, note=note)
        st.date_row(x, _tz(when, 11))
    st.progress(p, D(3, 15), "广州市体育局", "已完成天河体育中心广场选址论证，形成城市滑板公园建设方案。")
    st.progress(p, D(4, 20), "广州市体育局", "规划、园林部门已出具意见，设计方案通过评审。")
    p = st.reply(
        p,
        D(5, 6),
        "B",
        "感谢您对我市青少年体育事业的关心。经与市规划和自然资源局、市林业和园林局共同研究，"
        "我局已将天河体育中心广场城市滑板公园列入2025年建设计划，预计10月完工；同时制定全市滑板场地布局规划，"
        "在各区结合公园绿地改造逐步建设社区滑板场。",
    )
    p = st.rate(p, D(5, 12), "satisfied", "答复具体，期待早日建成。")
    o = s.outcome_record(
        actor=st.staff,
        proposal=p,
        actions="市体育局牵头，会同市规划和自然资源局、市林业和园林局，在天河体育中心广场建成城市滑板公园，并制定全市滑板场地布局规划。",
        adopted=True,
        adopted_by=st.unit("广州市体育局"),
        adopted_level="city",
        completed=True,
        completed_on=D(10, 28),
        evidence="天河体育中心城市滑板公园完工验收记录；跟踪调研、座谈11次记录。",
    )
    st.date_row(o, _tz(D(10, 30), 17))


def _drugs(st: Story, session) -> None:
    author = _persons()[0]
    body = (
        "“港澳药械通”政策允许指定医疗机构使用已在港澳上市的药品和医疗器械。广东祈福医院服务大量在穗港澳居民，"
        "向省政府申请成为指定医疗机构未获通过。经走访港澳委员了解情况，省、市、区三级政协联合调研，建议：\n"
        "1．省卫健委将服务港澳居民较多、条件成熟的广东祈福医院纳入第二批指定医疗机构；\n"
        "2．完善急需药械目录动态调整机制；3．加强指定医疗机构用药安全监管和信息共享。"
    )
    p = st.draft(
        title=DRUGS,
        body=body,
        author=author,
        when=D(3, 2),
        proposer_kind="committee",
        proposer_body="广州市政协港澳台侨外事委员会",
        origin_note="走访港澳委员时了解到的诉求；省、市、区三级政协联动",
    )
    s.cosponsor_add(actor=st.staff, proposal=p, organisation=st.org["广东省政协"])
    s.cosponsor_add(actor=st.staff, proposal=p, organisation=st.org["广州市番禺区政协"])
    p = st.submit(p, D(3, 15))
    p = st.file(p, D(3, 25), session=session)
    st.followup(
        p,
        D(4, 10),
        "research",
        "省、市、区三级政协与省港澳委联合调研广东祈福医院，听取医院和港澳患者意见。",
        place="广东祈福医院",
        participants="省政协、省港澳委、市政协港澳台侨外事委、番禺区政协、港澳委员",
    )
    st.followup(
        p,
        D(4, 28),
        "meeting",
        "联合座谈：研究指定医疗机构申报条件。",
        place="省政协",
        participants="省政协、市政协、番禺区政协、省卫健委",
    )
    p = st.assign(p, D(5, 6), lead="广东省卫生健康委员会", co=["广州市卫生健康委员会"])
    st.progress(p, D(6, 18), "广东省卫生健康委员会", "已组织专家评估广东祈福医院申报材料。")
    p = st.reply(
        p,
        D(7, 25),
        "A",
        "经评估，广东祈福医院符合条件，我委已将其列为实施“港澳药械通”第二批指定医疗机构，"
        "港澳人士在穗可享受与香港同样的技术、药物、器械和诊疗服务。",
    )
    # The proposer is a committee; its office confirms satisfaction, staff close it.
    p = st.stamp(s.proposal_close(actor=st.staff, proposal=p, note="提出单位确认满意，办结。"), _tz(D(8, 5)))
    o = s.outcome_record(
        actor=st.staff,
        proposal=p,
        actions="省卫健委采纳建议，将广东祈福医院列为实施“港澳药械通”第二批指定医疗机构，推动大湾区医疗服务同质化。",
        adopted=True,
        adopted_by=st.unit("广东省卫生健康委员会"),
        adopted_level="provincial",
        completed=True,
        completed_on=D(7, 20),
        evidence="省卫健委关于第二批“港澳药械通”指定医疗机构的公告。",
    )
    st.date_row(o, _tz(D(8, 5), 17))


# (title, body, final state, extra) — extra: lead/co/split units, dates, notes.
OTHERS = [
    ("关于在口岸周边设立跨境学童服务站的提案", "跨境学童每日往返口岸，候车、通关缺乏照护，建议在口岸周边设立服务站，提供候车、托管和安全引导。", "closed", {"lead": "广州市教育局", "cls": "A"}),
    ("关于优化港澳居民办理居住证流程的提案", "港澳居民办理居住证需多次往返，建议推行线上预约、材料一次告知和就近办理。", "closed_unsatisfied", {"lead": "广州市发展和改革委员会", "cls": "C", "member": True}),
    ("关于推动大湾区职业资格互认的提案", "港澳专业人士在穗执业仍需重复考试认证，建议扩大职业资格互认范围，简化执业备案。", "replied", {"lead": "广州市发展和改革委员会", "cls": "B", "member": True}),
    ("关于在社区医院推广粤语和英语导诊的提案", "港澳长者和外籍人士看病沟通困难，建议社区卫生服务中心提供粤语、英语导诊。", "replied", {"lead": "广州市卫生健康委员会", "cls": "A"}),
    ("关于完善港澳青年创业基地配套服务的提案", "港澳青年创业基地缺少住房、融资和法律服务配套，建议完善一站式服务。", "reply_review", {"lead": "广州市发展和改革委员会", "cls": "B"}),
    ("关于增加跨境巴士夜间班次的提案", "晚间从香港返穗的跨境巴士班次少，建议增开夜间班次并优化站点。", "reply_review", {"lead": "广州市发展和改革委员会", "cls": "A"}),
    ("关于港澳籍学生在穗就读学位保障的提案", "港澳籍适龄儿童在穗入学信息不透明，建议公开学位供给和申请指引。", "handling_overdue", {"lead": "广州市教育局", "co": ["广州市发展和改革委员会"], "assigned": D(4, 15)}),
    ("关于建设湾区中医药传承创新平台的提案", "建议依托本地中医药资源，与港澳合作建设中医药传承创新平台，推动标准互认。", "handling_overdue", {"lead": "广州市卫生健康委员会", "assigned": D(6, 3)}),
    ("关于推进公园绿地增设母婴室的提案", "市内不少公园缺少母婴室，建议结合绿美广州建设逐步增设。", "handling_overdue_extended", {"lead": "广州市林业和园林局", "assigned": D(5, 20)}),
    ("关于城市绿道增加夜间照明的提案", "部分绿道夜间照明不足，存在安全隐患，建议分批增设照明设施。", "handling_soon", {"lead": "广州市林业和园林局"}),
    ("关于老旧小区加装电梯简化审批的提案", "老旧小区加装电梯审批环节多、周期长，建议简化审批、推行联合验收。", "handling_split", {"split": ["广州市规划和自然资源局", "广州市发展和改革委员会"]}),
    ("关于在地铁站增加繁体字和英文指引的提案", "港澳旅客和外籍人士换乘时难以找到方向，建议地铁站增加繁体字和英文指引。", "handling_disputed", {"lead": "广州市规划和自然资源局", "new": "广州市发展和改革委员会"}),
    ("关于加强港澳居民社区融入服务的提案", "建议在港澳居民较多的街道设立服务驿站，提供政策咨询和证件办理指引。", "handling", {"lead": "广州市发展和改革委员会"}),
    ("关于支持港澳医师在穗多点执业的提案", "建议简化港澳医师在穗短期执业审批，支持多点执业。", "filed", {}),
    ("关于建立港澳委员履职服务平台的提案", "建议为港澳委员建立线上履职服务平台，方便远程参与协商和提交提案。", "filed", {}),
    ("关于建设更多社区极限运动场地的提案", "青少年极限运动场地不足，建议在社区公园增设小型滑板场。", "merged", {"into": SKATE}),
    ("关于加快港澳药械通落地的提案", "建议加快“港澳药械通”指定医疗机构扩容，方便港澳居民就医。", "merged", {"into": DRUGS}),
    ("关于跨境学童交通安全的提案", "跨境学童上下学交通安全需加强，建议设置专用接送区。", "merged", {"into": "关于在口岸周边设立跨境学童服务站的提案"}),
    ("关于为本人亲属解决落户问题的建议", "本人亲属在穗工作多年，希望协助解决落户问题。", "not_filed", {"reason": "personal", "note": "属于个人事务，建议通过相关部门渠道反映。"}),
    ("关于某品牌新能源汽车推广的提案", "建议政府采购优先选用某品牌新能源汽车。", "not_filed", {"reason": "promotion", "note": "内容为推介具体产品。"}),
    ("关于港澳居民参与社区志愿服务的建议", "建议搭建港澳居民志愿服务对接平台，鼓励参与社区治理。", "converted", {"note": "内容较为简要，转为意见建议送有关部门参考。"}),
    ("关于提升湾区跨境支付便利化的提案", "港澳居民在穗使用移动支付仍有不便，建议推动跨境支付互联互通。", "returned", {"note": "请补充具体问题和可操作的建议。"}),
    ("关于设立港澳台侨法律服务中心的提案", "建议设立面向港澳台侨的公益法律服务中心。", "returned", {"note": "请补充与现有法律援助机构的衔接安排。"}),
    ("关于促进穗港澳青少年交流的提案", "建议常态化组织穗港澳青少年研学交流活动。", "submitted", {}),
    ("关于加强大湾区文化遗产保护合作的提案", "建议穗港澳合作开展骑楼、侨批等文化遗产保护和活化利用。", "submitted", {}),
    ("关于优化港澳车辆入出境通关的提案", "建议优化粤港澳车辆通关查验流程，缩短排队时间。", "submitted", {}),
    ("关于华侨博物馆数字化建设的提案", "建议推进华侨博物馆藏品数字化和线上展览。", "withdrawn", {}),
    ("关于增设港澳长者日间照料中心的提案", "在穗港澳长者增多，建议在社区增设日间照料中心并提供粤语服务。", "draft", {}),
    ("关于侨乡文化旅游线路开发的提案", "建议整合永安堂、爱群大厦等侨史资源，开发侨乡文化旅游线路。", "draft", {"member": True}),
    ("关于在公园绿地增设青少年极限运动场地的提案", "十三届时提出：建议在公园绿地中规划青少年极限运动场地。", "past_closed", {"lead": "广州市体育局", "cls": "B"}),
    ("关于口岸通关便利化的提案", "十三届时提出：建议提升口岸通关效率，推广“一地两检”。", "past_closed", {"lead": "广州市发展和改革委员会", "cls": "A"}),
    ("关于港澳居民就医结算便利的提案", "十三届时提出：建议推动港澳居民在穗就医费用直接结算。", "past_closed", {"lead": "广州市卫生健康委员会", "cls": "B"}),
]  # fmt: skip


def _prepare_merges(st: Story) -> None:
    """Duplicates are submitted early and merged at the review of the proposal they duplicate."""
    people = _persons()
    for i, (title, body, final, x) in enumerate(OTHERS):
        if final != "merged" or Proposal.objects.filter(title=title).exists():
            continue
        p = st.draft(title=title, body=body, author=people[(i + 1) % len(people)], when=D(1, 4))
        st.pending_merges.setdefault(x["into"], []).append(st.submit(p, D(1, 6)))


def _others(st: Story, session2, session3, past_session) -> int:
    people = _persons()
    today = timezone.localdate()
    made = 0
    for i, (title, body, final, x) in enumerate(OTHERS):
        if final == "merged" or Proposal.objects.filter(title=title).exists():
            continue
        past = final == "past_closed"
        author = st.member.person if x.get("member") else people[(i + 1) % len(people)]
        start = D(1, 3) + dt.timedelta(days=3 * i) if not past else dt.date(2021, 1, 4)
        kw = {"actor": st.member} if author.user_id == st.member.pk else {}
        p = st.draft(
            title=title,
            body=body,
            author=author,
            when=start,
            timing="plenary" if i % 3 == 0 else "regular",
            **kw,
        )
        made += 1
        if final == "draft":
            continue
        p = st.submit(p, start + dt.timedelta(days=2), actor=st.member if kw else None)
        if final == "submitted":
            continue
        if final == "withdrawn":
            p = s.proposal_withdraw(actor=st.staff, proposal=p, note="提案人申请撤回。")
            st.stamp(p, _tz(start + dt.timedelta(days=5)))
            continue
        review = start + dt.timedelta(days=10)
        if final == "returned":
            st.stamp(s.proposal_return(actor=st.staff, proposal=p, note=x["note"]), _tz(review))
            continue
        if final == "not_filed":
            st.stamp(
                s.proposal_not_file(actor=st.staff, proposal=p, reason=x["reason"], note=x["note"]),
                _tz(review),
            )
            continue
        if final == "converted":
            st.stamp(s.proposal_convert(actor=st.staff, proposal=p, note=x["note"]), _tz(review))
            continue
        session = past_session if past else (session3 if start >= session3.start_date else session2)
        p = st.file(p, review, session=session)
        if final == "filed":
            continue
        assigned = x.get("assigned") or (review + dt.timedelta(days=14))
        if final == "handling_soon":
            assigned = s.add_months(today, -3) + dt.timedelta(days=9)  # due in about 9 days
        elif final in ("handling", "handling_split", "handling_disputed"):
            assigned = today - dt.timedelta(days=3 + i % 4)
        p = st.assign(p, assigned, lead=x.get("lead"), co=x.get("co", []), split=x.get("split", []))
        if final == "handling_disputed":
            a = s.assignment_dispute(
                actor=st.user_of(st.unit(x["lead"])),
                proposal=p,
                reason="地铁站内导向标识由地铁集团和交通部门负责，不属本局职责。",
            )
            s.assignment_resolve(
                actor=st.staff, assignment=a, new_unit=st.unit(x["new"]), note="经协调改由市发展改革委牵头。"
            )
            continue
        if final == "handling_overdue_extended":
            ext = s.proposal_extend(
                actor=st.user_of(st.unit(x["lead"])),
                proposal=p,
                new_due=s.add_months(assigned, 5),
                reason="需结合年度公园改造计划统筹，申请延期。",
            )
            Extension.objects.filter(pk=ext.pk).update(
                old_due=s.add_months(assigned, 3), created_at=_tz(s.add_months(assigned, 2))
            )
            Proposal.objects.filter(pk=p.pk).update(reply_due=s.add_months(assigned, 5))
        if final.startswith("handling"):
            if final != "handling_split":
                st.progress(
                    p,
                    min(assigned + dt.timedelta(days=20), today),
                    x.get("lead") or x["split"][0],
                    "已开展调研，正在研究具体措施。",
                )
            continue
        when = assigned + dt.timedelta(days=60)
        cls = x.get("cls", "B")
        text = f"感谢您的提案。我单位高度重视，经研究，{'已落实相关措施' if cls == 'A' else '已列入工作计划' if cls == 'B' else '受条件限制，暂留作参考'}，并将持续跟进。"
        p = st.reply(p, when, cls, text, approve=final != "reply_review")
        if final in ("reply_review", "replied"):
            continue
        if final == "closed_unsatisfied":
            p = st.rate(p, when + dt.timedelta(days=7), "unsatisfied", "答复未回应具体问题，请再次办理。")
            p = st.reply(
                p,
                when + dt.timedelta(days=40),
                "B",
                "再次办理：已推行线上预约和材料一次告知，就近办理点正在扩展。",
            )
            p = st.rate(p, when + dt.timedelta(days=47), "basic", "再次答复较具体，基本满意。")
        if p.status == ProposalStatus.REPLIED:
            p = st.stamp(
                s.proposal_close(actor=st.staff, proposal=p, note="提案人表示满意，办结。"),
                _tz(when + dt.timedelta(days=50)),
            )
    return made
