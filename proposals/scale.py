"""Scale data: proposals in every state with what each workflow step leaves behind — co-signers, numbers per
plenary session, review outcomes, assignments to handling units (with their `handler` shares), replies with
countersigns, ratings, outcomes, key proposals with supervision and follow-ups — plus the workflow log and the
similarity index (`ProposalTerm`, `TermFrequency`) built with `proposals.similarity`'s own tokens and weights.

Older proposals have reached an end (办结, 不予立案, 并案 …); the last year's are spread over every state.
Generated in chunks of 10,000 so province scale (300,000) never holds everything in memory.
Stores: `proposals` [(id, cppcc id, status)].
"""

import datetime as dt
from collections import Counter

from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.db.models import Max

from core.models import TransitionLog
from core.text import search_form
from organisations.models import Share, ShareCapacity

from .models import (
    AdoptionLevel,
    Assignment,
    AssignmentRole,
    Cosigner,
    CosignerStatus,
    Countersign,
    FollowUp,
    FollowUpKind,
    NotFiledReason,
    Outcome,
    Proposal,
    ProposalStatus,
    ProposalTerm,
    ProposalTiming,
    ProposerKind,
    Rating,
    RatingValue,
    Reply,
    ReplyClass,
    ReplyStatus,
    Supervision,
    TermFrequency,
)
from .services import add_months
from .similarity import INDEXED_STATES, MAX_DOC_TERMS, term_weights, tokens

S = ProposalStatus
CHUNK = 10_000
ACTIONS = ["加快", "完善", "优化", "推动", "加强", "支持", "探索", "规范", "提升", "扩大", "深化", "建立健全"]
TOPICS = [
    "港澳青年来穗就业创业服务", "社区公共滑板场地建设", "港澳药械通指定医疗机构范围", "跨境学童交通接驳",
    "大湾区职业资格互认", "老旧小区加装电梯", "垃圾分类投放点管理", "港澳居民办理居住证流程", "城市更新中的历史建筑保护",
    "中小学课后托管服务", "社区养老服务网点", "夜间经济街区管理", "新能源汽车充电设施", "城中村消防安全",
    "港澳籍人士参加社会保险", "跨境电商通关便利化", "侨批档案保护利用", "乡村旅游民宿规范", "河涌水环境治理",
    "公共文化场馆错时开放", "地铁站点无障碍设施", "港澳资企业融资服务", "粤港澳联合科研项目资金跨境使用",
    "基层医疗卫生人才队伍", "预制菜产业标准", "低空经济应用场景", "口岸通关智能化", "湾区“一小时生活圈”交通衔接",
    "绿美广州生态建设", "百千万工程县镇村协同发展", "海外侨胞回乡投资服务", "青少年心理健康服务",
]  # fmt: skip
SENTENCES = [
    "当前{t}仍存在覆盖不足、标准不一等问题，群众反映较为集中。",
    "据调研，{t}涉及多个部门职责，协同机制尚未完全理顺。",
    "港澳委员在走访中了解到，{t}相关政策的知晓度不高，办理流程较为繁琐。",
    "建议由牵头部门制定{t}的专项工作方案，明确目标任务和时间节点。",
    "建议加大财政投入，完善{t}的配套设施和服务网络。",
    "建议借鉴香港、澳门的成熟做法，推动{t}规则衔接、机制对接。",
    "建议建立{t}的定期评估和信息公开制度，接受社会监督。",
    "建议发挥政协委员和社会组织作用，凝聚推进{t}的工作合力。",
]
REPLY_TEXT = (
    "来函收悉。经研究，现将{t}有关情况答复如下：我局高度重视，已会同有关部门研究落实，下一步将继续推进。"
)
FINAL = ([S.CLOSED, S.NOT_FILED, S.MERGED, S.CONVERTED, S.WITHDRAWN], [80, 8, 5, 4, 3])
RECENT = (
    [S.DRAFT, S.SUBMITTED, S.RETURNED, S.WITHDRAWN, S.FILED, S.NOT_FILED, S.MERGED, S.CONVERTED, S.HANDLING,
     S.REPLY_REVIEW, S.REPLIED, S.CLOSED],
    [4, 8, 2, 1, 5, 5, 3, 2, 30, 5, 10, 25],
)  # fmt: skip
FILED_FLOW = (S.FILED, S.HANDLING, S.REPLY_REVIEW, S.REPLIED, S.CLOSED)
_token_cache: dict[tuple[str, str], list[str]] = {}


def _tokens(title: str, body: str) -> list[str]:
    key = (title, body)
    if key not in _token_cache:
        _token_cache[key] = tokens(title, body)
    return _token_cache[key]


class _Chunk:
    """The rows of one chunk of proposals, written in dependency order."""

    def __init__(self):
        self.cosigners, self.assignments, self.shares, self.replies, self.countersigns = [], [], [], [], []
        self.ratings, self.outcomes, self.followups, self.supervision, self.logs, self.supervisors = (
            [], [], [], [], [], [])  # fmt: skip
        self.reply_units = []  # (reply, [co unit ids]) to countersign after the replies have ids
        self.ratings_for = []  # (reply, person id, value)


def generate(gen) -> None:
    scale = gen.scale
    ct = ContentType.objects.get_for_model(Proposal)
    cppccs = [c for c in gen.store["cppccs"] if gen.store["persons_by_cppcc"].get(c.pk)]
    weights = [len(gen.store["persons_by_cppcc"][c.pk]) for c in cppccs]
    numbers = {
        row["session"]: row["top"] or 0
        for row in Proposal.objects.values("session").annotate(top=Max("number"))
        if row["session"]
    }
    units = gen.store["units"]
    gen.store["proposals"] = []
    texts: dict[int, tuple[str, str]] = {}
    for start in range(0, scale.proposals, CHUNK):
        _chunk(gen, ct, cppccs, weights, numbers, units, min(CHUNK, scale.proposals - start), texts)
    _index(gen, texts)


def _chunk(gen, ct, cppccs, weights, numbers, units, size, texts) -> None:
    rng = gen.rng
    span = (gen.today - gen.start).days
    recent_from = gen.today - dt.timedelta(days=300)
    homes = rng.choices(cppccs, weights=weights, k=size)
    plans, proposals = [], []
    first = not gen.store["proposals"]
    for n, home in enumerate(homes):
        created_day = gen.start + dt.timedelta(days=int(span * rng.random() ** 0.8))
        statuses, w = RECENT if created_day >= recent_from else FINAL
        status = rng.choices(statuses, weights=w)[0]
        if first and n < len(RECENT[0]):  # every state at least once, whatever the size
            created_day, status = recent_from + dt.timedelta(days=n), RECENT[0][n]
        topic = rng.choice(TOPICS)
        title = f"关于{rng.choice(ACTIONS)}{topic}的提案"
        body = "".join(s.format(t=topic) for s in rng.sample(SENTENCES, k=rng.randint(3, 5)))
        author_id = rng.choice(gen.store["persons_by_cppcc"][home.pk])
        kind = rng.choices(ProposerKind.values, weights=[55, 30, 5, 4, 3, 3])[0]
        created = gen.moment(created_day)
        p = Proposal(
            owner_org=gen.store["proposal_office"][home.pk],
            title=title,
            body=body,
            author_id=author_id,
            proposer_kind=kind,
            proposer_body={"sector": "经济界", "party": "民建", "organisation": "侨联", "committee": "港澳台侨外事委员会"}.get(kind, ""),
            timing=ProposalTiming.PLENARY if rng.random() < 0.6 else ProposalTiming.REGULAR,
            status=status,
            created_at=created,
            updated_at=created,
        )  # fmt: skip
        if status != S.DRAFT:
            p.submitted_at = created + dt.timedelta(days=rng.randint(1, 5))
        if kind == ProposerKind.JOINT:
            p.cosign_deadline = created + dt.timedelta(days=7)
        if status in (S.RETURNED, S.CONVERTED):
            p.review_note = "建议进一步聚焦具体问题、充实调研数据后再提交。"
        if status == S.NOT_FILED:
            p.not_filed_reason = rng.choice(NotFiledReason.values)
            p.review_note = "经审查，不符合立案条件。"
        if status in FILED_FLOW:
            session = gen.store["sessions"][home.pk].get(created_day.year)
            if session is None:
                session = max(gen.store["sessions"][home.pk].values(), key=lambda s: s.start_date)
            numbers[session.pk] = numbers.get(session.pk, 0) + 1
            p.session_id, p.number = session.pk, numbers[session.pk]
            p.filed_at = p.submitted_at + dt.timedelta(days=rng.randint(7, 20))
            p.is_key = rng.random() < 0.06
            if p.is_key:
                p.key_note = "主席会议确定的重点提案"
        if status in FILED_FLOW[1:]:
            p.assigned_at = p.filed_at + dt.timedelta(days=rng.randint(3, 15))
            p.reply_due = add_months(p.assigned_at.date(), 3)
            p.split_handling = rng.random() < 0.05
        if status in (S.REPLIED, S.CLOSED):
            p.replied_at = p.assigned_at + dt.timedelta(days=rng.randint(20, 85))
        p.search_text = search_form(p.title, p.proposer_body, gen.store["person_names"][author_id], "")
        proposals.append(p)
        plans.append(home)
    # Merged proposals point at a filed one of the same body: insert the others first.
    order = sorted(range(size), key=lambda i: proposals[i].status == S.MERGED)
    proposals = [proposals[i] for i in order]
    plans = [plans[i] for i in order]
    targets: dict[int, list[int]] = {}
    first_merged = next((i for i, p in enumerate(proposals) if p.status == S.MERGED), len(proposals))
    saved = gen.bulk(Proposal, proposals[:first_merged], label="提案")
    for p, home in zip(saved, plans, strict=False):
        if p.status in FILED_FLOW:
            targets.setdefault(home.pk, []).append(p.pk)
    merged = []
    for p, home in zip(proposals[first_merged:], plans[first_merged:], strict=True):
        choices = targets.get(home.pk)
        if not choices:
            p.status = S.NOT_FILED
            p.not_filed_reason = NotFiledReason.OTHER
            p.review_note = "经审查，不符合立案条件。"
        else:
            p.merged_into_id = rng.choice(choices)
            p.review_note = "内容相近，并案办理。"
        merged.append(p)
    saved += gen.bulk(Proposal, merged, label="并案提案")
    rows = _Chunk()
    for p, home in zip(saved, plans, strict=True):
        gen.store["proposals"].append((p.pk, home.pk, p.status))
        texts[p.pk] = (p.title, p.body, p.status)
        _children(gen, rows, ct, p, home, units)
    gen.bulk(Cosigner, rows.cosigners, label="联名人")
    gen.bulk(Assignment, rows.assignments, label="交办")
    gen.bulk(Share, rows.shares, label="承办共享")
    replies = gen.bulk(Reply, rows.replies, label="答复")
    for reply, co_units in zip(replies, rows.reply_units, strict=True):
        for unit_id in co_units:
            rows.countersigns.append(
                Countersign(
                    owner_org_id=reply.owner_org_id,
                    reply=reply,
                    unit_id=unit_id,
                    note="同意",
                    created_at=reply.submitted_at,
                    updated_at=reply.submitted_at,
                )  # fmt: skip
            )
    gen.bulk(Countersign, rows.countersigns, label="会签")
    for reply, (person_id, value) in zip(replies, rows.ratings_for, strict=True):
        if person_id:
            rows.ratings.append(
                Rating(
                    owner_org_id=reply.owner_org_id,
                    reply=reply,
                    person_id=person_id,
                    value=value,
                    comment="" if value != RatingValue.UNSATISFIED else "答复未回应核心问题。",
                    created_at=reply.approved_at,
                    updated_at=reply.approved_at,
                )  # fmt: skip
            )
    gen.bulk(Rating, rows.ratings, label="评价")
    gen.bulk(Outcome, rows.outcomes, label="办理成效")
    gen.bulk(FollowUp, rows.followups, label="跟踪记录")
    gen.bulk(Supervision, rows.supervision, label="督办记录")
    gen.bulk(Proposal.supervisors.through, rows.supervisors, label="督办领导")
    gen.bulk(TransitionLog, rows.logs, label="流程记录")


def _log(rows, ct, p, source, target, when, actor_id, label, note=""):
    rows.logs.append(
        TransitionLog(
            content_type=ct,
            object_id=p.pk,
            workflow="proposal",
            source=source,
            target=target,
            actor_id=actor_id,
            actor_label=label,
            note=note,
            created_at=when,
        )  # fmt: skip
    )


def _children(gen, rows, ct, p, home, units) -> None:
    rng = gen.rng
    office = gen.store["office_users"][home.pk]
    staff, leader = office[0], office[-1]
    author_user = gen.store["person_users"].get(p.author_id)
    if p.proposer_kind == ProposerKind.JOINT:
        pool = gen.store["persons_by_cppcc"][home.pk]
        for person_id in {rng.choice(pool) for _ in range(rng.randint(2, 5))} - {p.author_id}:
            rows.cosigners.append(
                Cosigner(
                    owner_org_id=p.owner_org_id,
                    proposal_id=p.pk,
                    person_id=person_id,
                    status=CosignerStatus.CONFIRMED if p.status != S.DRAFT else CosignerStatus.INVITED,
                    responded_at=p.submitted_at,
                    created_at=p.created_at,
                    updated_at=p.created_at,
                )  # fmt: skip
            )
    if p.status == S.DRAFT:
        return
    _log(rows, ct, p, S.DRAFT, S.SUBMITTED, p.submitted_at, author_user, "委员")
    reviewed = p.submitted_at + dt.timedelta(days=rng.randint(5, 15))
    if p.status == S.WITHDRAWN:
        _log(rows, ct, p, S.SUBMITTED, S.WITHDRAWN, reviewed, author_user, "委员")
        return
    if p.status in (S.NOT_FILED, S.MERGED, S.CONVERTED, S.RETURNED):
        _log(rows, ct, p, S.SUBMITTED, p.status, reviewed, staff.pk, staff.full_name, p.review_note)
        return
    if p.status == S.SUBMITTED:
        return
    _log(rows, ct, p, S.SUBMITTED, S.FILED, p.filed_at, staff.pk, staff.full_name)
    if p.status == S.FILED:
        return
    if p.split_handling:
        plan = [(u, AssignmentRole.SPLIT) for u in rng.sample(units, k=2)]
    else:
        chosen = rng.sample(units, k=rng.choice((1, 1, 2, 3)))
        plan = [(chosen[0], AssignmentRole.LEAD)] + [
            (u, rng.choice((AssignmentRole.CO, AssignmentRole.ASSIST))) for u in chosen[1:]
        ]
    for unit, role in plan:
        co = role in (AssignmentRole.CO, AssignmentRole.ASSIST)
        rows.assignments.append(
            Assignment(
                owner_org_id=p.owner_org_id,
                proposal_id=p.pk,
                unit=unit,
                role=role,
                input_due=add_months(p.assigned_at.date(), 1) if co else None,
                input_text="同意主办单位意见，已提供相关材料。" if co and p.status != S.HANDLING else "",
                input_at=p.assigned_at + dt.timedelta(days=20) if co and p.status != S.HANDLING else None,
                created_at=p.assigned_at,
                updated_at=p.assigned_at,
            )  # fmt: skip
        )
        rows.shares.append(Share(content_type=ct, object_id=p.pk, organisation=unit,
                                 capacity=ShareCapacity.HANDLER, created_at=p.assigned_at))  # fmt: skip
    _log(rows, ct, p, S.FILED, S.HANDLING, p.assigned_at, staff.pk, staff.full_name)
    if p.is_key:
        rows.supervisors.append(Proposal.supervisors.through(proposal_id=p.pk, user_id=leader.pk))
        for k in range(rng.randint(1, 3)):
            day = p.assigned_at.date() + dt.timedelta(days=15 * (k + 1))
            rows.supervision.append(Supervision(owner_org_id=p.owner_org_id, proposal_id=p.pk, leader=leader,
                                                date=day, note="听取办理进展汇报，提出推进要求。"))  # fmt: skip
            rows.followups.append(FollowUp(owner_org_id=p.owner_org_id, proposal_id=p.pk,
                                           kind=rng.choice(FollowUpKind.values), date=day, place="现场",
                                           participants="提案人、承办单位", summary="开展跟踪调研。",
                                           recorded_by=staff))  # fmt: skip
    if p.status == S.HANDLING:
        return
    lead_unit = plan[0][0]
    submitted = p.assigned_at + dt.timedelta(days=rng.randint(15, 60))
    approved = p.replied_at
    reply_class = rng.choices(ReplyClass.values, weights=[55, 35, 10])[0]
    unit_user = gen.store["unit_users"][lead_unit.pk]
    rows.replies.append(
        Reply(
            owner_org_id=p.owner_org_id,
            proposal_id=p.pk,
            unit=lead_unit,
            round=1,
            reply_class=reply_class,
            body=REPLY_TEXT.format(t=p.title.removeprefix("关于").removesuffix("的提案")),
            contact="办公室 020-8888xxxx",
            status=ReplyStatus.SUBMITTED if p.status == S.REPLY_REVIEW else ReplyStatus.APPROVED,
            submitted_at=submitted,
            approved_at=approved,
            drafted_by=unit_user,
            created_at=submitted,
            updated_at=approved or submitted,
        )  # fmt: skip
    )
    rows.reply_units.append(
        [u.pk for u, role in plan[1:] if role in (AssignmentRole.CO, AssignmentRole.ASSIST)]
    )
    _log(rows, ct, p, S.HANDLING, S.REPLY_REVIEW, submitted, unit_user.pk, unit_user.full_name)
    if p.status == S.REPLY_REVIEW:
        rows.ratings_for.append((None, None))
        return
    _log(rows, ct, p, S.REPLY_REVIEW, S.REPLIED, approved, staff.pk, staff.full_name)
    if p.status == S.REPLIED:
        rows.ratings_for.append((None, None))
        return
    value = rng.choices(RatingValue.values, weights=[78, 20, 2])[0]
    rows.ratings_for.append((p.author_id, value))
    closed = approved + dt.timedelta(days=rng.randint(7, 30))
    _log(rows, ct, p, S.REPLIED, S.CLOSED, closed, staff.pk, staff.full_name)
    if reply_class == ReplyClass.A or rng.random() < 0.2:
        done = rng.random() < 0.6
        rows.outcomes.append(
            Outcome(
                owner_org_id=p.owner_org_id,
                proposal_id=p.pk,
                adopted=True,
                adopted_by=lead_unit,
                adopted_level=AdoptionLevel.CITY,
                actions="建议已被采纳，纳入年度工作计划推进落实。",
                completed=done,
                completed_on=(closed.date() + dt.timedelta(days=90)) if done else None,
                recorded_by=staff,
                created_at=closed,
                updated_at=closed,
            )  # fmt: skip
        )


def _index(gen, texts) -> None:
    """The similarity index of the indexed proposals: BM25 term parts per word, then document frequencies."""
    indexed = {pk: (t, b) for pk, (t, b, status) in texts.items() if status in INDEXED_STATES}
    dfs: Counter = Counter()
    token_lists = {}
    for pk, (title, body) in indexed.items():
        toks = _tokens(title, "") + [w for s in body.split("。") if s for w in _tokens("", s + "。")]
        token_lists[pk] = toks
        dfs.update(set(toks))
    total = len(indexed) + ProposalTerm.objects.values("proposal").distinct().count()

    def values():
        for pk, toks in token_lists.items():
            for token, weight in term_weights(toks, dfs, total, MAX_DOC_TERMS).items():
                yield (pk, token, weight)

    n = sum(min(len(set(t)), MAX_DOC_TERMS) for t in token_lists.values())
    gen.rows(
        ProposalTerm._meta.db_table, ["proposal_id", "token", "weight"], values(), total=n, label="相似度索引"
    )
    table, terms = TermFrequency._meta.db_table, ProposalTerm._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(
            f"INSERT INTO {table} (token, docs) SELECT token, COUNT(*) FROM {terms} GROUP BY token"
        )
