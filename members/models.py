"""Persons (members and advisors), terms and plenary sessions."""

from django.conf import settings
from django.db import models
from simple_history.models import HistoricalRecords

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
    history = HistoricalRecords()

    person_lookups = ("id",)

    class Meta:
        verbose_name = "委员/顾问"
        verbose_name_plural = "委员/顾问"
        ordering = ["name", "id"]

    def __str__(self):
        return self.name


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
