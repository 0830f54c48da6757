"""Persons (members and advisors), terms and plenary sessions."""

import datetime as dt

from django.conf import settings
from django.db import models
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core import phones
from core.crypto import EncryptedTextField, blind_index
from core.models import TimeStampedModel
from organisations.models import OwnedModel


class Region(models.TextChoices):
    HONG_KONG = "hk", "香港"
    MACAO = "mo", "澳门"
    TAIWAN = "tw", "台湾"
    OVERSEAS = "overseas", "海外"
    MAINLAND = "mainland", "内地"


class Gender(models.TextChoices):
    MALE = "m", "男"
    FEMALE = "f", "女"
    UNKNOWN = "", "未填写"


class Party(models.TextChoices):
    CPC = "cpc", "中共党员"
    RCCK = "rcck", "民革"
    CDL = "cdl", "民盟"
    CNDCA = "cndca", "民建"
    CAPD = "capd", "民进"
    CPWDP = "cpwdp", "农工党"
    CZGP = "czgp", "致公党"
    JS = "js", "九三学社"
    TDSGL = "tdsgl", "台盟"
    NON_PARTY = "nonparty", "无党派人士"
    NONE = "none", "群众"
    UNKNOWN = "", "未填写"


class DatePrecision(models.TextChoices):
    DAY = "d", "年月日"
    MONTH = "m", "年月"
    YEAR = "y", "年"


class Person(OwnedModel):
    """A member or advisor. The roster's row; every person-linked record points here."""

    name = models.CharField("姓名", max_length=100)
    romanised_name = models.CharField("英文/拼音姓名", max_length=120, blank=True)
    gender = models.CharField("性别", max_length=1, choices=Gender.choices, blank=True, default="")
    region = models.CharField("地区", max_length=10, choices=Region.choices, default=Region.HONG_KONG)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="person",
        verbose_name="登录账号",
    )
    search_text = models.TextField("检索文本", editable=False, default="")
    sort_name = models.CharField("排序用拼音", max_length=200, editable=False, default="", db_index=True)
    birth_date = models.DateField("出生日期", null=True, blank=True)
    birth_precision = models.CharField(
        "出生日期精度", max_length=1, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    sector = models.ForeignKey(
        "Sector", null=True, blank=True, on_delete=models.PROTECT, related_name="persons", verbose_name="界别"
    )
    party = models.CharField("党派", max_length=10, choices=Party.choices, blank=True, default="")
    employer = models.CharField("工作单位", max_length=200, blank=True)
    titles = models.CharField("职务/职称", max_length=300, blank=True)
    email = models.EmailField("电子邮箱", blank=True)
    address = EncryptedTextField("通讯地址", blank=True, default="")
    photo = models.FileField("照片", upload_to="members/photos/", blank=True)
    tags = models.ManyToManyField("Tag", blank=True, related_name="persons", verbose_name="标签")
    notes = models.TextField("备注", blank=True)
    anonymised_at = models.DateTimeField("匿名化时间", null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["address", "search_text", "sort_name"])

    person_lookups = ("id",)

    class Meta:
        verbose_name = "委员/顾问"
        verbose_name_plural = "委员/顾问"
        ordering = ["sort_name", "name", "id"]
        indexes = [
            models.Index(fields=["name", "birth_date"], name="person_name_birth"),
            models.Index(
                fields=["sort_name", "id"], name="person_roster_order"
            ),  # the roster's default order
        ]

    def __str__(self):
        return self.name

    @property
    def is_anonymised(self) -> bool:
        return self.anonymised_at is not None

    @property
    def birth_display(self) -> str:
        """1965年3月 / 1965年3月12日 / 1965年, as precise as what was recorded."""
        d = self.birth_date
        if d is None:
            return ""
        if self.birth_precision == DatePrecision.YEAR:
            return f"{d.year}年"
        if self.birth_precision == DatePrecision.MONTH:
            return f"{d.year}年{d.month}月"
        return f"{d.year}年{d.month}月{d.day}日"


class Term(TimeStampedModel):
    """A term (届) of a CPPCC, five years."""

    cppcc = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="terms", verbose_name="政协"
    )
    number = models.PositiveSmallIntegerField("届次")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    is_current = models.BooleanField("本届", default=False)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "届次"
        verbose_name_plural = "届次"
        ordering = ["-number"]
        constraints = [
            models.UniqueConstraint(fields=["cppcc", "number"], name="term_unique_number"),
            models.CheckConstraint(
                condition=models.Q(end_date__gt=models.F("start_date")), name="term_dates_ordered"
            ),
        ]

    def __str__(self):
        return f"第{_chinese_number(self.number)}届"

    @property
    def short_label(self) -> str:
        return f"{_chinese_number(self.number)}届"


class SessionKind(models.TextChoices):
    PLENARY = "plenary", "全体会议"
    STANDING = "standing", "常委会会议"


class Session(TimeStampedModel):
    """A numbered meeting within a term: 十四届三次会议 (plenary) or 常委会第N次会议."""

    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="sessions", verbose_name="届次")
    kind = models.CharField("类别", max_length=10, choices=SessionKind.choices, default=SessionKind.PLENARY)
    number = models.PositiveSmallIntegerField("次数")
    start_date = models.DateField("开始日期")
    end_date = models.DateField("结束日期")
    history = HistoricalRecords()

    class Meta:
        verbose_name = "会议"
        verbose_name_plural = "会议"
        ordering = ["term", "kind", "number"]
        constraints = [
            models.UniqueConstraint(fields=["term", "kind", "number"], name="session_unique_number")
        ]

    def __str__(self):
        if self.kind == SessionKind.PLENARY:
            return f"{self.term.short_label}{_chinese_number(self.number)}次会议"
        return f"{self.term.short_label}常委会第{_chinese_number(self.number)}次会议"


class TermRoleKind(models.TextChoices):
    MEMBER = "member", "委员"
    STANDING = "standing", "常委"
    INVITED = "invited", "特聘委员"
    ADVISOR = "advisor", "顾问"
    OBSERVER = "observer", "列席"


class TermRole(TimeStampedModel):
    """A person's role in one term. History is kept: one row per role held."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="term_roles", verbose_name="人员"
    )
    term = models.ForeignKey(Term, on_delete=models.PROTECT, related_name="roles", verbose_name="届次")
    role = models.CharField("身份", max_length=10, choices=TermRoleKind.choices)
    start_date = models.DateField("起始日期", null=True, blank=True)
    end_date = models.DateField("结束日期", null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "届内身份"
        verbose_name_plural = "届内身份"
        constraints = [models.UniqueConstraint(fields=["person", "term", "role"], name="term_role_unique")]

    def __str__(self):
        return f"{self.person} · {self.term} · {self.get_role_display()}"


_DIGITS = "零一二三四五六七八九"


def _chinese_number(n: int) -> str:
    """1..99 in Chinese numerals as used in CPPCC names: 3 → 三, 14 → 十四, 20 → 二十."""
    if n < 10:
        return _DIGITS[n]
    tens, ones = divmod(n, 10)
    return ("" if tens == 1 else _DIGITS[tens]) + "十" + ("" if ones == 0 else _DIGITS[ones])


chinese_number = _chinese_number


# ---------------------------------------------------------------------------------------------------------
# The registry: sectors, tags, the person's contact and identity data, committee and association positions.
# ---------------------------------------------------------------------------------------------------------


class Sector(TimeStampedModel):
    """A 界别 (sector) of the CPPCC, e.g. 港澳界, 经济界. Reference data kept by staff."""

    name = models.CharField("名称", max_length=60, unique=True)
    order = models.PositiveSmallIntegerField("排序", default=100)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "界别"
        verbose_name_plural = "界别"
        ordering = ["order", "name"]

    def __str__(self):
        return self.name


class Tag(TimeStampedModel):
    """A free label staff put on persons (e.g. 青年委员, 医疗, 大湾区)."""

    name = models.CharField("名称", max_length=40, unique=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "标签"
        verbose_name_plural = "标签"
        ordering = ["name"]

    def __str__(self):
        return self.name


class PhoneKind(models.TextChoices):
    MOBILE = "mobile", "手机"
    OFFICE = "office", "办公电话"
    HOME = "home", "住宅电话"
    OTHER = "other", "其他"


class Phone(OwnedModel):
    """One telephone number of a person, of any country: stored in E.164 (+85291234567, core.phones) and
    encrypted at rest (PIPL); the country code beside it in clear, for counts by region."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="phones", verbose_name="人员")
    kind = models.CharField("类别", max_length=10, choices=PhoneKind.choices, default=PhoneKind.MOBILE)
    country_code = models.CharField("国家或地区区号", max_length=6, default="+86")
    number = EncryptedTextField("号码", help_text="E.164 格式，如 +85291234567")
    number_index = models.CharField("号码索引", max_length=64, db_index=True, editable=False, default="")
    is_primary = models.BooleanField("首选", default=False)
    history = HistoricalRecords()

    person_lookups = ("person",)
    blind_index_fields = ("number_index",)

    class Meta:
        verbose_name = "电话"
        verbose_name_plural = "电话"
        ordering = ["-is_primary", "id"]

    def __str__(self):
        return f"{self.person} · {self.get_kind_display()}"

    def refresh_blind_indexes(self) -> None:
        self.number_index = blind_index(self.number)

    @property
    def masked(self) -> str:
        """+852 91****67 (mainland numbers without their +86)."""
        return phones.mask_phone(self.number)

    @property
    def display(self) -> str:
        """+852 9123 4567, 138 1234 5678: the clear number as people read it."""
        return phones.format_phone(self.number)


class DocumentKind(models.TextChoices):
    HOME_RETURN_PERMIT = "hrp", "回乡证"
    RESIDENCE_PERMIT = "residence", "港澳居民居住证"
    HKID = "hkid", "香港身份证"
    MACAO_ID = "moid", "澳门身份证"
    PASSPORT = "passport", "护照"


EXPIRY_WARNING_DAYS = 60  # a Home Return Permit takes about a month to renew


class IdentityDocument(OwnedModel):
    """An identity document of a person. The number is encrypted; a blind index lets the importer match on it."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="documents", verbose_name="人员"
    )
    kind = models.CharField("证件类型", max_length=12, choices=DocumentKind.choices)
    number = EncryptedTextField("证件号码")
    number_index = models.CharField("证件号码索引", max_length=64, db_index=True, editable=False, default="")
    expiry_date = models.DateField("有效期至", null=True, blank=True)
    history = HistoricalRecords()

    person_lookups = ("person",)
    blind_index_fields = ("number_index",)

    class Meta:
        verbose_name = "身份证件"
        verbose_name_plural = "身份证件"
        ordering = ["kind", "id"]
        constraints = [models.UniqueConstraint(fields=["person", "kind"], name="document_one_per_kind")]

    def __str__(self):
        return f"{self.person} · {self.get_kind_display()}"

    def refresh_blind_indexes(self) -> None:
        self.number_index = blind_index(self.number)

    @property
    def expiry_mark(self) -> str:
        """已过期 once the expiry date has passed, 即将到期 within `EXPIRY_WARNING_DAYS`, else empty."""
        if self.expiry_date is None:
            return ""
        today = timezone.localdate()
        if self.expiry_date < today:
            return "已过期"
        if self.expiry_date <= today + dt.timedelta(days=EXPIRY_WARNING_DAYS):
            return "即将到期"
        return ""

    @property
    def masked(self) -> str:
        from .identity import mask_document

        return mask_document(self.number)


class CommitteePosition(models.TextChoices):
    CHAIR = "chair", "主任"
    VICE_CHAIR = "vice_chair", "副主任"
    MEMBER = "member", "委员"


class CommitteeMembership(OwnedModel):
    """Membership of a special committee (专门委员会) in a term, with a position. History is kept."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="committee_memberships", verbose_name="人员"
    )
    committee = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="committee_memberships",
        verbose_name="专门委员会",
    )
    term = models.ForeignKey(
        Term,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="committee_memberships",
        verbose_name="届次",
    )
    position = models.CharField(
        "职务", max_length=12, choices=CommitteePosition.choices, default=CommitteePosition.MEMBER
    )
    start_date = models.DateField("起始日期", null=True, blank=True)
    end_date = models.DateField("结束日期", null=True, blank=True)
    history = HistoricalRecords()

    person_lookups = ("person",)

    class Meta:
        verbose_name = "专门委员会职务"
        verbose_name_plural = "专门委员会职务"
        ordering = ["committee__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "committee", "term"], name="committee_membership_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="committee_membership_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.committee} {self.get_position_display()}"


class AssociationPosition(OwnedModel):
    """A person's position in an organisation (e.g. 香港广州社团总会 副会长), from the organisations tree."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="association_positions", verbose_name="人员"
    )
    organisation = models.ForeignKey(
        "organisations.Organisation",
        on_delete=models.PROTECT,
        related_name="association_positions",
        verbose_name="社团/组织",
    )
    title = models.CharField("职务", max_length=60)
    start_date = models.DateField("起始日期", null=True, blank=True)
    end_date = models.DateField("结束日期", null=True, blank=True)
    history = HistoricalRecords()

    person_lookups = ("person",)

    class Meta:
        verbose_name = "社团职务"
        verbose_name_plural = "社团职务"
        ordering = ["organisation__name", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organisation", "title"], name="association_position_unique"
            ),
            models.CheckConstraint(
                condition=models.Q(end_date__isnull=True)
                | models.Q(start_date__isnull=True)
                | models.Q(end_date__gte=models.F("start_date")),
                name="association_position_dates_ordered",
            ),
        ]

    def __str__(self):
        return f"{self.person} · {self.organisation} {self.title}"

    @property
    def is_current(self) -> bool:
        return self.end_date is None


class ImportSource(models.TextChoices):
    PAGE = "page", "导入页面"
    API = "api", "API"
    COMMAND = "command", "命令行"


class ImportBatch(OwnedModel):
    """An uploaded roster waiting for (or done with) its import. The file holds personal data, so it is
    deleted once the import is committed; the summary stays as a record of who imported what, when, and
    through which door (the page, the API or `manage.py import_members`: the same record for all three)."""

    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name="上传人",
        help_text="命令行导入时为空",
    )
    source = models.CharField(
        "导入方式", max_length=10, choices=ImportSource.choices, default=ImportSource.PAGE
    )
    filename = models.CharField("文件名", max_length=200)
    file = models.FileField("文件", upload_to="members/imports/", blank=True)
    term = models.ForeignKey(
        Term, null=True, blank=True, on_delete=models.PROTECT, related_name="+", verbose_name="届次"
    )
    committed_at = models.DateTimeField("导入时间", null=True, blank=True)
    summary = models.JSONField("结果", default=dict, blank=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "名册导入"
        verbose_name_plural = "名册导入"
        ordering = ["-created_at"]

    def __str__(self):
        return self.filename
