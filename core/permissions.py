"""The one permission helper: "may this user do X to this object?"

Each app registers, per model, which roles may take which action (view, create, edit, export,
reveal_sensitive, a workflow transition …), optionally with a check on the object (e.g. "only the
author"). `can()` reads that table *and* the visibility selector of the model, so an object the user
may not see is never actionable. Views, the API, commands and templates all ask `can()`.

Missing and invisible objects give the same 404 (`get_visible_or_404`); a visible object with a
forbidden action gives 403 with a Chinese reason (`require`).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import models
from django.http import Http404

from .errors import PermissionRefused

Check = Callable[[object, object], bool]


@dataclass(frozen=True)
class Rule:
    roles: frozenset
    check: Check | None = None
    reason: str = "您没有权限执行此操作。"


_RULES: dict[tuple[str, str], Rule] = {}


def _label(model_or_obj) -> str:
    meta = model_or_obj._meta
    return f"{meta.app_label}.{meta.model_name}"


def register(
    model: type[models.Model] | str,
    action: str,
    roles: Iterable,
    *,
    check: Check | None = None,
    reason: str = "您没有权限执行此操作。",
) -> None:
    """Declare that `roles` may take `action` on `model`; `check(user, obj)` further limits object-level calls."""
    label = model if isinstance(model, str) else _label(model)
    _RULES[(label.lower(), action)] = Rule(frozenset(roles), check, reason)


def rules() -> dict[tuple[str, str], Rule]:
    return dict(_RULES)


def can(user, action: str, obj_or_model) -> bool:
    """True when `user` may take `action` on the object (or, given a model class, on that kind of object)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    is_class = isinstance(obj_or_model, type)
    rule = _RULES.get((_label(obj_or_model), action))
    if rule is None or user.role not in rule.roles:
        return False
    if is_class:
        return True
    if not is_visible(user, obj_or_model):
        return False
    return rule.check is None or bool(rule.check(user, obj_or_model))


def require(user, action: str, obj_or_model) -> None:
    """Raise PermissionRefused (403, Chinese reason) unless `can()`; an invisible object raises Http404."""
    if not isinstance(obj_or_model, type) and not is_visible(user, obj_or_model):
        raise Http404("未找到该记录，或您无权查看。")
    if not can(user, action, obj_or_model):
        rule = _RULES.get((_label(obj_or_model), action))
        raise PermissionRefused(rule.reason if rule else "您没有权限执行此操作。")


def is_visible(user, obj) -> bool:
    """Visibility of one object, answered by the model's own queryset selector `visible_to`."""
    cache = getattr(obj, "_visible_cache", None)
    if cache is not None and cache[0] == user.pk:
        return cache[1]
    manager = type(obj)._default_manager
    qs = manager.all()
    if hasattr(qs, "visible_to"):
        visible = qs.visible_to(user).filter(pk=obj.pk).exists()
    else:  # models without a visibility rule are visible to every signed-in user
        visible = bool(user and user.is_authenticated)
    obj._visible_cache = (user.pk, visible)
    return visible


def get_visible_or_404(queryset, user, **lookup):
    """Fetch one object the user may see; missing and forbidden look the same (404)."""
    if isinstance(queryset, type):
        queryset = queryset._default_manager.all()
    try:
        obj = queryset.visible_to(user).get(**lookup)
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该记录，或您无权查看。")
    obj._visible_cache = (user.pk, True)
    return obj
