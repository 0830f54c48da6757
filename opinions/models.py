"""Public-opinion reports (社情民意信息): one issue each — situation, analysis, suggestion — about 1,500 characters."""

from django.db import models
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from simple_history.models import HistoricalRecords

from organisations.models import OwnedModel

# 社情民意信息一般不超过 1500 字（基本情况 + 分析 + 建议 合计）。
MAX_CHARS = 1500


class ReportStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    SUBMITTED = "submitted", "已报送"
    ACCEPTED = "accepted", "已受理"
    EDITED = "edited", "已编辑"
    SENT_UP = "sent_up", "已上报"
    ADOPTED = "adopted", "已采用"
    INSTRUCTED = "instructed", "获领导批示"
    NOT_ADOPTED = "not_adopted", "未采用"


class ReportLevel(models.TextChoices):
    NATIONAL = "national", "全国"
    PROVINCIAL = "provincial", "省级"
    CITY = "city", "市级"


class OpinionReport(OwnedModel):
    """A report written by a member (or drafted by staff for a member) and moved along by staff.

    Members and advisors see the reports they wrote (`person_lookups`); staff see their organisation's.
    """

    author = models.ForeignKey(
        "members.Person", on_delete=models.PROTECT, related_name="opinion_reports", verbose_name="反映人"
    )
    number = models.CharField("编号", max_length=20, blank=True, default="")
    title = models.CharField("标题", max_length=200)
    situation = models.TextField("基本情况", blank=True, default="")
    analysis = models.TextField("原因分析", blank=True, default="")
    suggestion = models.TextField("意见建议", blank=True, default="")
    status = models.CharField(
        "状态", max_length=20, choices=ReportStatus.choices, default=ReportStatus.DRAFT, db_index=True
    )
    submitted_at = models.DateTimeField("报送时间", null=True, blank=True)
    sent_up_level = models.CharField("上报层级", max_length=12, choices=ReportLevel.choices, blank=True)
    sent_up_to = models.CharField("上报单位", max_length=100, blank=True)
    sent_up_at = models.DateField("上报日期", null=True, blank=True)
    adopted_level = models.CharField("采用层级", max_length=12, choices=ReportLevel.choices, blank=True)
    adopted_by = models.CharField("采用单位", max_length=100, blank=True)
    adopted_at = models.DateField("采用日期", null=True, blank=True)
    instruction_level = models.CharField("批示层级", max_length=12, choices=ReportLevel.choices, blank=True)
    instruction_leader = models.CharField("批示领导", max_length=100, blank=True)
    instruction_text = models.TextField("批示内容", blank=True)
    instructed_at = models.DateField("批示日期", null=True, blank=True)
    search_text = models.TextField("检索文本", editable=False, default="")
    history = HistoricalRecords()

    person_lookups = ("author",)

    class Meta:
        verbose_name = "社情民意信息"
        verbose_name_plural = "社情民意信息"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at", "id"], name="opinion_report_created")
        ]  # the list's default order
        constraints = [
            models.CheckConstraint(
                condition=LessThanOrEqual(
                    Length("situation") + Length("analysis") + Length("suggestion"), MAX_CHARS
                ),
                name="opinion_report_max_chars",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["sent_up", "adopted", "instructed"])
                | ~models.Q(sent_up_level=""),
                name="opinion_report_sent_up_has_level",
            ),
            models.CheckConstraint(
                condition=~models.Q(status__in=["adopted", "instructed"]) | ~models.Q(adopted_level=""),
                name="opinion_report_adopted_has_level",
            ),
            models.CheckConstraint(
                condition=~models.Q(status="instructed") | ~models.Q(instruction_level=""),
                name="opinion_report_instruction_has_level",
            ),
            models.UniqueConstraint(
                fields=["owner_org", "number"],
                condition=~models.Q(number=""),
                name="opinion_report_number_unique",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def length(self) -> int:
        return len(self.situation) + len(self.analysis) + len(self.suggestion)
