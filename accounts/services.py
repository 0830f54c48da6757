"""Writes to user accounts."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from core import permissions
from core.errors import DomainError
from core.roles import Role

from .models import NotificationMode, Script, SecurityPolicy, User


def _check_fields(*, username: str, role: str, organisation) -> None:
    if not username or not username.strip():
        raise DomainError("请填写用户名。", field="username")
    if role not in Role.values:
        raise DomainError("角色不正确。", field="role")
    if role in (Role.STAFF, Role.LEADER, Role.UNIT, Role.PARTNER) and organisation is None:
        raise DomainError("工作人员、领导、承办单位和联动单位用户必须指定所属机构。", field="organisation")


def _set_password(user: User, password: str) -> None:
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError("；".join(exc.messages), field="password")
    user.set_password(password)


@transaction.atomic
def user_create(
    *,
    actor,
    username: str,
    password: str,
    role: str,
    organisation=None,
    full_name: str = "",
    email: str = "",
    phone: str = "",
    check: bool = True,
    validate: bool = True,
) -> User:
    """Create a login. Checks `can(actor, "create", User)` unless `check=False` (demo data, commands)."""
    if check:
        permissions.require(actor, "create", User)
    _check_fields(username=username, role=role, organisation=organisation)
    if User.objects.filter(username__iexact=username.strip()).exists():
        raise DomainError(f"用户名“{username}”已被使用。", field="username")
    user = User(
        username=username.strip(),
        role=role,
        organisation=organisation,
        full_name=full_name,
        email=email,
        phone=phone,
    )
    if validate:
        _set_password(user, password)
    else:
        user.set_password(password)
    user.save()
    return user


@transaction.atomic
def user_update(*, actor, user: User, password: str = "", **changes) -> User:
    permissions.require(actor, "edit", user)
    allowed = {"role", "organisation", "full_name", "email", "phone", "is_active"}
    unknown = set(changes) - allowed
    if unknown:
        raise DomainError(f"不能修改字段：{'、'.join(sorted(unknown))}。")
    for key, value in changes.items():
        setattr(user, key, value)
    _check_fields(username=user.username, role=user.role, organisation=user.organisation)
    if user.pk == actor.pk and not user.is_active:
        raise DomainError("不能停用自己的账号。", field="is_active")
    if password:
        _set_password(user, password)
    user.save()
    return user


def user_set_preferences(
    *, user: User, script: str | None = None, notification_mode: str | None = None
) -> User:
    """A user's own choices: 简体/繁體 and how notifications reach them."""
    if script is not None:
        if script not in Script.values:
            raise DomainError("文字选项不正确。", field="script")
        user.script = script
    if notification_mode is not None:
        if notification_mode not in NotificationMode.values:
            raise DomainError("通知方式不正确。", field="notification_mode")
        user.notification_mode = notification_mode
    user.save(update_fields=["script", "notification_mode"])
    return user


# --- Two-factor sign-in (TOTP, django-otp) -------------------------------------------------------------------
# A user with a confirmed authenticator must give a code after the password; staff and admins must enrol when
# the security policy says so. Recovery codes (django-otp static tokens) work once each. The login sets the
# session flag `TWO_FACTOR_SESSION_KEY` ("verify" or "enrol"); `accounts.middleware.TwoFactorMiddleware` holds
# every other page until it is cleared here, so ordinary requests cost no extra query.

TWO_FACTOR_SESSION_KEY = "two_factor_pending"
TWO_FACTOR_ROLES = frozenset({Role.ADMIN, Role.STAFF})
RECOVERY_CODES = 10


def security_policy() -> SecurityPolicy:
    return SecurityPolicy.objects.get_or_create(pk=1)[0]


@transaction.atomic
def security_policy_update(*, actor, two_factor_required: bool) -> SecurityPolicy:
    """Admins decide whether staff and admins must use two-factor sign-in (from their next login)."""
    permissions.require(actor, "edit", SecurityPolicy)
    policy = SecurityPolicy.objects.select_for_update().get_or_create(pk=1)[0]
    policy.two_factor_required = bool(two_factor_required)
    policy.save()
    return policy


def two_factor_enabled(user: User) -> bool:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def two_factor_required_for(user: User) -> bool:
    return user.role in TWO_FACTOR_ROLES and security_policy().two_factor_required


def two_factor_pending_after_login(user: User) -> str:
    """What the fresh session still needs: "verify" (has an authenticator), "enrol" (must get one) or ""."""
    if two_factor_enabled(user):
        return "verify"
    if two_factor_required_for(user):
        return "enrol"
    return ""


@transaction.atomic
def two_factor_begin(*, user: User):
    """A new, unconfirmed authenticator for `user` (replacing an unfinished one); confirmed by a first code."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if two_factor_enabled(user):
        raise DomainError("两步验证已启用；如需更换手机，请先停用再重新设置。")
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name="身份验证器", confirmed=False)


def _new_recovery_codes(user: User) -> list[str]:
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="恢复码", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


def _check_totp(user: User, token: str, *, confirmed: bool = True):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    token = "".join((token or "").split())
    device = TOTPDevice.objects.filter(user=user, confirmed=confirmed).first()
    if device is None:
        raise DomainError("尚未设置身份验证器。", field="token")
    if not token.isdigit() or not device.verify_token(token):
        raise DomainError("验证码不正确或已过期，请输入身份验证器上当前显示的 6 位数字。", field="token")
    return device


@transaction.atomic
def two_factor_confirm(*, user: User, token: str) -> list[str]:
    """Confirm the authenticator with its first code; returns the new recovery codes (shown to the user once)."""
    device = _check_totp(user, token, confirmed=False)
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return _new_recovery_codes(user)


def two_factor_verify(*, user: User, token: str) -> tuple[bool, int | None]:
    """Check a sign-in code: an authenticator code or a recovery code (used up). Returns (ok, recovery codes
    left when a recovery code was used, else None). Throttled by django-otp after repeated failures."""
    from django_otp import match_token
    from django_otp.plugins.otp_static.models import StaticDevice

    token = "".join((token or "").split())
    if not token:
        return False, None
    device = match_token(user, token)
    if device is None:
        return False, None
    if isinstance(device, StaticDevice):
        return True, device.token_set.count()
    return True, None


@transaction.atomic
def recovery_codes_regenerate(*, user: User, token: str) -> list[str]:
    _check_totp(user, token)
    return _new_recovery_codes(user)


@transaction.atomic
def two_factor_disable(*, user: User, token: str) -> None:
    """Turn two-factor sign-in off, with a current code; refused when the policy requires it for the role."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    if two_factor_required_for(user):
        raise DomainError("系统要求工作人员和系统管理员使用两步验证，不能停用。")
    _check_totp(user, token)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


@transaction.atomic
def two_factor_reset(*, actor, user: User) -> None:
    """An admin removes a user's authenticator and recovery codes (a lost phone); the next login asks again."""
    from django_otp.plugins.otp_static.models import StaticDevice
    from django_otp.plugins.otp_totp.models import TOTPDevice

    permissions.require(actor, "edit", user)
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()


def two_factor_on_login(sender, request, user, **kwargs) -> None:
    """`user_logged_in` receiver: note in the new session what the second factor still needs."""
    if request is None or not hasattr(request, "session"):
        return
    pending = two_factor_pending_after_login(user)
    if pending:
        request.session[TWO_FACTOR_SESSION_KEY] = pending
    else:
        request.session.pop(TWO_FACTOR_SESSION_KEY, None)


def user_anonymise(*, user: User) -> None:
    """Erase a login together with the person it belonged to (called by `members.services.person_delete`, which
    checked the permission): no name, no e-mail, no password, no tokens or second factors; the
    row stays (inactive, "已删除用户N") so logs and workflow steps keep their actor."""
    from django_otp import devices_for_user

    for device in devices_for_user(user, confirmed=None):
        device.delete()
    user.api_tokens.all().delete()
    user.username = f"erased-{user.pk}"
    user.first_name = user.last_name = ""
    user.full_name = f"已删除用户{user.pk}"
    user.email = ""
    user.is_active = False
    user.set_unusable_password()
    user.save()
