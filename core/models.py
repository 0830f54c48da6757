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


class ExportJobStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "正在生成"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ExportJob(models.Model):
    """A large export run in the background (`core.jobs`): the export page's own address and filters, replayed
    by a job for the user who asked; the row is the progress the page polls (done / total) and holds the file.
    No history: the progress columns change every chunk and say nothing an auditor needs (the access log records
    exports of personal data)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs", verbose_name="用户"
    )
    path = models.CharField("导出地址", max_length=300)
    query = models.CharField("筛选条件", max_length=2000, blank=True)
    traditional = models.BooleanField("繁体", default=False)
    status = models.CharField(
        "状态", max_length=10, choices=ExportJobStatus.choices, default=ExportJobStatus.QUEUED
    )
    total = models.PositiveIntegerField("总行数", default=0)
    done = models.PositiveIntegerField("已完成行数", default=0)
    filename = models.CharField("文件名", max_length=200, blank=True)
    content_type = models.CharField("文件类型", max_length=100, blank=True)
    file = models.FileField("文件", upload_to="exports/", blank=True)
    error = models.CharField("错误", max_length=300, blank=True)
    created_at = models.DateTimeField("提交时间", auto_now_add=True, db_index=True)
    progressed_at = models.DateTimeField("最近进展", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)

    class Meta:
        verbose_name = "后台导出"
        verbose_name_plural = "后台导出"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.filename or self.path

    @property
    def percent(self) -> int:
        if self.status == ExportJobStatus.DONE:
            return 100
        return min(99, round(100 * self.done / self.total)) if self.total else 0

    @property
    def finished(self) -> bool:
        return self.status in (ExportJobStatus.DONE, ExportJobStatus.FAILED) or self.interrupted

    @property
    def interrupted(self) -> bool:
        """Running, but no progress for ten minutes: its process was stopped (the user asks again)."""
        from django.utils import timezone

        last = self.progressed_at or self.created_at
        return self.status == ExportJobStatus.RUNNING and (timezone.now() - last).total_seconds() > 600
