"""Consultation and research (协商议政、课题研究).

A consultation meeting (座谈会 with city leaders, 双周协商 …) collects topics from members and advisors; staff and
leaders merge and select them; for each selected topic a speaker writes a speech draft that goes through
numbered revision rounds (immutable `Revision` rows) with reviewers' comments until it is approved (locked);
after the meeting, minutes, leaders' responses per speech and follow-up items (which become proposals or
research topics). Research topics (课题研究) are run with partner bodies across levels.

Statuses are assigned only by the workflows in `consultations.workflows`; writes live in `services.py`.
"""

import re

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from simple_history.models import HistoricalRecords

from core.errors import DomainError
from core.models import TimeStampedModel
from organisations.models import OrgLevel, OwnedModel, OwnedQuerySet

# ---- meetings ----


class MeetingKind(models.TextChoices):
    SYMPOSIUM = "symposium", "座谈会"
    CONSULTATION = "consultation", "协商会"
    BIWEEKLY = "biweekly", "双周协商座谈会"
    THEMATIC = "thematic", "专题协商会"
    OTHER = "other", "其他"


class MeetingQuerySet(OwnedQuerySet):
    def visible_to(self, user):
        """The office as for every owned record; a member or advisor sees the meetings of the body that keeps
        his or her record (to propose topics) and any meeting he or she is linked to (invited, topic, speech)."""
        if user is not None and user.is_authenticated and user.is_active and user.is_person:
            person = getattr(user, "person", None) if _has_person(user) else None
            if person is None:
                return self.none()
            return self.filter(Q(self.model.person_q(user)) | Q(owner_org_id=person.owner_org_id)).distinct()
        return super().visible_to(user)


def _has_person(user) -> bool:
    try:
        return user.person is not None
    except Exception:  # a member login not yet linked to a person record
        return False


class Meeting(OwnedModel):
    """A consultation meeting. Invitations and attendance live on the linked activity (`activity`)."""

    title = models.CharField("会议名称", max_length=200)
    kind = models.CharField(
        "会议类型", max_length=20, choices=MeetingKind.choices, default=MeetingKind.SYMPOSIUM
    )
    date = models.DateField("召开日期", db_index=True)
    place = models.CharField("地点", max_length=200, blank=True)
    leaders = models.CharField("出席领导", max_length=500, blank=True, help_text="如：市委书记、市长等")
    agenda = models.TextField("议程", blank=True)
    topic_deadline = models.DateField("选题征集截止", null=True, blank=True)
    activity = models.ForeignKey(
        "activities.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="consultation_meetings",
        verbose_name="活动记录（邀请与考勤）",
    )
    minutes = models.TextField("会议纪要", blank=True)
    minutes_at = models.DateTimeField("纪要登记时间", null=True, blank=True)
    search_text = models.TextField("检索文本", editable=False, default="")
    history = HistoricalRecords()

    person_lookups = ("topics__proposer", "speeches__speaker", "activity__invitations__person")
    objects = MeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "协商会议"
        verbose_name_plural = "协商会议"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(topic_deadline__isnull=True) | Q(topic_deadline__lte=F("date")),
                name="meeting_topic_deadline_before_date",
            ),
        ]

    def __str__(self):
        return self.title


# ---- topics ----


class TopicStatus(models.TextChoices):
    PROPOSED = "proposed", "待讨论"
    SELECTED = "selected", "入选"
    DECLINED = "declined", "未入选"
    MERGED = "merged", "已合并"
    WITHDRAWN = "withdrawn", "已撤回"


class TopicQuerySet(OwnedQuerySet):
    def visible_to(self, user):
        """Members and advisors see their own topics and every selected topic of a meeting they see
        ("everyone sees the chosen ones"); the office as for every owned record."""
        if user is not None and user.is_authenticated and user.is_active and user.is_person:
            meetings = Meeting.objects.visible_to(user).values("pk")
            return self.filter(
                Q(self.model.person_q(user)) | Q(status=TopicStatus.SELECTED, meeting__in=meetings)
            ).distinct()
        return super().visible_to(user)


class Topic(OwnedModel):
    """A topic proposed for a meeting (选题), with its background and where the information came from."""

    meeting = models.ForeignKey(Meeting, on_delete=models.PROTECT, related_name="topics", verbose_name="会议")
    title = models.CharField("选题", max_length=200)
    background = models.TextField("背景与建议方向")
    source = models.TextField("信息来源", blank=True)
    proposer = models.ForeignKey(
        "members.Person",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultation_topics",
        verbose_name="提出人",
    )
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="登记人",
    )
    status = models.CharField(
        "状态", max_length=12, choices=TopicStatus.choices, default=TopicStatus.PROPOSED, db_index=True
    )
    decision_reason = models.TextField("理由", blank=True)
    merged_into = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="merged_from",
        verbose_name="合并到",
    )
    decided_at = models.DateTimeField("决定时间", null=True, blank=True)
    search_text = models.TextField("检索文本", editable=False, default="")
    history = HistoricalRecords()

    person_lookups = ("proposer",)
    objects = TopicQuerySet.as_manager()

    class Meta:
        verbose_name = "选题"
        verbose_name_plural = "选题"
        ordering = ["meeting", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status="merged") | Q(merged_into__isnull=False), name="topic_merged_has_target"
            ),
            models.CheckConstraint(
                condition=Q(merged_into__isnull=True) | ~Q(merged_into=F("pk")),
                name="topic_not_merged_into_self",
            ),
            models.CheckConstraint(
                condition=~Q(status="declined") | ~Q(decision_reason=""), name="topic_declined_has_reason"
            ),
        ]

    def __str__(self):
        return self.title


class TopicNote(TimeStampedModel):
    """One remark in the office's discussion of a topic (internal: the proposer sees the decision, not this)."""

    topic = models.ForeignKey(Topic, on_delete=models.CASCADE, related_name="notes", verbose_name="选题")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="发言人"
    )
    text = models.TextField("讨论意见")

    class Meta:
        verbose_name = "选题讨论"
        verbose_name_plural = "选题讨论"
        ordering = ["created_at", "id"]

    def __str__(self):
        return f"{self.topic} · {self.author}"


# ---- speeches, revisions, comments ----


class SpeechStatus(models.TextChoices):
    DRAFTING = "drafting", "撰写中"
    SUBMITTED = "submitted", "待审阅"
    RETURNED = "returned", "退回修改"
    APPROVED = "approved", "已定稿"
    DELIVERED = "delivered", "已发言"
    WITHDRAWN = "withdrawn", "已撤销"


# A locked speech: its text can no longer change (approved, delivered) or it was dropped.
LOCKED_STATUSES = (SpeechStatus.APPROVED, SpeechStatus.DELIVERED, SpeechStatus.WITHDRAWN)
# The speaker may edit the working text and submit a new revision only in these.
WRITABLE_STATUSES = (SpeechStatus.DRAFTING, SpeechStatus.RETURNED)


class Speech(OwnedModel):
    """A speech draft of one speaker for one selected topic.

    The speaker edits `working_text` freely; each submission freezes it as the next numbered `Revision`
    (1, 2, 3 …), which is never changed or deleted. Approval locks the text: `approved_revision` is the final.
    The speaker sees his or her own drafts; reviewers (staff and leaders of the owning body) see the body's.
    """

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="speeches", verbose_name="会议"
    )
    topic = models.ForeignKey(Topic, on_delete=models.PROTECT, related_name="speeches", verbose_name="选题")
    speaker = models.ForeignKey(
        "members.Person", on_delete=models.PROTECT, related_name="speeches", verbose_name="发言人"
    )
    title = models.CharField("发言题目", max_length=200)
    working_text = models.TextField("工作稿", blank=True)
    status = models.CharField(
        "状态", max_length=12, choices=SpeechStatus.choices, default=SpeechStatus.DRAFTING, db_index=True
    )
    due_date = models.DateField("交稿期限", null=True, blank=True)
    speaking_order = models.PositiveSmallIntegerField("发言顺序", null=True, blank=True)
    approved_revision = models.ForeignKey(
        "Revision", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="定稿"
    )
    approved_at = models.DateTimeField("定稿时间", null=True, blank=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="定稿人",
    )
    delivered_on = models.DateField("发言日期", null=True, blank=True)
    search_text = models.TextField("检索文本", editable=False, default="")
    # The working text changes with every save; the revisions are the record of the text.
    history = HistoricalRecords(excluded_fields=["working_text", "search_text"])

    person_lookups = ("speaker",)

    class Meta:
        verbose_name = "发言稿"
        verbose_name_plural = "发言稿"
        ordering = ["meeting", "speaking_order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "speaker"], name="speech_one_per_speaker_and_topic"),
            models.UniqueConstraint(fields=["meeting", "speaking_order"], name="speech_order_unique"),
            models.CheckConstraint(
                condition=Q(speaking_order__isnull=True) | Q(speaking_order__gte=1),
                name="speech_order_positive",
            ),
            models.CheckConstraint(
                condition=~Q(status__in=["approved", "delivered"]) | Q(approved_revision__isnull=False),
                name="speech_approved_has_revision",
            ),
            models.CheckConstraint(
                condition=~Q(status="delivered") | Q(delivered_on__isnull=False),
                name="speech_delivered_has_date",
            ),
        ]
        indexes = [models.Index(fields=["speaker", "status", "delivered_on"])]

    def __str__(self):
        return self.title

    @property
    def is_locked(self) -> bool:
        return self.status in LOCKED_STATUSES


_PARAGRAPH_SPLIT = re.compile(r"\n\s*\n|\n")


def split_paragraphs(text: str) -> list[str]:
    """Paragraphs of a draft: one per non-blank line (Chinese drafts put each paragraph on its own line)."""
    return [p.strip() for p in _PARAGRAPH_SPLIT.split(text or "") if p.strip()]


class Revision(models.Model):
    """One numbered round of a speech draft. Immutable: written once by `speech_submit`, never updated or
    deleted (the speech protects it), so earlier revisions are never lost."""

    speech = models.ForeignKey(
        Speech, on_delete=models.PROTECT, related_name="revisions", verbose_name="发言稿"
    )
    number = models.PositiveSmallIntegerField("稿次")
    text = models.TextField("正文")
    note = models.CharField("修改说明", max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="提交人"
    )
    created_at = models.DateTimeField("提交时间", auto_now_add=True)

    class Meta:
        verbose_name = "修改稿"
        verbose_name_plural = "修改稿"
        ordering = ["speech", "number"]
        constraints = [
            models.UniqueConstraint(fields=["speech", "number"], name="revision_number_unique"),
            models.CheckConstraint(condition=Q(number__gte=1), name="revision_number_positive"),
        ]

    def __str__(self):
        return f"第{self.number}稿"

    def save(self, *args, **kwargs):
        # An integrity guard, not business logic: a stored revision is part of the record.
        if not self._state.adding:
            raise DomainError("已提交的修改稿不能更改。")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise DomainError("已提交的修改稿不能删除。")

    @property
    def paragraphs(self) -> list[str]:
        return split_paragraphs(self.text)

    @property
    def length(self) -> int:
        return len(re.sub(r"\s", "", self.text))


class Comment(models.Model):
    """A reviewer's comment on one revision: on the whole draft, on a paragraph, or inline on a quoted phrase
    of a paragraph (`quote`)."""

    revision = models.ForeignKey(
        Revision, on_delete=models.PROTECT, related_name="comments", verbose_name="修改稿"
    )
    paragraph = models.PositiveSmallIntegerField(
        "段落", null=True, blank=True, help_text="从 1 开始；留空表示全文"
    )
    quote = models.CharField("引用原文", max_length=300, blank=True)
    text = models.TextField("意见")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="审阅人"
    )
    created_at = models.DateTimeField("时间", auto_now_add=True)

    class Meta:
        verbose_name = "审阅意见"
        verbose_name_plural = "审阅意见"
        ordering = ["revision", "paragraph", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(paragraph__isnull=True) | Q(paragraph__gte=1), name="comment_paragraph_positive"
            ),
            models.CheckConstraint(
                condition=Q(quote="") | Q(paragraph__isnull=False), name="comment_quote_needs_paragraph"
            ),
        ]

    def __str__(self):
        return self.text[:30]


class LeaderResponse(TimeStampedModel):
    """What a leader answered to one speech at the meeting."""

    speech = models.ForeignKey(
        Speech, on_delete=models.PROTECT, related_name="responses", verbose_name="发言稿"
    )
    leader = models.CharField("回应领导", max_length=100)
    text = models.TextField("回应内容")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="登记人"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "领导回应"
        verbose_name_plural = "领导回应"
        ordering = ["speech", "id"]

    def __str__(self):
        return f"{self.leader}：{self.text[:20]}"


# ---- research topics ----


class ResearchStatus(models.TextChoices):
    PLANNED = "planned", "已立项"
    ACTIVE = "active", "调研中"
    CONCLUDED = "concluded", "已结题"
    ADOPTED = "adopted", "成果已采纳"
    CANCELLED = "cancelled", "已终止"


class ResearchTopic(OwnedModel):
    """A research topic (课题研究) run by a lead body with partner bodies across levels.

    Partner bodies (and a lead body other than the owner) are `Share` rows in capacity "partner", so their
    partner users see the topic; participants (members, advisors) see the topics they take part in.
    """

    title = models.CharField("课题名称", max_length=200)
    summary = models.TextField("研究内容", blank=True)
    lead_body = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="牵头单位"
    )
    start_date = models.DateField("开始日期")
    end_date = models.DateField("计划结题日期")
    status = models.CharField(
        "状态", max_length=12, choices=ResearchStatus.choices, default=ResearchStatus.PLANNED, db_index=True
    )
    external_participants = models.CharField(
        "其他参与人员", max_length=500, blank=True, help_text="不在委员库中的参与人员或处室"
    )
    adopted_by = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="采纳单位",
    )
    adopted_level = models.CharField("采纳层级", max_length=12, choices=OrgLevel.choices, blank=True)
    adopted_on = models.DateField("采纳日期", null=True, blank=True)
    outcome = models.TextField("成效", blank=True, help_text="采纳后发生了什么变化")
    proposals = models.ManyToManyField(
        "proposals.Proposal", blank=True, related_name="research_topics", verbose_name="形成的提案"
    )
    field_trips = models.ManyToManyField(
        "activities.Activity", blank=True, related_name="research_topics", verbose_name="实地调研"
    )
    search_text = models.TextField("检索文本", editable=False, default="")
    history = HistoricalRecords()

    person_lookups = ("participants__person",)

    class Meta:
        verbose_name = "课题研究"
        verbose_name_plural = "课题研究"
        ordering = ["-start_date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(end_date__gte=F("start_date")), name="research_dates_ordered"),
            models.CheckConstraint(
                condition=~Q(status="adopted") | (Q(adopted_by__isnull=False) & ~Q(outcome="")),
                name="research_adopted_has_body_and_outcome",
            ),
        ]

    def __str__(self):
        return self.title


class ParticipantRole(models.TextChoices):
    LEAD = "lead", "课题负责人"
    WRITER = "writer", "执笔人"
    MEMBER = "member", "课题组成员"


class ResearchParticipant(models.Model):
    topic = models.ForeignKey(
        ResearchTopic, on_delete=models.CASCADE, related_name="participants", verbose_name="课题"
    )
    person = models.ForeignKey(
        "members.Person", on_delete=models.PROTECT, related_name="research_roles", verbose_name="参与人"
    )
    role = models.CharField(
        "角色", max_length=10, choices=ParticipantRole.choices, default=ParticipantRole.MEMBER
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "课题参与人"
        verbose_name_plural = "课题参与人"
        ordering = ["topic", "role", "id"]
        constraints = [
            models.UniqueConstraint(fields=["topic", "person"], name="research_participant_unique"),
            models.UniqueConstraint(
                fields=["topic"], condition=Q(role="lead"), name="research_one_lead_person"
            ),
        ]
        indexes = [models.Index(fields=["person", "topic"])]

    def __str__(self):
        return f"{self.topic} · {self.person} · {self.get_role_display()}"


class Milestone(TimeStampedModel):
    """A step of a research topic's plan with its due date (within the topic's dates)."""

    topic = models.ForeignKey(
        ResearchTopic, on_delete=models.CASCADE, related_name="milestones", verbose_name="课题"
    )
    title = models.CharField("节点", max_length=200)
    due_date = models.DateField("计划完成日期")
    done_on = models.DateField("实际完成日期", null=True, blank=True)
    note = models.CharField("说明", max_length=500, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "课题进度节点"
        verbose_name_plural = "课题进度节点"
        ordering = ["topic", "due_date", "id"]

    def __str__(self):
        return self.title


class OutputKind(models.TextChoices):
    REPORT = "report", "调研报告"
    PROPOSAL = "proposal", "提案"
    OPINION = "opinion", "社情民意信息"
    SPEECH = "speech", "发言材料"
    ARTICLE = "article", "理论文章"
    OTHER = "other", "其他"


def output_file_path(instance, filename):
    return f"consultations/research/{instance.topic_id}/{filename}"


class ResearchOutput(TimeStampedModel):
    """An output of a research topic (a report, an article …) with its authors and an optional file
    (validated by core.uploads, served only after a permission check)."""

    topic = models.ForeignKey(
        ResearchTopic, on_delete=models.CASCADE, related_name="outputs", verbose_name="课题"
    )
    kind = models.CharField("类型", max_length=10, choices=OutputKind.choices, default=OutputKind.REPORT)
    title = models.CharField("成果名称", max_length=200)
    summary = models.TextField("摘要", blank=True)
    completed_on = models.DateField("完成日期")
    file = models.FileField("文件", upload_to=output_file_path, max_length=300, blank=True)
    authors = models.ManyToManyField(
        "members.Person", blank=True, related_name="research_outputs", verbose_name="作者"
    )
    history = HistoricalRecords()

    class Meta:
        verbose_name = "课题成果"
        verbose_name_plural = "课题成果"
        ordering = ["topic", "completed_on", "id"]
        indexes = [models.Index(fields=["completed_on"])]

    def __str__(self):
        return self.title

    @property
    def file_name(self) -> str:
        return self.file.name.rsplit("/", 1)[-1] if self.file else ""


# ---- after the meeting ----


class FollowUpKind(models.TextChoices):
    PROPOSAL = "proposal", "形成提案"
    RESEARCH = "research", "开展课题研究"
    OTHER = "other", "其他落实事项"


class FollowUp(OwnedModel):
    """Something to follow up after a meeting (usually from one speech). It can become a proposal draft or a
    research topic; the link is kept both ways."""

    meeting = models.ForeignKey(
        Meeting, on_delete=models.PROTECT, related_name="followups", verbose_name="会议"
    )
    speech = models.ForeignKey(
        Speech,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="followups",
        verbose_name="来源发言",
    )
    title = models.CharField("事项", max_length=200)
    description = models.TextField("说明", blank=True)
    kind = models.CharField("类型", max_length=10, choices=FollowUpKind.choices, default=FollowUpKind.OTHER)
    proposal = models.ForeignKey(
        "proposals.Proposal",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="consultation_followups",
        verbose_name="形成的提案",
    )
    research_topic = models.ForeignKey(
        ResearchTopic,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="source_followups",
        verbose_name="形成的课题",
    )
    done_at = models.DateTimeField("落实时间", null=True, blank=True)
    history = HistoricalRecords()

    person_lookups = ("speech__speaker",)

    class Meta:
        verbose_name = "后续事项"
        verbose_name_plural = "后续事项"
        ordering = ["meeting", "id"]

    def __str__(self):
        return self.title
