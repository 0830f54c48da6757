"""Performance archives (履职档案), scoring rules as data, donations and volunteer work, year-end closing.

Scores are not stored while a year is open: they are computed live from the other apps' records with the
year's `RuleSet` (see `archives.scoring`). Closing a year (`ClosingRun`) stores one `Archive` snapshot per
person with the breakdown and the rule set's version, and the PDFs.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.models import TimeStampedModel
from organisations.models import OwnedModel

MONEY = {"max_digits": 12, "decimal_places": 2}
POINTS = {"max_digits": 9, "decimal_places": 2}


# ---- Rule sets ------------------------------------------------------------------------------------------


class RuleSet(OwnedModel):
    """The scoring rules of one year, owned by a committee (its staff edit them). Every change to the set or
    to one of its items, bands, minimums or grades raises `version` by one; the history keeps every state."""

    year = models.PositiveSmallIntegerField("年度")
    name = models.CharField("名称", max_length=100)
    version = models.PositiveIntegerField("版本", default=1)
    based_on = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="复制自",
    )
    notes = models.TextField("说明", blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "履职积分规则"
        verbose_name_plural = "履职积分规则"
        ordering = ["-year", "owner_org__path"]
        constraints = [
            models.UniqueConstraint(fields=["owner_org", "year"], name="ruleset_one_per_year"),
            models.CheckConstraint(condition=Q(year__gte=2000, year__lte=2100), name="ruleset_year_range"),
        ]

    def __str__(self):
        return f"{self.name}（第{self.version}版）"

    @property
    def label(self) -> str:
        return f"{self.name}（第{self.version}版）"


class RuleItem(TimeStampedModel):
    """Points for one countable item of the catalogue (`archives.items`): `points` per `per_units` units
    (negative = a deduction), `cosigner_points` for the co-signer's part of a proposal item, an optional
    `cap` on the item's points a year (for a deduction, the largest deduction). With amount bands, the points
    come from the band the yearly amount falls in instead."""

    rule_set = models.ForeignKey(RuleSet, on_delete=models.CASCADE, related_name="items", verbose_name="规则")
    item = models.CharField("计分项目", max_length=40)
    points = models.DecimalField("每单位分值", **POINTS, default=0)
    per_units = models.DecimalField(
        "计分单位数", **MONEY, default=1, help_text="每满多少单位计一次分值，默认 1"
    )
    cosigner_points = models.DecimalField(
        "联名人分值", **POINTS, null=True, blank=True, help_text="仅提案类项目：联名人每件的分值"
    )
    cap = models.DecimalField("年度上限", **POINTS, null=True, blank=True, help_text="留空表示不设上限")
    note = models.CharField("备注", max_length=200, blank=True)
    order = models.PositiveSmallIntegerField("排序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "计分项目"
        verbose_name_plural = "计分项目"
        ordering = ["rule_set", "order", "id"]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "item"], name="ruleitem_one_per_item"),
            models.CheckConstraint(
                condition=Q(cap__isnull=True) | Q(cap__gt=0), name="ruleitem_cap_positive"
            ),
            models.CheckConstraint(condition=Q(per_units__gt=0), name="ruleitem_per_units_positive"),
        ]

    def __str__(self):
        return self.item


class AmountBand(TimeStampedModel):
    """A band of a yearly amount (e.g. donations 1万–5万元 → 5 分): [min_amount, max_amount)."""

    rule_item = models.ForeignKey(
        RuleItem, on_delete=models.CASCADE, related_name="bands", verbose_name="计分项目"
    )
    min_amount = models.DecimalField("下限（含）", **MONEY)
    max_amount = models.DecimalField("上限（不含）", **MONEY, null=True, blank=True, help_text="留空表示以上")
    points = models.DecimalField("分值", **POINTS)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "金额档次"
        verbose_name_plural = "金额档次"
        ordering = ["rule_item", "min_amount"]
        constraints = [
            models.CheckConstraint(condition=Q(min_amount__gte=0), name="amountband_min_not_negative"),
            models.CheckConstraint(
                condition=Q(max_amount__isnull=True) | Q(max_amount__gt=models.F("min_amount")),
                name="amountband_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.min_amount}–{self.max_amount or ''}"


class Minimum(TimeStampedModel):
    """A yearly minimum requirement: the counts of `items` (catalogue codes) together reach `count`
    (e.g. 参加活动 ≥ 3; 提案或社情民意信息 ≥ 1)."""

    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.CASCADE, related_name="minimums", verbose_name="规则"
    )
    label = models.CharField("名称", max_length=60)
    items = models.JSONField("计入项目", default=list)
    count = models.DecimalField("最低数量", **MONEY)
    order = models.PositiveSmallIntegerField("排序", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "最低要求"
        verbose_name_plural = "最低要求"
        ordering = ["rule_set", "order", "id"]
        constraints = [models.CheckConstraint(condition=Q(count__gt=0), name="minimum_count_positive")]

    def __str__(self):
        return self.label


class GradeBand(TimeStampedModel):
    """A grade for scores in [min_score, max_score); an empty bound means no limit on that side."""

    rule_set = models.ForeignKey(
        RuleSet, on_delete=models.CASCADE, related_name="grades", verbose_name="规则"
    )
    label = models.CharField("等级", max_length=20)
    min_score = models.DecimalField("最低分（含）", **POINTS, null=True, blank=True)
    max_score = models.DecimalField("最高分（不含）", **POINTS, null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "等级"
        verbose_name_plural = "等级"
        ordering = ["rule_set", models.F("min_score").desc(nulls_last=True)]
        constraints = [
            models.UniqueConstraint(fields=["rule_set", "label"], name="gradeband_label_unique"),
            models.CheckConstraint(
                condition=Q(min_score__isnull=True)
                | Q(max_score__isnull=True)
                | Q(max_score__gt=models.F("min_score")),
                name="gradeband_ordered",
            ),
        ]

    def __str__(self):
        return self.label


# ---- Donations and volunteer work ----------------------------------------------------------------------


class Programme(models.TextChoices):
    RURAL = "rural", "乡村振兴"
    BQW = "bqw", "百千万工程"
    GREEN = "green", "绿美广州"
    EDUCATION = "education", "助学"
    RELIEF = "relief", "扶贫济困"
    OTHER = "other", "其他"


class DonorKind(models.TextChoices):
    PERSON = "person", "委员个人"
    JOINT = "joint", "多位委员共同"
    ASSOCIATION = "association", "社团/机构"


class Donation(OwnedModel):
    """A donation or a piece of volunteer work (捐资、资助、志愿服务、植树). The donor is one person, several
    persons (each with a `DonationShare`), or an association. A donation may point to the activity it came
    from; that activity's own `support_amount` is then not counted again anywhere."""

    donor_kind = models.CharField(
        "捐赠方", max_length=12, choices=DonorKind.choices, default=DonorKind.PERSON
    )
    donor_org = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="捐赠社团/机构",
    )
    amount = models.DecimalField("金额（元）", **MONEY, default=0)
    volunteer_hours = models.DecimalField("志愿服务（小时）", max_digits=8, decimal_places=1, default=0)
    trees = models.PositiveIntegerField("植树（棵）", default=0)
    programme = models.CharField("项目类别", max_length=12, choices=Programme.choices)
    recipient = models.CharField("受赠方", max_length=200)
    place = models.CharField("地点", max_length=200, blank=True)
    date = models.DateField("日期", db_index=True)
    activity = models.ForeignKey(
        "activities.Activity",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="来源活动",
    )
    description = models.TextField("说明", blank=True)
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="核实人",
    )
    verified_at = models.DateTimeField("核实时间", null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="登记人",
    )
    history = HistoricalRecords()

    person_lookups = ("shares__person",)

    class Meta:
        verbose_name = "捐赠与志愿服务"
        verbose_name_plural = "捐赠与志愿服务"
        ordering = ["-date", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(amount__gte=0), name="donation_amount_not_negative"),
            models.CheckConstraint(condition=Q(volunteer_hours__gte=0), name="donation_hours_not_negative"),
            models.CheckConstraint(
                condition=Q(amount__gt=0) | Q(volunteer_hours__gt=0) | Q(trees__gt=0),
                name="donation_not_empty",
            ),
            models.CheckConstraint(
                condition=~Q(donor_kind="association") | Q(donor_org__isnull=False),
                name="donation_association_has_org",
            ),
            # One ledger row per source activity: the activity's amount is never counted twice.
            models.UniqueConstraint(
                fields=["activity"], condition=Q(activity__isnull=False), name="donation_one_per_activity"
            ),
        ]

    def __str__(self):
        return f"{self.date:%Y-%m-%d} {self.recipient}"

    @property
    def is_verified(self) -> bool:
        return self.verified_at is not None


class DonationShare(models.Model):
    """One person's part of a donation (the whole of it for a single donor). Shares add up to the donation."""

    donation = models.ForeignKey(
        Donation, on_delete=models.CASCADE, related_name="shares", verbose_name="捐赠"
    )
    person = models.ForeignKey(
        "members.Person", on_delete=models.PROTECT, related_name="donation_shares", verbose_name="委员/顾问"
    )
    amount = models.DecimalField("金额（元）", **MONEY, default=0)
    volunteer_hours = models.DecimalField("志愿服务（小时）", max_digits=8, decimal_places=1, default=0)
    trees = models.PositiveIntegerField("植树（棵）", default=0)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "捐赠份额"
        verbose_name_plural = "捐赠份额"
        ordering = ["donation", "id"]
        constraints = [
            models.UniqueConstraint(fields=["donation", "person"], name="donationshare_unique_person"),
            models.CheckConstraint(condition=Q(amount__gte=0), name="donationshare_amount_not_negative"),
            models.CheckConstraint(
                condition=Q(volunteer_hours__gte=0), name="donationshare_hours_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.amount}"


class DonationFile(TimeStampedModel):
    """Evidence of a donation (receipt, certificate, photo); served only after a permission check."""

    donation = models.ForeignKey(
        Donation, on_delete=models.CASCADE, related_name="files", verbose_name="捐赠"
    )
    file = models.FileField("文件", upload_to="archives/donations/%Y/")
    name = models.CharField("文件名", max_length=200)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "捐赠凭证"
        verbose_name_plural = "捐赠凭证"
        ordering = ["donation", "id"]

    def __str__(self):
        return self.name


# ---- Year-end closing ----------------------------------------------------------------------------------


class Archive(OwnedModel):
    """A person's archive of a closed year: the breakdown as computed at closing, with the rule set and its
    version, and the PDF. One per person, year and owning committee, so a re-run updates instead of adding."""

    person = models.ForeignKey(
        "members.Person", on_delete=models.PROTECT, related_name="archives", verbose_name="委员/顾问"
    )
    year = models.PositiveSmallIntegerField("年度")
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="+", verbose_name="规则")
    rule_set_version = models.PositiveIntegerField("规则版本")
    score = models.DecimalField("总分", **POINTS)
    grade = models.CharField("等级", max_length=20, blank=True)
    data = models.JSONField("明细", default=dict)
    pdf = models.FileField("PDF", upload_to="archives/pdf/%Y/", blank=True)
    run = models.ForeignKey(
        "ClosingRun",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="archives",
        verbose_name="批次",
    )
    closed_at = models.DateTimeField("归档时间")
    history = HistoricalRecords(excluded_fields=["data"])

    person_lookups = ("person",)

    class Meta:
        verbose_name = "年度履职档案"
        verbose_name_plural = "年度履职档案"
        ordering = ["-year", "person__sort_name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner_org", "person", "year"], name="archive_one_per_person_year"
            )
        ]

    def __str__(self):
        return f"{self.person} · {self.year}"


class RunStatus(models.TextChoices):
    QUEUED = "queued", "排队中"
    RUNNING = "running", "进行中"
    DONE = "done", "已完成"
    FAILED = "failed", "失败"


class ClosingRun(OwnedModel):
    """A year-end closing job: stores every person's archive and builds the ZIP of PDFs. The row is the
    progress the page polls (done / total, message); re-running continues where a crashed run stopped.
    No history: the progress columns change hundreds of times a run and say nothing an auditor needs."""

    year = models.PositiveSmallIntegerField("年度")
    term = models.ForeignKey(
        "members.Term", null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="届次"
    )
    rule_set = models.ForeignKey(RuleSet, on_delete=models.PROTECT, related_name="+", verbose_name="规则")
    status = models.CharField("状态", max_length=10, choices=RunStatus.choices, default=RunStatus.QUEUED)
    total = models.PositiveIntegerField("总人数", default=0)
    done = models.PositiveIntegerField("已完成", default=0)
    message = models.CharField("进度说明", max_length=300, blank=True)
    zip_file = models.FileField("档案压缩包", upload_to="archives/zip/", blank=True)
    started_at = models.DateTimeField("开始时间", null=True, blank=True)
    finished_at = models.DateTimeField("完成时间", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name="发起人",
    )

    class Meta:
        verbose_name = "年度归档批次"
        verbose_name_plural = "年度归档批次"
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.year} 年度归档"

    @property
    def percent(self) -> int:
        return (
            round(100 * self.done / self.total)
            if self.total
            else (100 if self.status == RunStatus.DONE else 0)
        )
