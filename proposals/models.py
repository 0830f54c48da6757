"""Proposals (提案): drafting, co-signing, review, assignment, handling, reply, rating, outcome.

The proposal's status is assigned only by `proposals.workflows.PROPOSAL` (one `core.workflow.Workflow`).
Child records (co-signers, assignments, replies …) carry the proposal's owner organisation so the one
visibility rule (`visible_to`) applies to them too.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core import search
from organisations.models import OwnedModel

TITLE_MAX = 120
BODY_MAX = 30_000  # 一件提案通常两三千字；三万字以上几乎一定是多事一案或粘贴错误


class ProposalStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "待审查"
    RETURNED = "returned", "退回修改"
    WITHDRAWN = "withdrawn", "已撤回"
    FILED = "filed", "已立案待交办"
    NOT_FILED = "not_filed", "不予立案"
    MERGED = "merged", "已并案"
    CONVERTED = "converted", "转为意见建议"
    HANDLING = "handling", "办理中"
    REPLY_REVIEW = "reply_review", "答复待审核"
    REPLIED = "replied", "已答复待评价"
    CLOSED = "closed", "已办结"


# States in which a proposal has been filed and is (or was) with handling units.
FILED_STATES = (
    ProposalStatus.FILED,
    ProposalStatus.HANDLING,
    ProposalStatus.REPLY_REVIEW,
    ProposalStatus.REPLIED,
    ProposalStatus.CLOSED,
)
EDITABLE_STATES = (ProposalStatus.DRAFT, ProposalStatus.RETURNED)


class ProposerKind(models.TextChoices):
    MEMBER = "member", "委员个人"
    JOINT = "joint", "委员联名"
    SECTOR = "sector", "界别"
    PARTY = "party", "党派"
    ORGANISATION = "organisation", "人民团体"
    COMMITTEE = "committee", "专门委员会"


BODY_KINDS = (ProposerKind.SECTOR, ProposerKind.PARTY, ProposerKind.ORGANISATION, ProposerKind.COMMITTEE)


class ProposalTiming(models.TextChoices):
    PLENARY = "plenary", "大会提案"
    REGULAR = "regular", "平时提案"


class NotFiledReason(models.TextChoices):
    """不予立案的理由（依政协提案工作条例列举）。"""

    SECRET = "secret", "涉及党和国家秘密"
    SENSITIVE = "sensitive", "涉及民族、宗教等不宜公开讨论的问题"
    INTERNAL = "internal", "涉及党派团体内部事务"
    ACADEMIC = "academic", "属于学术探讨"
    LITIGATION = "litigation", "涉及诉讼、仲裁、纪检监察等具体案件"
    PETITION = "petition", "代转申诉"
    PERSONAL = "personal", "为本人或亲友解决个人问题"
    PROMOTION = "promotion", "宣传、推介具体作品或产品"
    OUT_OF_SCOPE = "out_of_scope", "不属于本级政协履职范围"
    VAGUE = "vague", "建议不明确、没有具体内容"
    OTHER = "other", "其他不宜作为提案提出的"


class Proposal(OwnedModel):
    title = models.CharField("案由", max_length=TITLE_MAX)
    body = models.TextField("正文")
    author = models.ForeignKey(
        "members.Person", on_delete=models.PROTECT, related_name="proposals", verbose_name="提案人（领衔）"
    )
    proposer_kind = models.CharField(
        "提出方式", max_length=20, choices=ProposerKind.choices, default=ProposerKind.MEMBER
    )
    proposer_body = models.CharField(
        "提出单位", max_length=120, blank=True, help_text="以界别、党派、人民团体或专门委员会名义提出时填写"
    )
    timing = models.CharField(
        "提案类别", max_length=10, choices=ProposalTiming.choices, default=ProposalTiming.REGULAR
    )
    origin_note = models.CharField("来源说明", max_length=200, blank=True, help_text="例如：源自百姓提案")
    status = models.CharField(
        "状态", max_length=20, choices=ProposalStatus.choices, default=ProposalStatus.DRAFT, db_index=True
    )
    cosign_deadline = models.DateTimeField("联名确认截止时间", null=True, blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    session = models.ForeignKey(
        "members.Session",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="proposals",
        verbose_name="所属会议",
    )
    number = models.PositiveIntegerField("案号", null=True, blank=True)
    filed_at = models.DateTimeField("立案时间", null=True, blank=True)
    review_note = models.TextField("审查意见", blank=True)
    not_filed_reason = models.CharField(
        "不予立案理由", max_length=20, choices=NotFiledReason.choices, blank=True
    )
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        verbose_name="并入提案",
    )
    is_key = models.BooleanField("重点提案", default=False, db_index=True)
    key_note = models.CharField("重点提案说明", max_length=200, blank=True)
    supervisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="supervised_proposals", verbose_name="督办领导"
    )
    split_handling = models.BooleanField("分办", default=False)
    assigned_at = models.DateTimeField("交办时间", null=True, blank=True)
    reply_due = models.DateField("答复期限", null=True, blank=True, db_index=True)
    replied_at = models.DateTimeField("答复时间", null=True, blank=True)
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    search_text = models.TextField("检索文本", editable=False, default="")
    history = HistoricalRecords(excluded_fields=["search_text"])

    person_lookups = ("author", "cosigners__person", "merged_from__author")

    class Meta:
        verbose_name = "提案"
        verbose_name_plural = "提案"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["session", "number"], name="proposal_number_per_session"),
            models.CheckConstraint(
                condition=Q(number__isnull=True) | Q(session__isnull=False),
                name="proposal_number_needs_session",
            ),
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False),
                name="proposal_merged_has_target",
            ),
            models.CheckConstraint(
                condition=~Q(status="not_filed") | ~Q(not_filed_reason=""),
                name="proposal_not_filed_has_reason",
            ),
            models.CheckConstraint(
                condition=~Q(merged_into=models.F("id")), name="proposal_not_merged_into_self"
            ),
        ]
        indexes = [
            models.Index(fields=["owner_org", "status"]),
            models.Index(fields=["status", "reply_due"]),
            # The list's default order: a page of the newest is read off this index, never a sort of all rows.
            models.Index(fields=["created_at", "id"], name="proposal_created"),
        ]

    def __str__(self):
        return self.title

    @property
    def number_label(self) -> str:
        """十四届三次会议 第0123号 (empty until filed)."""
        if self.number is None or self.session_id is None:
            return ""
        return f"{self.session} 第{self.number:04d}号"

    @property
    def proposer_label(self) -> str:
        if self.proposer_kind in BODY_KINDS and self.proposer_body:
            return self.proposer_body
        return self.author.name


class CosignerStatus(models.TextChoices):
    INVITED = "invited", "待确认"
    CONFIRMED = "confirmed", "已确认"
    DECLINED = "declined", "已谢绝"


# Searched through a bigram index on PostgreSQL (migration 0004): 300,000 proposals of a province.
search.register(Proposal)


class Cosigner(OwnedModel):
    """A co-signer (联名人) invited by the first proposer; confirms before the proposal's deadline."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="cosigners", verbose_name="提案"
    )
    person = models.ForeignKey(
        "members.Person", on_delete=models.PROTECT, related_name="cosigned", verbose_name="联名人"
    )
    status = models.CharField(
        "状态", max_length=10, choices=CosignerStatus.choices, default=CosignerStatus.INVITED
    )
    responded_at = models.DateTimeField("回复时间", null=True, blank=True)
    history = HistoricalRecords()

    person_lookups = ("person", "proposal__author")

    class Meta:
        verbose_name = "联名人"
        verbose_name_plural = "联名人"
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["proposal", "person"], name="cosigner_unique")]

    def __str__(self):
        return f"{self.person} · {self.get_status_display()}"


class Attachment(OwnedModel):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="attachments", verbose_name="提案"
    )
    file = models.FileField("文件", upload_to="proposals/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="上传人",
    )
    history = HistoricalRecords()

    person_lookups = ("proposal__author", "proposal__cosigners__person")

    class Meta:
        verbose_name = "附件"
        verbose_name_plural = "附件"
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.name


class AssignmentRole(models.TextChoices):
    LEAD = "lead", "主办"
    CO = "co", "会办"
    ASSIST = "assist", "协办"
    SPLIT = "split", "分办"


class Assignment(OwnedModel):
    """A handling unit's part in one proposal. Re-assignment ends a row (`ended_at`) and adds a new one."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="assignments", verbose_name="提案"
    )
    unit = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="承办单位"
    )
    role = models.CharField("承办方式", max_length=10, choices=AssignmentRole.choices)
    input_due = models.DateField("会办意见期限", null=True, blank=True)
    input_text = models.TextField("会办/协办意见", blank=True)
    input_at = models.DateTimeField("提交意见时间", null=True, blank=True)
    dispute_reason = models.TextField("异议理由", blank=True)
    disputed_at = models.DateTimeField("提出异议时间", null=True, blank=True)
    ended_at = models.DateTimeField("结束时间", null=True, blank=True)
    end_note = models.CharField("结束说明", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "交办"
        verbose_name_plural = "交办"
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["proposal", "unit"],
                condition=Q(ended_at__isnull=True),
                name="assignment_one_active_per_unit",
            ),
            models.UniqueConstraint(
                fields=["proposal"],
                condition=Q(ended_at__isnull=True, role="lead"),
                name="assignment_one_active_lead",
            ),
        ]

    def __str__(self):
        return f"{self.unit} · {self.get_role_display()}"

    @property
    def is_active(self) -> bool:
        return self.ended_at is None


class Extension(OwnedModel):
    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="extensions", verbose_name="提案"
    )
    old_due = models.DateField("原期限")
    new_due = models.DateField("新期限")
    reason = models.TextField("延期理由")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="申请人",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "延期"
        verbose_name_plural = "延期"
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(new_due__gt=models.F("old_due")), name="extension_later")
        ]

    def __str__(self):
        return f"{self.old_due} → {self.new_due}"


class Progress(OwnedModel):
    """A handling unit's progress update (办理进展)."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="progress", verbose_name="提案"
    )
    unit = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="单位",
    )
    text = models.TextField("进展情况")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="填报人",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "办理进展"
        verbose_name_plural = "办理进展"
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.text[:30]


class FollowUpKind(models.TextChoices):
    RESEARCH = "research", "调研"
    MEETING = "meeting", "座谈交流"
    SITE_VISIT = "site_visit", "现场视察"
    CONSULTATION = "consultation", "办理协商会"
    OTHER = "other", "其他"


class FollowUp(OwnedModel):
    """A follow-up session (跟踪记录): research, meeting or site visit, with who took part."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="followups", verbose_name="提案"
    )
    kind = models.CharField("形式", max_length=20, choices=FollowUpKind.choices)
    date = models.DateField("日期")
    place = models.CharField("地点", max_length=200, blank=True)
    participants = models.TextField("参加人员", blank=True)
    summary = models.TextField("情况")
    activity = models.ForeignKey(
        "activities.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="关联活动",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="记录人",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "跟踪记录"
        verbose_name_plural = "跟踪记录"
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.date} {self.get_kind_display()}"


class Supervision(OwnedModel):
    """An entry of a key proposal's supervision log (督办记录)."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="supervision_log", verbose_name="提案"
    )
    leader = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="督办人",
    )
    date = models.DateField("日期")
    note = models.TextField("督办情况")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "督办记录"
        verbose_name_plural = "督办记录"
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.date} {self.note[:20]}"


class ReplyClass(models.TextChoices):
    A = "A", "A类（所提问题已解决或采纳）"
    B = "B", "B类（正在解决或列入计划）"
    C = "C", "C类（因条件限制留作参考）"


class ReplyStatus(models.TextChoices):
    DRAFT = "draft", "草拟中"
    SUBMITTED = "submitted", "待审核"
    APPROVED = "approved", "已发出"
    RETURNED = "returned", "退回修改"


class Reply(OwnedModel):
    """The lead unit's reply of one handling round; a 不满意 rating starts a new round and keeps this one."""

    proposal = models.ForeignKey(
        Proposal, on_delete=models.CASCADE, related_name="replies", verbose_name="提案"
    )
    unit = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="答复单位"
    )
    round = models.PositiveSmallIntegerField("办理轮次", default=1)
    reply_class = models.CharField("答复类别", max_length=1, choices=ReplyClass.choices)
    body = models.TextField("答复内容")
    contact = models.CharField("联系人及电话", max_length=120, blank=True)
    status = models.CharField("状态", max_length=10, choices=ReplyStatus.choices, default=ReplyStatus.DRAFT)
    review_note = models.TextField("审核意见", blank=True)
    submitted_at = models.DateTimeField("提交时间", null=True, blank=True)
    approved_at = models.DateTimeField("发出时间", null=True, blank=True)
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="拟稿人",
    )
    history = HistoricalRecords()

    person_lookups = ("proposal__author", "proposal__cosigners__person", "proposal__merged_from__author")

    class Meta:
        verbose_name = "答复"
        verbose_name_plural = "答复"
        ordering = ["round", "id"]
        constraints = [
            models.UniqueConstraint(fields=["proposal", "round", "unit"], name="reply_one_per_unit_and_round")
        ]

    def __str__(self):
        return f"第{self.round}轮答复（{self.reply_class}类）"


class Countersign(OwnedModel):
    """A co-handling unit's countersignature (会签) on a reply."""

    reply = models.ForeignKey(
        Reply, on_delete=models.CASCADE, related_name="countersigns", verbose_name="答复"
    )
    unit = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="会签单位"
    )
    note = models.CharField("会签意见", max_length=300, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="会签人",
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "会签"
        verbose_name_plural = "会签"
        constraints = [models.UniqueConstraint(fields=["reply", "unit"], name="countersign_once")]

    def __str__(self):
        return f"{self.unit} 会签"


class RatingValue(models.TextChoices):
    SATISFIED = "satisfied", "满意"
    BASIC = "basic", "基本满意"
    UNSATISFIED = "unsatisfied", "不满意"


class Rating(OwnedModel):
    reply = models.ForeignKey(Reply, on_delete=models.CASCADE, related_name="ratings", verbose_name="答复")
    person = models.ForeignKey(
        "members.Person", on_delete=models.PROTECT, related_name="+", verbose_name="评价人"
    )
    value = models.CharField("评价", max_length=12, choices=RatingValue.choices)
    comment = models.TextField("意见", blank=True)
    history = HistoricalRecords()

    person_lookups = ("person",)

    class Meta:
        verbose_name = "答复评价"
        verbose_name_plural = "答复评价"
        constraints = [models.UniqueConstraint(fields=["reply", "person"], name="rating_once_per_person")]

    def __str__(self):
        return f"{self.person} · {self.get_value_display()}"


class AdoptionLevel(models.TextChoices):
    NATIONAL = "national", "国家级"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"
    DISTRICT = "district", "区级"


class Outcome(OwnedModel):
    """What came of the proposal (效果): adopted by whom, what was done, completed or not, with evidence."""

    proposal = models.OneToOneField(
        Proposal, on_delete=models.CASCADE, related_name="outcome", verbose_name="提案"
    )
    adopted = models.BooleanField("被采纳", default=False)
    adopted_by = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="采纳单位",
    )
    adopted_level = models.CharField("采纳层级", max_length=12, choices=AdoptionLevel.choices, blank=True)
    actions = models.TextField("落实情况")
    completed = models.BooleanField("已完成", default=False)
    completed_on = models.DateField("完成日期", null=True, blank=True)
    evidence = models.TextField("佐证材料", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="记录人",
    )
    history = HistoricalRecords()

    person_lookups = ("proposal__author", "proposal__cosigners__person")

    class Meta:
        verbose_name = "办理成效"
        verbose_name_plural = "办理成效"
        constraints = [
            models.CheckConstraint(
                condition=Q(completed=False) | Q(completed_on__isnull=False),
                name="outcome_completed_has_date",
            )
        ]

    def __str__(self):
        return f"{self.proposal} 成效"


class ProposalTerm(models.Model):
    """Similarity index (not a domain record): one row per (proposal, word) with its BM25 term weight.

    A lookup is one grouped SQL query over the query's words (an inverted index on `token`), so it stays
    fast at hundreds of thousands of proposals; see `proposals.similarity`.
    """

    proposal = models.ForeignKey(Proposal, on_delete=models.CASCADE, related_name="+", verbose_name="提案")
    token = models.CharField("词", max_length=40)
    weight = models.FloatField("权重")

    class Meta:
        verbose_name = "相似度索引词"
        verbose_name_plural = "相似度索引词"
        indexes = [models.Index(fields=["token", "proposal", "weight"], name="proposalterm_token")]
        constraints = [models.UniqueConstraint(fields=["proposal", "token"], name="proposalterm_unique")]

    def __str__(self):
        return f"{self.token}:{self.weight:.3f}"


class TermFrequency(models.Model):
    """Document frequency of a word over the indexed proposals (for the IDF part of the score)."""

    token = models.CharField("词", max_length=40, unique=True)
    docs = models.PositiveIntegerField("文档数", default=0)

    class Meta:
        verbose_name = "词频"
        verbose_name_plural = "词频"

    def __str__(self):
        return f"{self.token}:{self.docs}"
