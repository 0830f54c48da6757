"""Scale data: citizens' ideas in every state (screened, open, claimed, developed into a proposal, forwarded,
declined, turned into a speech), with the fields each end needs and an encrypted phone."""

import datetime as dt

from core.text import search_form

from .models import Idea, IdeaStatus
from .services import _CODE_ALPHABET

S = IdeaStatus
TOPICS = ["社区滑板场", "公园夜间照明", "地铁接驳公交", "菜市场升级改造", "学校周边交通", "社区长者饭堂", "河涌步道",
          "跨境巴士站点", "公共充电桩", "社区图书角"]  # fmt: skip
STATUS = (
    [S.SUBMITTED, S.OPEN, S.CLAIMED, S.PROPOSAL, S.SPEECH, S.FORWARDED, S.DECLINED],
    [8, 12, 15, 15, 5, 20, 25],
)


def generate(gen) -> None:
    rng = gen.rng
    cppccs = [c for c in gen.store["cppccs"] if gen.store["persons_by_cppcc"].get(c.pk)]
    drafts = {}
    for pk, cppcc_id, _status in gen.store.get("proposals", []):
        drafts.setdefault(cppcc_id, []).append(pk)
    ideas, seen = [], set(Idea.objects.values_list("code", flat=True))
    for i in range(gen.scale.ideas):
        home = rng.choice(cppccs)
        status = rng.choices(*STATUS)[0]
        created = gen.past_moment()
        topic = rng.choice(TOPICS)
        title = f"建议增加{topic}"
        code = "JD" + "".join(rng.choice(_CODE_ALPHABET) for _ in range(8))
        while code in seen:
            code = "JD" + "".join(rng.choice(_CODE_ALPHABET) for _ in range(8))
        seen.add(code)
        claimant = (
            rng.choice(gen.store["persons_by_cppcc"][home.pk]) if status in (S.CLAIMED, S.PROPOSAL) else None
        )
        proposal = rng.choice(drafts[home.pk]) if status == S.PROPOSAL and drafts.get(home.pk) else None
        if status == S.PROPOSAL and proposal is None:
            status = S.CLAIMED
        ended = status in (S.PROPOSAL, S.SPEECH, S.FORWARDED, S.DECLINED)
        citizen = f"市民{i:05d}"
        ideas.append(
            Idea(
                owner_org=rng.choice(gen.store["committees"][home.pk]),
                code=code,
                title=title,
                body=f"我家附近缺少{topic}，周末老人和孩子没有去处，希望政协委员帮忙反映。",
                citizen_name=citizen,
                citizen_phone=f"13{rng.randint(0, 999999999):09d}",
                wants_followup=rng.random() < 0.3,
                status=status,
                claimed_by_id=claimant,
                claimed_at=created + dt.timedelta(days=10) if claimant else None,
                forwarded_to=rng.choice(gen.store["units"]) if status == S.FORWARDED else None,
                proposal_id=proposal,
                outcome_note={
                    S.DECLINED: "属于个人诉求，不宜作为提案。",
                    S.FORWARDED: "已转交职能部门研究办理。",
                    S.SPEECH: "已转为大会发言。",
                }.get(status, ""),  # fmt: skip
                closed_at=created + dt.timedelta(days=30) if ended else None,
                search_text=search_form(title, code, citizen, gen.store["person_names"].get(claimant, "")),
                created_at=created,
                updated_at=created,
            )
        )
    gen.bulk(Idea, ideas, label="百姓提案")
