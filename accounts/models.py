import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from core.roles import Role


class Script(models.TextChoices):
    HANS = "hans", "简体"
    HANT = "hant", "繁體"


class NotificationMode(models.TextChoices):
    IMMEDIATE = "immediate", "即时邮件"
    DIGEST = "digest", "每日汇总"
    NONE = "none", "仅站内"


class UserQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Admins see every account; staff and leaders see accounts of their organisation's subtree."""
        if user is None or not user.is_authenticated or not user.is_active:
            return self.none()
        if user.role == Role.ADMIN:
            return self
        if user.role in (Role.STAFF, Role.LEADER) and user.organisation_id:
            return self.filter(Q(organisation__path__startswith=user.organisation.path) | Q(pk=user.pk))
        return self.filter(pk=user.pk)


class TongxinUserManager(UserManager.from_queryset(UserQuerySet)):
    pass


class User(AbstractUser):
    """A login. Role and organisation decide what it may do; a member/advisor login links to a person."""

    full_name = models.CharField("姓名", max_length=100, blank=True)
    role = models.CharField("角色", max_length=20, choices=Role.choices, default=Role.MEMBER)
    organisation = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="users",
        verbose_name="所属机构",
    )
    phone = models.CharField("手机", max_length=30, blank=True)
    script = models.CharField("文字", max_length=4, choices=Script.choices, default=Script.HANS)
    notification_mode = models.CharField(
        "通知方式", max_length=12, choices=NotificationMode.choices, default=NotificationMode.IMMEDIATE
    )

    objects = TongxinUserManager()

    class Meta:
        verbose_name = "用户"
        verbose_name_plural = "用户"
        ordering = ["username"]

    def __str__(self):
        return self.display_name

    @property
    def display_name(self) -> str:
        return self.full_name or self.username

    @property
    def is_office(self) -> bool:
        return self.role in (Role.ADMIN, Role.STAFF, Role.LEADER)

    @property
    def is_person(self) -> bool:
        return self.role in (Role.MEMBER, Role.ADVISOR)


class ApiToken(models.Model):
    """A bearer token for the API. Only a SHA-256 hash is stored; the token is shown once."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="用户")
    name = models.CharField("名称", max_length=60, default="默认")
    prefix = models.CharField("前缀", max_length=8, db_index=True)
    key_hash = models.CharField("摘要", max_length=64, unique=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    last_used_at = models.DateTimeField("最近使用", null=True, blank=True)

    class Meta:
        verbose_name = "API 令牌"
        verbose_name_plural = "API 令牌"

    def __str__(self):
        return f"{self.user} · {self.prefix}…"

    @staticmethod
    def hash(key: str) -> str:
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, user, name: str = "默认") -> tuple["ApiToken", str]:
        key = "tx_" + secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=key[:8], key_hash=cls.hash(key))
        return token, key


class SecurityPolicy(models.Model):
    """Site-wide sign-in rules set by admins (one row)."""

    two_factor_required = models.BooleanField(
        "工作人员和系统管理员必须使用两步验证",
        default=False,
        help_text="开启后，工作人员和系统管理员下次登录时须先设置身份验证器（手机应用中的 6 位动态验证码）。",
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)
    history = HistoricalRecords()

    class Meta:
        verbose_name = "安全设置"
        verbose_name_plural = "安全设置"

    def __str__(self):
        return "安全设置"
