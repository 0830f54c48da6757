"""The consultation and research of the demo year, as the source document tells them.

Before the 市领导与港澳委员座谈会 (7 January, during the third session) the members "广泛收集信息，精心协商选题，
反复研究打磨发言材料": six topics were collected, one merged into another, two declined and three selected; the
three drafts went through two or three revisions with the office's comments, were approved and delivered, and
the city leader answered each; follow-ups link to the proposal that came of them. The 港澳药械通 research topic
was run with the provincial CPPCC and 番禺区政协 and led to the joint proposal, adopted by the provincial health
commission. Titles and people fictional.

The story is replayed at its own dates (`_on`: Django's clock is set to the day, so every time stamp, deadline
check and notification carries the story's date). Idempotent: nothing is made when the meeting exists."""

import contextlib
import datetime as dt
from unittest import mock

from django.utils import timezone

from accounts.models import User
from activities.models import Activity
from core.demo import day
from members.models import Person
from organisations.models import Organisation
from proposals.models import Proposal

from . import services as s
from .models import FollowUpKind, MeetingKind, OutputKind, ParticipantRole, ResearchStatus, SpeechStatus
from .models import TopicStatus as T

MEETING = "市领导与港澳委员座谈会"
RESEARCH = "“港澳药械通”扩大指定医疗机构范围联合调研"


@contextlib.contextmanager
def _on(date: dt.date, hour: int = 10):
    """Run the services as on `date` at `hour` o'clock (Asia/Shanghai)."""
    moment = timezone.make_aware(dt.datetime.combine(date, dt.time(hour)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield


# Collected topics: (key, title, background, source, proposer key, decision, reason)
TOPICS = [
    ("pupils", "完善跨境学童服务，守护“双城”成长路", "每日有大量跨境学童往返深港、穗港，候车、通关和接驳缺乏照护。",
     "委员走访口岸和学校、家长座谈；百姓提案平台的市民意见。", "member", T.SELECTED, "切合港澳所需、广州所能，已有调研基础。"),
    ("youth", "为港澳青年来穗创业就业搭建“一站式”服务", "港澳青年创业基地服务分散，住房、融资、法律服务配套不足。",
     "港澳青年社团座谈；创业基地走访。", "advisor", T.SELECTED, "符合湾区所长、港澳所需，建议作重点发言。"),
    ("elderly", "推动港澳长者在穗养老服务衔接", "在穗居住的港澳长者增多，长者福利跨境携带受限，养老机构收费不一。",
     "社区走访；港澳社团反映。", "other1", T.SELECTED, "回应港澳同胞关切，与民政部门工作重点契合。"),
    ("youth2", "加强穗港澳青年交流的建议", "青年交流活动零散，缺乏常态化机制。", "团体座谈。", "other2", T.MERGED,
     "与“港澳青年来穗创业就业”选题方向相近，合并发言。"),
    ("finance", "推动大湾区跨境理财通扩容", "跨境理财通额度和产品范围有限。", "金融界委员意见。", "other3", T.DECLINED,
     "属中央事权，本次座谈会以广州所能为重点，建议转为社情民意信息报送。"),
    ("traffic", "优化口岸周边交通组织", "节假日口岸周边交通拥堵。", "委员出行体会。", "other4", T.DECLINED,
     "与“跨境学童服务”选题部分重叠，且已有同类提案在办。"),
]  # fmt: skip

# Drafts of the selected topics: revisions (text, what changed) and the office's comments on each but the last.
DRAFTS = {
    "pupils": (
        "member",
        "关于完善跨境学童服务的建议",
        [
            ("跨境学童是大湾区融合发展的缩影。目前在穗港两地往返就学的学童逐年增加。\n"
             "建议在口岸周边设立跨境学童服务站。", "初稿"),
            ("跨境学童是大湾区融合发展的缩影。据口岸部门统计，在穗港两地往返就学的学童逐年增加，候车、通关、接驳缺乏照护。\n"
             "建议在口岸周边设立跨境学童服务站，提供候车、托管和安全引导；建立跨境校巴备案制度。",
             "补充数据来源，增加校巴备案建议"),
            ("跨境学童是大湾区融合发展的缩影。据口岸部门统计，在穗港两地往返就学的学童逐年增加，候车、通关、接驳缺乏照护。\n"
             "建议：一是在口岸周边设立跨境学童服务站，提供候车、托管和安全引导；二是建立跨境校巴备案制度；"
             "三是由教育、公安、口岸部门建立联席机制。", "按意见分条表述，增加部门联动"),
        ],
        [(1, 2, "", "建议补充数据来源，增强说服力。"), (2, 2, "建立跨境校巴备案制度", "建议分条表述，并明确牵头部门。")],
    ),
    "youth": (
        "advisor",
        "为港澳青年来穗发展提供“一站式”服务",
        [
            ("港澳青年来穗创新创业热情高涨。建议在创业基地设立一站式服务窗口。", "初稿"),
            ("港澳青年来穗创新创业热情高涨，但工商、税务、人才政策分属不同部门。\n"
             "建议在创业基地设立一站式服务窗口，编制中英繁体服务指南，并为港澳青年提供人才公寓。",
             "吸收合并选题“加强穗港澳青年交流”的内容，补充配套建议"),
        ],
        [(1, 1, "", "请结合合并进来的青年交流选题，补充住房等配套措施。")],
    ),
    "elderly": (
        "member",
        "推动港澳长者在穗养老服务衔接的建议",
        [
            ("在穗居住的港澳长者增多。建议推动长者福利跨境衔接。", "初稿"),
            ("在穗居住的港澳长者增多，长者福利跨境携带受限，养老机构收费标准不一。\n"
             "建议推动长者福利跨境衔接试点，公布养老机构收费清单，在社区增设粤语服务。",
             "补充现状和具体措施"),
        ],
        [(1, 1, "", "内容过简，请补充现状分析和可操作的措施。")],
    ),
}  # fmt: skip

RESPONSES = {
    "pupils": "跨境学童服务是民生实事，请市教育局会同口岸、公安部门研究设立服务站。",
    "youth": "很好的建议，请市人社局、市港澳办抓好港澳青年一站式服务。",
    "elderly": "请市民政局研究港澳长者养老服务衔接试点。",
}


def _people(committee) -> dict[str, Person]:
    others = list(
        Person.objects.filter(owner_org__path__startswith=committee.path, user__isnull=True).order_by("pk")[
            :4
        ]
    )
    people = {
        "member": Person.objects.get(user__username="member"),
        "advisor": Person.objects.get(user__username="advisor"),
    }
    for i, person in enumerate(others, start=1):
        people[f"other{i}"] = person
    return people


def _meeting(staff, leader, committee, people) -> int:
    activity = Activity.objects.filter(title=MEETING).first()
    with _on(day(1, 7) - dt.timedelta(days=30)):
        meeting = s.meeting_create(
            actor=staff,
            title=MEETING,
            kind=MeetingKind.SYMPOSIUM,
            date=day(1, 7),
            place="广州市政协会议中心",
            leaders="市领导（演示）",
            agenda="一、港澳委员重点发言；二、市领导回应；三、交流讨论。",
            topic_deadline=day(1, 7) - dt.timedelta(days=14),
            activity=activity,
            owner_org=committee,
        )
    topics = {}
    for n, (key, title, background, source, who, _, _) in enumerate(TOPICS):
        person = people.get(who)
        proposed_on = day(1, 7) - dt.timedelta(days=28 - 2 * n)
        with _on(proposed_on):
            if person is not None and person.user_id:
                topics[key] = s.topic_propose(
                    actor=person.user, meeting=meeting, title=title, background=background, source=source
                )
            else:
                topics[key] = s.topic_propose(
                    actor=staff, meeting=meeting, title=title, background=background, source=source,
                    proposer=person,
                )  # fmt: skip
    with _on(day(1, 7) - dt.timedelta(days=12), 15):
        s.topic_note_add(
            actor=leader, topic=topics["youth2"], text="与港澳青年创业就业选题方向相近，建议合并。"
        )
        for key, *_, decision, reason in TOPICS:
            if decision == T.MERGED:
                topics[key] = s.topic_transition(
                    actor=leader, topic=topics[key], target=decision, note=reason, into=topics["youth"]
                )
            else:
                topics[key] = s.topic_transition(
                    actor=leader, topic=topics[key], target=decision, note=reason
                )
    speeches = {}
    for key, (who, title, revisions, comments) in DRAFTS.items():
        speaker = people[who]
        with _on(day(1, 7) - dt.timedelta(days=11)):
            speech = s.speech_create(
                actor=staff,
                topic=topics[key],
                speaker=speaker,
                title=title,
                due_date=day(1, 7) - dt.timedelta(days=3),
            )
        for number, (text, note) in enumerate(revisions, start=1):
            with _on(day(1, 7) - dt.timedelta(days=11 - 3 * number), 9):
                speech = s.speech_transition(
                    actor=speaker.user, speech=speech, target=SpeechStatus.SUBMITTED, text=text, note=note
                )
            remarks = [c for c in comments if c[0] == number]
            with _on(day(1, 7) - dt.timedelta(days=11 - 3 * number), 16):
                for _, paragraph, quote, remark in remarks:
                    s.comment_add(actor=staff, speech=speech, text=remark, paragraph=paragraph, quote=quote)
                if number < len(revisions):
                    speech = s.speech_transition(actor=staff, speech=speech, target=SpeechStatus.RETURNED)
                else:
                    speech = s.speech_transition(
                        actor=leader, speech=speech, target=SpeechStatus.APPROVED, note="定稿。"
                    )
        speeches[key] = speech
    with _on(day(1, 7) - dt.timedelta(days=1)):
        s.speaking_order_set(actor=staff, meeting=meeting, speech_ids=[speeches[k].pk for k in DRAFTS])
    with _on(day(1, 7), 18):
        for key, speech in speeches.items():
            speech = s.speech_transition(actor=staff, speech=speech, target=SpeechStatus.DELIVERED)
            s.leader_response_add(actor=staff, speech=speech, leader="市领导（演示）", text=RESPONSES[key])
        s.meeting_record_minutes(
            actor=staff,
            meeting=meeting,
            minutes="市领导听取港澳委员发言并逐一回应。会议认为，发言立足湾区、兼顾三地，体现“中央要求、湾区所长、"
            "港澳所需、广州所能”。会后由专委会跟踪落实。",
        )
    with _on(day(1, 10)):
        followup = s.followup_create(
            actor=staff,
            meeting=meeting,
            title="跨境学童服务站建议转为提案",
            description="按市领导回应，将发言内容整理为提案，由市教育局牵头办理。",
            kind=FollowUpKind.PROPOSAL,
            speech=speeches["pupils"],
        )
        proposal = Proposal.objects.filter(title="关于在口岸周边设立跨境学童服务站的提案").first()
        if proposal is not None:
            s.followup_link(actor=staff, followup=followup, proposal=proposal)
        s.followup_create(
            actor=staff,
            meeting=meeting,
            title="港澳长者养老服务衔接：跟进市民政局研究进展",
            kind=FollowUpKind.OTHER,
            speech=speeches["elderly"],
        )
    return len(TOPICS)


def _research(staff, committee, people) -> None:
    orgs = {
        o.name: o
        for o in Organisation.objects.filter(
            name__in=["广东省政协", "广州市番禺区政协", "广东省卫生健康委员会"]
        )
    }
    with _on(day(2, 20)):
        topic = s.research_create(
            actor=staff,
            title=RESEARCH,
            lead_body=committee,
            start_date=day(2, 20),
            end_date=day(8, 31),
            summary="走访港澳委员时了解到广东祈福医院申请“港澳药械通”指定医疗机构未获通过。专委会商讨省、市、区三级政协"
            "联动工作机制，与省政协、番禺区政协联合调研，形成联名提案。",
            partners=[orgs[n] for n in ("广东省政协", "广州市番禺区政协") if n in orgs],
            participants=[
                (p, role)
                for p, role in (
                    (people["member"], ParticipantRole.LEAD),
                    (people.get("other1"), ParticipantRole.WRITER),
                    (people.get("other2"), ParticipantRole.MEMBER),
                )
                if p is not None
            ],
            external_participants="省政协港澳台侨和外事委员会、番禺区政协、广东祈福医院",
            owner_org=committee,
        )
        s.research_transition(actor=staff, topic=topic, target=ResearchStatus.ACTIVE)
    for title, due, done in (
        ("走访港澳委员，了解祈福医院申报未获通过的情况", day(2, 28), day(2, 26)),
        ("商定省、市、区三级政协联动工作机制，起草联名提案", day(3, 15), day(3, 14)),
        ("联合调研广东祈福医院，听取医院和港澳患者意见", day(4, 15), day(4, 10)),
        ("形成调研报告，报送省卫健委", day(5, 31), day(5, 20)),
    ):
        with _on(done, 17):
            s.milestone_add(actor=staff, topic=topic, title=title, due_date=due, done_on=done)
    with _on(day(5, 20), 17):
        s.output_add(
            actor=staff,
            topic=topic,
            title="关于推动“港澳药械通”扩大指定医疗机构范围的调研报告",
            completed_on=day(5, 20),
            kind=OutputKind.REPORT,
            summary="建议将服务港澳居民较多、条件成熟的广东祈福医院纳入第二批指定医疗机构。",
            authors=[p for p in (people["member"], people.get("other1")) if p is not None],
        )
        drugs = Proposal.objects.filter(title__startswith="关于推动“港澳药械通”").first()
        if drugs is not None:
            s.research_link_proposal(actor=staff, topic=topic, proposal=drugs)
        s.research_transition(actor=staff, topic=topic, target=ResearchStatus.CONCLUDED)
    adopter = orgs.get("广东省卫生健康委员会")
    if adopter is not None:
        with _on(day(7, 25), 17):
            s.research_transition(
                actor=staff,
                topic=topic,
                target=ResearchStatus.ADOPTED,
                adopted_by=adopter,
                adopted_on=day(7, 20),
                outcome="省卫健委采纳建议，将广东祈福医院列为实施“港澳药械通”第二批指定医疗机构，港澳人士在穗可享受"
                "与香港同样的技术、药物、器械和诊疗服务。",
            )


def load(out) -> None:
    from .models import Meeting

    if Meeting.objects.filter(title=MEETING).exists():
        out.write("协商议政：已存在，未新建。")
        return
    committee = Organisation.objects.get(name="广州市政协港澳台侨外事委员会")
    staff = User.objects.get(username="staff")
    leader = User.objects.get(username="leader")
    people = _people(committee)
    n = _meeting(staff, leader, committee, people)
    _research(staff, committee, people)
    out.write(f"协商议政：{MEETING}（{n} 个选题、3 篇发言稿），课题“{RESEARCH}”。")
