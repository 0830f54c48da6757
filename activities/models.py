"""Activities (活动): kinds, activities with trip stops, invitations (RSVP/leave/check-in), reports, briefings."""

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from organisations.models import OwnedModel, OwnedQuerySet


class ActivityKind(TimeStampedModel):
    """Kinds of activity (学习交流会, 调研视察 …). Reference data that staff extend; visible to every login."""

    name = models.CharField("名称", max_length=40, unique=True)
    is_trip = models.BooleanField("多站行程", default=False, help_text="调研视察、国情教育等分站行程")
    order = models.PositiveSmallIntegerField("排序", default=50)
    is_active = models.BooleanField("启用", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "活动类别"
        verbose_name_plural = "活动类别"
        ordering = ["order", "id"]

    def __str__(self):
        return self.name


class Activity(OwnedModel):
    """One activity. `owner_org` is the organiser (谁组织谁记录); co-organisers are Shares in capacity
    "organiser". Persons see it when invited (`person_lookups`)."""

    kind = models.ForeignKey(ActivityKind, on_delete=models.PROTECT, related_name="+", verbose_name="类别")
    title = models.CharField("名称", max_length=200)
    description = models.TextField("内容简介", blank=True)
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    place = models.CharField("地点", max_length=200, blank=True)
    quota = models.PositiveIntegerField("名额", null=True, blank=True, help_text="留空表示不限")
    signup_deadline = models.DateTimeField("报名截止", null=True, blank=True)
    is_compulsory = models.BooleanField("必须参加", default=False)
    is_cancelled = models.BooleanField("已取消", default=False)
    # After the activity (报告)
    summary = models.TextField("活动总结", blank=True)
    outcomes = models.TextField("成果", blank=True)
    support_amount = models.DecimalField(
        "捐资/资助金额（元）", max_digits=12, decimal_places=2, null=True, blank=True
    )
    support_note = models.CharField("捐资/资助说明", max_length=200, blank=True)
    reported_at = models.DateTimeField("报告时间", null=True, blank=True)
    search_text = models.TextField("检索文本", editable=False, default="")
    history = HistoricalRecords()

    person_lookups = ("invitations__person",)

    class Meta:
        verbose_name = "活动"
        verbose_name_plural = "活动"
        ordering = ["-starts_at", "-id"]
        indexes = [models.Index(fields=["starts_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gte=models.F("starts_at")), name="activity_dates_ordered"
            ),
            models.CheckConstraint(
                condition=Q(quota__isnull=True) | Q(quota__gt=0), name="activity_quota_positive"
            ),
            models.CheckConstraint(
                condition=Q(signup_deadline__isnull=True) | Q(signup_deadline__lte=models.F("ends_at")),
                name="activity_deadline_before_end",
            ),
            models.CheckConstraint(
                condition=Q(support_amount__isnull=True) | Q(support_amount__gte=0),
                name="activity_support_not_negative",
            ),
        ]

    def __str__(self):
        return self.title


class TripStop(TimeStampedModel):
    """One stop of a multi-stop trip: a city, its dates and programme. Seen through its activity."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="stops", verbose_name="活动"
    )
    order = models.PositiveSmallIntegerField("顺序", default=1)
    city = models.CharField("城市", max_length=60)
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    programme = models.TextField("行程安排", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "行程站点"
        verbose_name_plural = "行程站点"
        ordering = ["activity", "order", "start_date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__gte=models.F("start_date")), name="stop_dates_ordered"
            ),
        ]

    def __str__(self):
        return f"{self.activity} · {self.city}"


class InvitationStatus(models.TextChoices):
    INVITED = "invited", "待回复"
    CONFIRMED = "confirmed", "确认参加"
    WAITLISTED = "waitlisted", "候补"
    DECLINED = "declined", "不参加"
    LEAVE_REQUESTED = "leave_requested", "请假待批"
    LEAVE_APPROVED = "leave_approved", "已准假"
    CHECKED_IN = "checked_in", "已签到"
    ABSENT = "absent", "缺席"


# Statuses that hold one of the quota's places.
HOLDS_PLACE = (InvitationStatus.CONFIRMED, InvitationStatus.CHECKED_IN)


class CheckInMethod(models.TextChoices):
    QR = "qr", "扫码签到"
    MANUAL = "manual", "工作人员代签"
    SHEET = "sheet", "按签到表补录"


class InvitationQuerySet(OwnedQuerySet):
    def visible_to(self, user):
        """A person sees only their own invitation; everyone else the invitations of activities they see."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.is_person:
            return super().visible_to(user)
        return self.filter(activity__in=Activity.objects.visible_to(user).values("pk"))


class Invitation(OwnedModel):
    """One person invited to one activity, and where their answer and attendance stand.

    The status is moved only by `activities.workflows.INVITATION.transition`."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="invitations", verbose_name="活动"
    )
    person = models.ForeignKey(
        "members.Person", on_delete=models.PROTECT, related_name="activity_invitations", verbose_name="受邀人"
    )
    status = models.CharField(
        "状态", max_length=20, choices=InvitationStatus.choices, default=InvitationStatus.INVITED
    )
    leave_reason = models.TextField("请假理由", blank=True)
    responded_at = models.DateTimeField("回复时间", null=True, blank=True)
    waitlisted_at = models.DateTimeField("候补时间", null=True, blank=True)
    checked_in_at = models.DateTimeField("签到时间", null=True, blank=True)
    check_in_method = models.CharField(
        "签到方式", max_length=10, choices=CheckInMethod.choices, blank=True, default=""
    )
    history = HistoricalRecords()

    person_lookups = ("person",)
    objects = InvitationQuerySet.as_manager()

    class Meta:
        verbose_name = "活动邀请"
        verbose_name_plural = "活动邀请"
        ordering = ["activity", "person__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["activity", "person"], name="invitation_unique_person"),
            models.CheckConstraint(
                condition=~Q(status="checked_in") | Q(checked_in_at__isnull=False),
                name="invitation_checked_in_has_time",
            ),
            models.CheckConstraint(
                condition=~Q(status="waitlisted") | Q(waitlisted_at__isnull=False),
                name="invitation_waitlisted_has_time",
            ),
        ]
        indexes = [
            models.Index(fields=["activity", "status"]),
            models.Index(fields=["person", "status"]),
            # the leave queue and its home-page count: the few invitations in one status, the longest-waiting first
            models.Index(fields=["status", "responded_at"]),
        ]

    def __str__(self):
        return f"{self.person} · {self.activity}"


class AttachmentKind(models.TextChoices):
    PHOTO = "photo", "照片"
    DOCUMENT = "document", "附件"


class ActivityFile(TimeStampedModel):
    """A photo or attachment of an activity's report; served only after a permission check."""

    activity = models.ForeignKey(
        Activity, on_delete=models.CASCADE, related_name="files", verbose_name="活动"
    )
    kind = models.CharField("类型", max_length=10, choices=AttachmentKind.choices)
    file = models.FileField("文件", upload_to="activities/%Y/%m/")
    name = models.CharField("文件名", max_length=200)
    caption = models.CharField("说明", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "活动照片/附件"
        verbose_name_plural = "活动照片/附件"
        ordering = ["activity", "kind", "id"]

    def __str__(self):
        return self.name


class Briefing(OwnedModel):
    """Briefing material (知情明政): 情况通报, policy papers, study materials, published to chosen persons."""

    title = models.CharField("标题", max_length=200)
    body = models.TextField("正文")
    activity = models.ForeignKey(
        Activity,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="briefings",
        verbose_name="所属活动",
    )
    attachment = models.FileField("附件", upload_to="briefings/%Y/%m/", blank=True)
    attachment_name = models.CharField("附件名", max_length=200, blank=True)
    published_at = models.DateTimeField("发布时间", null=True, blank=True)
    search_text = models.TextField("检索文本", editable=False, default="")
    history = HistoricalRecords()

    person_lookups = ("recipients__person",)

    class Meta:
        verbose_name = "知情明政材料"
        verbose_name_plural = "知情明政材料"
        ordering = ["-published_at", "-id"]

    def __str__(self):
        return self.title


class BriefingRecipient(models.Model):
    """One person a briefing was published to, and when they first read it."""

    briefing = models.ForeignKey(
        Briefing, on_delete=models.CASCADE, related_name="recipients", verbose_name="材料"
    )
    person = models.ForeignKey(
        "members.Person", on_delete=models.PROTECT, related_name="briefings_received", verbose_name="接收人"
    )
    read_at = models.DateTimeField("阅读时间", null=True, blank=True)
    created_at = models.DateTimeField("发送时间", auto_now_add=True)

    class Meta:
        verbose_name = "材料接收人"
        verbose_name_plural = "材料接收人"
        ordering = ["briefing", "person__name"]
        constraints = [
            models.UniqueConstraint(fields=["briefing", "person"], name="briefing_recipient_unique")
        ]

    def __str__(self):
        return f"{self.briefing} → {self.person}"
