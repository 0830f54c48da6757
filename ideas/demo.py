"""Citizens' ideas of the demo year. The story's idea, 《增加广州滑板场建设》, comes from a (fictional) citizen,
is claimed by the demo member and becomes the skate-park proposal when the proposals demo has created it;
other ideas stand in every state. Idempotent: an idea is found by title before anything is created."""

from accounts.models import User
from members.models import Person
from organisations.models import Organisation

from .models import Idea, IdeaStatus
from .services import idea_invite_followup, idea_submit, idea_transition

S = IdeaStatus
SKATE = "增加广州滑板场建设"

# (title, body, citizen, phone, email, wants follow-up, final state, note / department)
IDEAS = [
    (SKATE, "越来越多青少年喜欢滑板运动，但全市专业滑板场很少，孩子们只能在广场、路边练习，既不安全也扰民。"
     "建议在各区规划建设公共滑板场，并结合公园绿地改造，配套照明和安全设施。",
     "梁小滑（演示市民）", "13800000001", "skate.citizen@example.test", True, S.PROPOSAL, ""),
    ("口岸附近增设跨境学童候车亭", "口岸附近跨境学童候车没有遮阳挡雨的地方，夏天很辛苦，建议增设候车亭。",
     "何晴（演示市民）", "13800000002", "", True, S.SPEECH,
     "已吸收进市领导与港澳委员座谈会发言《关于完善跨境学童服务的建议》。"),
    ("社区医院增加粤语、英语导诊", "不少港澳长者和外籍人士看病时沟通困难，建议社区医院提供粤语、英语导诊服务。",
     "吴明（演示市民）", "13800000003", "", False, S.FORWARDED, "属于卫生健康部门日常工作，转交研究办理。"),
    ("把小区门口的树移走", "小区门口的大树挡住了我家的阳光，希望移走。",
     "郑立（演示市民）", "13800000004", "", False, S.DECLINED, "属于物业管理范围，建议向街道或物业反映；不作为提案线索。"),
    ("增设港澳居民便民服务驿站", "建议在港澳居民较多的街道设立便民服务驿站，提供政策咨询、证件办理指引。",
     "黄欣（演示市民）", "13800000005", "", True, S.CLAIMED, ""),
    ("公园增设儿童友好设施", "不少公园缺少适合幼儿的游乐设施和母婴室，建议按儿童友好城市标准改造。",
     "林乐（演示市民）", "13800000006", "", False, S.OPEN, ""),
    ("地铁站增加繁体字和英文指引", "港澳旅客和外籍人士在地铁换乘时常常找不到方向，建议增加繁体和英文指引。",
     "周迅达（演示市民）", "13800000007", "", False, S.OPEN, ""),
    ("老旧小区加装电梯简化审批", "老旧小区加装电梯审批环节多、时间长，建议简化流程。",
     "麦平（演示市民）", "13800000008", "", True, S.SUBMITTED, ""),
    ("夜间增开跨境巴士班次", "晚上从香港回广州的跨境巴士班次少，建议增开夜间班次。",
     "刘安（演示市民）", "13800000009", "", False, S.SUBMITTED, ""),
]  # fmt: skip


def _skate_proposal():
    if not hasattr(Idea, "proposal"):
        return None
    from proposals.models import Proposal

    return Proposal.objects.filter(title__contains="滑板").order_by("pk").first()


def load(out) -> None:
    staff = User.objects.get(username="staff")
    member_user = User.objects.get(username="member")
    advisor_user = User.objects.get(username="advisor")
    health = Organisation.objects.filter(name="广州市卫生健康委员会").first() or Organisation.objects.get(
        name="广州市体育局"
    )
    member = Person.objects.filter(user=member_user).first()
    created = 0
    for n, (title, body, name, phone, email, followup, final, note) in enumerate(IDEAS):
        idea = Idea.objects.filter(title=title).first()
        if idea is None:
            idea = idea_submit(
                title=title,
                body=body,
                citizen_name=name,
                citizen_phone=phone,
                citizen_email=email,
                wants_followup=followup,
                client_ip=f"192.0.2.{n + 1}",  # documentation addresses: one per citizen, under the flood limit
            )
            created += 1
            if final == S.SUBMITTED:
                continue
            if final in (S.FORWARDED, S.DECLINED):
                idea_transition(actor=staff, idea=idea, target=final, note=note, forwarded_to=health)
                continue
            idea = idea_transition(actor=staff, idea=idea, target=S.OPEN)
            if final == S.OPEN:
                continue
            claimant = member_user if title == SKATE else advisor_user
            idea = idea_transition(actor=claimant, idea=idea, target=S.CLAIMED)
            if final == S.SPEECH:
                idea_transition(actor=claimant, idea=idea, target=S.SPEECH, note=note)
            if title == SKATE:
                idea = idea_invite_followup(
                    actor=staff, idea=idea, note="邀请您参加与市体育局的滑板场选址调研座谈（演示）。"
                )
        # The skate-park idea becomes the proposal once the proposals demo has created it (also on a re-run).
        if title == SKATE and idea.status == S.CLAIMED:
            proposal = _skate_proposal()
            if proposal is not None:
                idea_transition(
                    actor=member_user,
                    idea=idea,
                    target=S.PROPOSAL,
                    note=f"{member.name}委员认领后形成提案《{proposal.title}》。",
                    proposal=proposal,
                )
    out.write(
        f"百姓提案：新建 {created} 条，共 {Idea.objects.count()} 条"
        f"（{member.name if member else '演示委员'}认领滑板场金点子）。"
    )
