from django.conf import settings
from django.contrib.contenttypes.fields import GenericForeignKey
from django.contrib.contenttypes.models import ContentType
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        abstract = True


class TransitionLog(models.Model):
    """One row per workflow step of any workflow (proposal, idea, report, RSVP, request …).

    Written only by `core.workflow.Workflow.transition`; timelines and deadlines are derived from it.
    """

    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name="对象类型")
    object_id = models.PositiveBigIntegerField("对象编号")
    obj = GenericForeignKey("content_type", "object_id")
    workflow = models.CharField("流程", max_length=40)
    source = models.CharField("原状态", max_length=40, blank=True)
    target = models.CharField("新状态", max_length=40)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        verbose_name="操作人",
        related_name="+",
    )
    actor_label = models.CharField("操作人（显示）", max_length=100, blank=True)
    note = models.TextField("说明", blank=True)
    data = models.JSONField("附加数据", default=dict, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "流程记录"
        verbose_name_plural = "流程记录"
        ordering = ["created_at", "id"]
        indexes = [models.Index(fields=["content_type", "object_id", "created_at"])]

    def __str__(self):
        return f"{self.workflow}: {self.source} → {self.target}"


class AccessKind(models.TextChoices):
    REVEAL = "reveal", "查看明文"
    EXPORT = "export", "导出"


class SensitiveAccessLog(models.Model):
    """Who revealed or exported which protected value of whom, when (PIPL access log)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, verbose_name="查看人", related_name="+"
    )
    content_type = models.ForeignKey(ContentType, on_delete=models.CASCADE, verbose_name="对象类型")
    object_id = models.PositiveBigIntegerField("对象编号")
    obj = GenericForeignKey("content_type", "object_id")
    kind = models.CharField(
        "操作", max_length=10, choices=AccessKind.choices, default=AccessKind.REVEAL, db_index=True
    )
    field = models.CharField("字段", max_length=60)
    detail = models.CharField("说明", max_length=200, blank=True, help_text="导出时：文件名和格式")
    subject_label = models.CharField("数据主体", max_length=200, blank=True)
    ip_address = models.GenericIPAddressField("IP 地址", null=True, blank=True)
    created_at = models.DateTimeField("时间", auto_now_add=True, db_index=True)

    class Meta:
        verbose_name = "敏感信息查看记录"
        verbose_name_plural = "敏感信息查看记录"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.user} 查看 {self.subject_label} 的 {self.field}"
