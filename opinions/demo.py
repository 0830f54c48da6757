"""Public-opinion reports of the committee's members in the demo year, in every state of the workflow;
several adopted at city or provincial level, some with a leader's instruction. Titles and people fictional.
Idempotent: a report is found by title before anything is created."""

from accounts.models import User
from core.demo import day
from members.models import Person
from organisations.models import Organisation

from .models import OpinionReport, ReportStatus
from .services import report_create, report_transition

S = ReportStatus

# (title, situation, analysis, suggestion, how far it got, extra data for the last steps)
REPORTS = [
    ("关于便利港澳居民在穗办理社保的建议", "港澳居民在穗就业人数逐年增加，但办理社保登记仍需多次往返窗口。",
     "线上系统尚不支持港澳居民居住证和回乡证认证，材料要求各区不一。",
     "开通港澳居民证件线上认证，统一全市材料清单，设立跨境服务专窗。",
     S.INSTRUCTED, {"level": "provincial", "adopted_by": "广东省政协办公厅", "leader": "省领导（演示）",
                    "text": "请省人社厅会同省港澳办研究落实。"}),
    ("关于港澳青年创新创业基地“一站式”服务的建议", "我市已有多个港澳青年创业基地，入驻企业反映服务分散。",
     "工商、税务、人才政策分属不同部门，信息不对称。", "在基地设立一站式服务窗口，编制中英繁体服务指南。",
     S.INSTRUCTED, {"level": "city", "adopted_by": "广州市政协办公厅", "leader": "市领导（演示）",
                    "text": "很好的建议，请市人社局、市港澳办抓好落实。"}),
    ("关于港澳药械通扩大指定医疗机构范围的建议", "港澳药械通试点以来，惠及大湾区内地居民和港澳居民。",
     "指定医疗机构数量少、分布不均，部分区域群众需长途就医。", "增加指定医疗机构，优先覆盖港澳居民聚居区域。",
     S.ADOPTED, {"level": "provincial", "adopted_by": "广东省政协办公厅"}),
    ("关于完善跨境学童交通接驳的建议", "每日有大量跨境学童往返口岸，上下学交通存在安全隐患。",
     "接驳车辆管理分散，口岸周边停靠点不足。", "规划专用接驳停靠点，建立跨境校巴备案制度。",
     S.ADOPTED, {"level": "city", "adopted_by": "广州市政协办公厅"}),
    ("关于推动粤港澳职业资格互认的建议", "港澳专业人士在穗执业需重新考取资格，门槛较高。",
     "现行互认范围有限，行业协会参与不足。", "扩大互认职业目录，引入港澳行业协会参与评价。",
     S.SENT_UP, {"level": "city", "sent_to": "广州市政协"}),
    ("关于加强侨乡文化遗产保护的建议", "部分侨乡历史建筑年久失修，面临损毁风险。",
     "产权分散、维修资金不足，华侨后人难以参与。", "设立侨乡文物保护专项资金，鼓励海外华侨认捐修缮。",
     S.EDITED, {}),
    ("关于优化港澳车辆入出境通关的建议", "“粤车南下”“港车北上”政策实施后，口岸通关车流增加。",
     "节假日高峰排队时间长，预约系统不够便捷。", "增设智能通道，优化预约系统，发布实时通关信息。",
     S.ACCEPTED, {}),
    ("关于支持港澳居民参与社区志愿服务的建议", "越来越多港澳居民希望参与内地社区志愿服务。",
     "志愿服务平台注册需内地身份证，港澳居民无法注册。", "志愿服务平台支持港澳居民证件注册并记录服务时长。",
     S.SUBMITTED, {}),
    ("关于在穗港澳老人养老服务衔接的建议", "在穗居住的港澳老人增多，养老服务需求上升。",
     "长者福利跨境携带受限，养老机构收费标准不一。", "推动长者福利跨境衔接试点，公布养老机构收费清单。",
     S.NOT_ADOPTED, {"note": "与已采用的同类信息重复，已并入综合报送。"}),
    ("关于建设大湾区青少年交流营地的建议", "穗港澳青少年交流活动频繁，但缺少固定营地。", "", "",
     S.DRAFT, {}),
]  # fmt: skip

PATH = [S.SUBMITTED, S.ACCEPTED, S.EDITED, S.SENT_UP, S.ADOPTED, S.INSTRUCTED]


def load(out) -> None:
    committee = Organisation.objects.get(name="广州市政协港澳台侨外事委员会")
    staff = User.objects.get(username="staff")
    member = Person.objects.get(user__username="member")
    others = list(Person.objects.filter(owner_org=committee, user__isnull=True).order_by("pk")[:6])
    authors = [member, *others] or [member]
    created = 0
    for i, (title, situation, analysis, suggestion, final, extra) in enumerate(REPORTS):
        if OpinionReport.objects.filter(title=title).exists():
            continue
        author = authors[i % len(authors)]
        actor = author.user or staff
        report = report_create(
            actor=actor,
            author=author,
            title=title,
            situation=situation,
            analysis=analysis,
            suggestion=suggestion,
        )
        created += 1
        if final == S.DRAFT:
            continue
        month = 2 + i % 8
        if final == S.NOT_ADOPTED:
            report = report_transition(actor=actor, report=report, target=S.SUBMITTED)
            report_transition(actor=staff, report=report, target=S.NOT_ADOPTED, note=extra["note"])
            continue
        for step in PATH[: PATH.index(final) + 1]:
            kwargs = {}
            if step == S.SENT_UP:
                kwargs = {
                    "level": "city",
                    "organisation": extra.get("sent_to", "广州市政协"),
                    "date": day(month, 10),
                }
            elif step == S.ADOPTED:
                kwargs = {
                    "level": extra["level"],
                    "organisation": extra["adopted_by"],
                    "date": day(month + 1, 5),
                }
            elif step == S.INSTRUCTED:
                kwargs = {"level": extra["level"], "leader": extra["leader"], "text": extra["text"],
                          "date": day(month + 1, 20)}  # fmt: skip
            report = report_transition(actor=actor if step == S.SUBMITTED else staff, report=report, target=step,
                                       **kwargs)  # fmt: skip
    out.write(f"社情民意信息：新建 {created} 篇，共 {OpinionReport.objects.count()} 篇。")
