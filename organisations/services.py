"""Writes to organisations and shares. Keeps `path`, `depth` and `search_text` true."""

import re

from django.contrib.contenttypes.models import ContentType
from django.db import transaction

from core import permissions
from core.errors import DomainError
from core.text import search_form

from .models import Organisation, OrgKind, OrgLevel, Share, ShareCapacity

_ALIAS_SPLIT = re.compile(r"[、,，;；\s]+")

_FIELDS = ("kind", "level", "parent", "name", "short_name", "aliases", "is_handling_unit", "is_active")


def _search_text(org: Organisation) -> str:
    aliases = [a for a in _ALIAS_SPLIT.split(org.aliases or "") if a]
    return search_form(org.name, org.short_name, *aliases)


def _validate(org: Organisation) -> None:
    if not (org.name or "").strip():
        raise DomainError("请填写机构全称。", field="name")
    if org.kind not in OrgKind.values:
        raise DomainError("机构类别不正确。", field="kind")
    if org.level not in OrgLevel.values:
        raise DomainError("机构层级不正确。", field="level")
    clash = Organisation.objects.filter(name=org.name.strip()).exclude(pk=org.pk).exists()
    if clash:
        raise DomainError(f"已有名为“{org.name}”的机构。", field="name")
    if org.pk and org.parent_id:
        parent = Organisation.objects.get(pk=org.parent_id)
        if parent.path.startswith(org.path):
            raise DomainError("上级机构不能是本机构或其下级机构。", field="parent")


@transaction.atomic
def organisation_create(
    *,
    actor,
    name: str,
    kind: str,
    level: str = OrgLevel.NONE,
    parent: Organisation | None = None,
    short_name: str = "",
    aliases: str = "",
    is_handling_unit: bool = False,
    is_active: bool = True,
    check: bool = True,
) -> Organisation:
    """Create a body under `parent`. Checks `can(actor, "create")` unless `check=False` (demo, migrations)."""
    if check:
        permissions.require(actor, "create", Organisation)
    org = Organisation(
        name=(name or "").strip(),
        kind=kind,
        level=level,
        parent=parent,
        short_name=(short_name or "").strip(),
        aliases=(aliases or "").strip(),
        is_handling_unit=is_handling_unit,
        is_active=is_active,
    )
    _validate(org)
    org.search_text = _search_text(org)
    org.save()
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.depth = parent.depth + 1 if parent else 0
    org.save(update_fields=["path", "depth"])
    return org


@transaction.atomic
def organisation_update(*, actor, org: Organisation, **changes) -> Organisation:
    """Change a body's fields; moving it re-paths its whole subtree."""
    permissions.require(actor, "edit", org)
    org = Organisation.objects.select_for_update().get(pk=org.pk)
    unknown = set(changes) - set(_FIELDS)
    if unknown:
        raise DomainError(f"不能修改字段：{'、'.join(sorted(unknown))}。")
    old_path = org.path
    for key, value in changes.items():
        setattr(org, key, value.strip() if isinstance(value, str) else value)
    _validate(org)
    org.search_text = _search_text(org)
    parent = org.parent
    org.path = f"{parent.path if parent else '/'}{org.pk}/"
    org.depth = parent.depth + 1 if parent else 0
    org.save()
    if org.path != old_path:
        for child in Organisation.objects.filter(path__startswith=old_path).exclude(pk=org.pk):
            child.path = org.path + child.path[len(old_path) :]
            child.depth = child.path.count("/") - 2
            child.save(update_fields=["path", "depth"])
    return org


def share_with(obj, organisation: Organisation, capacity: str) -> Share:
    """Share a record with another body in a capacity (idempotent)."""
    if capacity not in ShareCapacity.values:
        raise DomainError("共享身份不正确。")
    share, _ = Share.objects.get_or_create(
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        organisation=organisation,
        capacity=capacity,
    )
    return share


def unshare(obj, organisation: Organisation, capacity: str | None = None) -> int:
    qs = Share.objects.filter(
        content_type=ContentType.objects.get_for_model(type(obj)), object_id=obj.pk, organisation=organisation
    )
    if capacity:
        qs = qs.filter(capacity=capacity)
    return qs.delete()[0]
