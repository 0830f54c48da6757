"""Visits (走访谈心), members' requests (诉求) and the committee's liaison network (联谊交友).

Statuses are assigned only by the workflows in `visits.workflows`; writes live in `visits.services`.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core import phones
from core.crypto import EncryptedTextField
from core.models import TimeStampedModel
from organisations.models import OwnedModel, OwnedQuerySet


class VisitMode(models.TextChoices):
    HOME = "home", "上门走访"
    ONE_TO_ONE = "one_to_one", "一对一面谈"
    PHONE = "phone", "电话"
    VIDEO = "video", "视频"


class VisitStatus(models.TextChoices):
    PLANNED = "planned", "计划中"
    DONE = "done", "已走访"
    CANCELLED = "cancelled", "已取消"


class Visit(OwnedModel):
    """One visit or talk: who visited whom, when and how. Planned first, then recorded as done (or cancelled).

    `notes` are read by the office (staff and leaders); `confidential_notes` are encrypted at rest and read by
    leaders only (the history page shows them as encrypted, so staff cannot read them there either).
    """

    status = models.CharField(
        "状态", max_length=12, choices=VisitStatus.choices, default=VisitStatus.PLANNED, db_index=True
    )
    date = models.DateField("日期", db_index=True)
    mode = models.CharField("方式", max_length=12, choices=VisitMode.choices, default=VisitMode.ONE_TO_ONE)
    place = models.CharField("地点", max_length=200, blank=True)
    topics = models.CharField("谈话主题", max_length=300, blank=True)
    notes = models.TextField("走访记录", blank=True)
    confidential_notes = EncryptedTextField("内部记录（仅领导可见）", blank=True, default="")
    visitors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="visits_made", verbose_name="走访人", through="VisitVisitor"
    )
    persons = models.ManyToManyField(
        "members.Person", related_name="visits_received", verbose_name="走访对象", through="VisitPerson"
    )
    search_text = models.TextField("检索文本", editable=False, default="")
    history = HistoricalRecords()

    person_lookups = ("visit_persons__person",)

    class Meta:
        verbose_name = "走访"
        verbose_name_plural = "走访"
        ordering = ["-date", "-id"]
        indexes = [models.Index(fields=["owner_org", "status", "date"])]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.get_mode_display()}"


class VisitVisitor(models.Model):
    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="visit_visitors", verbose_name="走访"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="走访人"
    )

    class Meta:
        verbose_name = "走访人"
        verbose_name_plural = "走访人"
        constraints = [models.UniqueConstraint(fields=["visit", "user"], name="visit_visitor_unique")]

    def __str__(self):
        return f"{self.visit} · {self.user}"


class VisitPerson(models.Model):
    visit = models.ForeignKey(
        Visit, on_delete=models.CASCADE, related_name="visit_persons", verbose_name="走访"
    )
    person = models.ForeignKey(
        "members.Person", on_delete=models.CASCADE, related_name="+", verbose_name="走访对象"
    )

    class Meta:
        verbose_name = "走访对象"
        verbose_name_plural = "走访对象"
        constraints = [models.UniqueConstraint(fields=["visit", "person"], name="visit_person_unique")]
        indexes = [models.Index(fields=["person", "visit"])]

    def __str__(self):
        return f"{self.visit} · {self.person}"


def visit_photo_path(instance, filename):
    return f"visits/{instance.visit_id}/{filename}"


class VisitPhoto(TimeStampedModel):
    """A photo of a visit, validated and re-encoded by core.uploads; served only after a permission check."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos", verbose_name="走访")
    file = models.FileField("照片", upload_to=visit_photo_path, max_length=300)
    caption = models.CharField("说明", max_length=200, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "走访照片"
        verbose_name_plural = "走访照片"
        ordering = ["id"]

    def __str__(self):
        return self.caption or self.file.name.rsplit("/", 1)[-1]


class CoverageRule(OwnedModel):
    """The visit rule of a committee: each member and advisor visited `visits_per_period` times per period.

    One row per organisation; without a row the defaults from Django settings apply (see `selectors.rule_for`).
    """

    period_days = models.PositiveSmallIntegerField("走访周期（天）", default=365)
    visits_per_period = models.PositiveSmallIntegerField("每周期至少走访次数", default=1)
    liaison_period_days = models.PositiveSmallIntegerField("联谊单位联系周期（天）", default=180)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "走访规则"
        verbose_name_plural = "走访规则"
        constraints = [
            models.UniqueConstraint(fields=["owner_org"], name="coverage_rule_one_per_org"),
            models.CheckConstraint(condition=Q(period_days__gte=1), name="coverage_rule_period_positive"),
            models.CheckConstraint(
                condition=Q(visits_per_period__gte=1), name="coverage_rule_target_positive"
            ),
            models.CheckConstraint(
                condition=Q(liaison_period_days__gte=1), name="coverage_rule_liaison_positive"
            ),
        ]

    def __str__(self):
        return f"{self.owner_org} 走访规则"


class VisitPlan(OwnedModel):
    """A year's visit plan: every member and advisor assigned to a leader (or staff member) to visit."""

    year = models.PositiveSmallIntegerField("年度")
    title = models.CharField("名称", max_length=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "年度走访计划"
        verbose_name_plural = "年度走访计划"
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["owner_org", "year"], name="visit_plan_one_per_year")]

    def __str__(self):
        return self.title


class VisitAssignment(models.Model):
    """One person in a plan and who is to visit them. Done-ness is derived from the visits, never stored."""

    plan = models.ForeignKey(
        VisitPlan, on_delete=models.CASCADE, related_name="assignments", verbose_name="计划"
    )
    person = models.ForeignKey(
        "members.Person", on_delete=models.CASCADE, related_name="+", verbose_name="走访对象"
    )
    visitor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="visit_assignments",
        verbose_name="负责走访",
    )
    target_month = models.PositiveSmallIntegerField("计划月份", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "走访分工"
        verbose_name_plural = "走访分工"
        ordering = ["person__name", "id"]
        constraints = [
            models.UniqueConstraint(fields=["plan", "person"], name="visit_assignment_unique"),
            models.CheckConstraint(
                condition=Q(target_month__isnull=True) | Q(target_month__gte=1, target_month__lte=12),
                name="visit_assignment_month_valid",
            ),
        ]

    def __str__(self):
        return f"{self.plan} · {self.person}"


class RequestCategory(models.TextChoices):
    SCHOOL = "school", "子女入学"
    BUSINESS = "business", "营商"
    POLICY = "policy", "政策咨询"
    TRAVEL = "travel", "出入境"
    MEDICAL = "medical", "医疗"
    OTHER = "other", "其他"


class RequestStatus(models.TextChoices):
    OPEN = "open", "待办理"
    IN_PROGRESS = "in_progress", "办理中"
    SOLVED = "solved", "已解决"
    UNSOLVABLE = "unsolvable", "无法解决"


OPEN_STATUSES = (RequestStatus.OPEN, RequestStatus.IN_PROGRESS)


class RequestQuerySet(OwnedQuerySet):
    def visible_to(self, user):
        """As every owned record, plus, for a helping body's users (handling unit, partner body), the requests
        their body was asked to help with (their inbox)."""
        if user is not None and getattr(user, "role", None) in ("unit", "partner") and user.organisation_id:
            return super().visible_to(user) | self.filter(helping_org_id=user.organisation_id)
        return super().visible_to(user)


class Request(OwnedModel):
    """A member's or advisor's request (心声诉求), raised in a visit or directly, tracked to resolution.

    Visible to the office of the owning organisation and to the person who raised it — never to other members.
    """

    person = models.ForeignKey(
        "members.Person", on_delete=models.PROTECT, related_name="requests", verbose_name="提出人"
    )
    visit = models.ForeignKey(
        Visit,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests",
        verbose_name="来源走访",
    )
    category = models.CharField("类别", max_length=12, choices=RequestCategory.choices)
    title = models.CharField("诉求摘要", max_length=120)
    description = models.TextField("诉求内容")
    status = models.CharField(
        "状态", max_length=12, choices=RequestStatus.choices, default=RequestStatus.OPEN, db_index=True
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="requests_owned",
        verbose_name="负责人",
    )
    helping_org = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="协助单位",
    )
    deadline = models.DateField("办理期限", null=True, blank=True, db_index=True)
    resolution = models.TextField("办理结果/说明", blank=True)
    raised_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="登记人",
    )
    proposal = models.ForeignKey(
        "proposals.Proposal",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="转成的提案",
    )
    opinion_report = models.ForeignKey(
        "opinions.OpinionReport",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="转成的社情民意信息",
    )
    thanks_note = models.TextField("委员反馈", blank=True)
    thanked_at = models.DateTimeField("反馈时间", null=True, blank=True)
    search_text = models.TextField("检索文本", editable=False, default="")
    history = HistoricalRecords()

    person_lookups = ("person",)
    objects = RequestQuerySet.as_manager()

    class Meta:
        verbose_name = "诉求"
        verbose_name_plural = "诉求"
        ordering = ["-created_at", "-id"]
        indexes = [
            models.Index(fields=["created_at", "id"], name="request_created")
        ]  # the list's default order
        constraints = [
            # The database refuses a closed request without its resolution or explanation.
            models.CheckConstraint(
                condition=~Q(status__in=["solved", "unsolvable"]) | ~Q(resolution=""),
                name="request_closed_has_resolution",
            ),
        ]

    def __str__(self):
        return self.title

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class RequestStep(models.Model):
    """A step taken on a request (called the school, wrote to the department …), shown to the member too."""

    request = models.ForeignKey(Request, on_delete=models.CASCADE, related_name="steps", verbose_name="诉求")
    date = models.DateField("日期")
    text = models.TextField("办理情况")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="记录人",
    )
    created_at = models.DateTimeField("记录时间", auto_now_add=True)

    class Meta:
        verbose_name = "办理步骤"
        verbose_name_plural = "办理步骤"
        ordering = ["date", "id"]

    def __str__(self):
        return f"{self.date} {self.text[:20]}"


# ---- liaison network (联谊交友) ----


class LiaisonLink(OwnedModel):
    """A body in the committee's liaison network (department, partner CPPCC, association) and who liaises."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="联谊单位"
    )
    liaison = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="本会联络人",
    )
    notes = models.TextField("备注", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "联谊单位"
        verbose_name_plural = "联谊单位"
        ordering = ["organisation__path"]
        constraints = [
            models.UniqueConstraint(fields=["owner_org", "organisation"], name="liaison_link_unique")
        ]

    def __str__(self):
        return str(self.organisation)


class LiaisonContact(OwnedModel):
    """A contact person in a partner body. The phone is personal data: encrypted, masked, reveals logged."""

    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="所在单位"
    )
    name = models.CharField("姓名", max_length=100)
    position = models.CharField("职务", max_length=100, blank=True)
    phone = EncryptedTextField("电话", blank=True, default="")
    is_active = models.BooleanField("在任", default=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "联络人"
        verbose_name_plural = "联络人"
        ordering = ["organisation__path", "name", "id"]

    def __str__(self):
        return self.name

    @property
    def masked_phone(self) -> str:
        return phones.mask_phone(self.phone)


class LiaisonEventKind(models.TextChoices):
    MEETING = "meeting", "会议座谈"
    JOINT = "joint", "联合活动"
    VISIT = "visit", "走访拜会"
    RESEARCH = "research", "联合调研"
    OTHER = "other", "其他"


class LiaisonEvent(OwnedModel):
    """A meeting or joint activity with one or several partner bodies; their last contact date derives from it."""

    date = models.DateField("日期", db_index=True)
    kind = models.CharField("类型", max_length=12, choices=LiaisonEventKind.choices)
    title = models.CharField("名称", max_length=200)
    place = models.CharField("地点", max_length=200, blank=True)
    notes = models.TextField("情况记录", blank=True)
    organisations = models.ManyToManyField(
        "organisations.Organisation", related_name="+", verbose_name="联谊单位", through="LiaisonEventOrg"
    )
    contacts = models.ManyToManyField(
        LiaisonContact, blank=True, related_name="events", verbose_name="对方人员"
    )
    participants = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="+", verbose_name="本会参加人员"
    )
    activity = models.ForeignKey(
        "activities.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="关联活动",
    )
    search_text = models.TextField("检索文本", editable=False, default="")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "联谊活动"
        verbose_name_plural = "联谊活动"
        ordering = ["-date", "-id"]

    def __str__(self):
        return self.title


class LiaisonEventOrg(models.Model):
    event = models.ForeignKey(
        LiaisonEvent, on_delete=models.CASCADE, related_name="event_orgs", verbose_name="联谊活动"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="+", verbose_name="联谊单位"
    )

    class Meta:
        verbose_name = "活动联谊单位"
        verbose_name_plural = "活动联谊单位"
        constraints = [
            models.UniqueConstraint(fields=["event", "organisation"], name="liaison_event_org_unique")
        ]
        indexes = [models.Index(fields=["organisation", "event"])]

    def __str__(self):
        return f"{self.event} · {self.organisation}"
