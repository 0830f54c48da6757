"""Writes to user accounts."""

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.db import transaction

from core import permissions
from core.errors import DomainError
from core.roles import Role

from .models import NotificationMode, Script, User


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
