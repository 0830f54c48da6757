"""The fixed roles of the platform. Few and fixed on purpose: what each may do lives in the permission table."""

from django.db import models


class Role(models.TextChoices):
    ADMIN = "admin", "系统管理员"
    STAFF = "staff", "工作人员"
    LEADER = "leader", "领导"
    MEMBER = "member", "委员"
    ADVISOR = "advisor", "顾问"
    UNIT = "unit", "承办单位"
    PARTNER = "partner", "联动单位"


# Convenient groups for permission tables.
OFFICE = frozenset({Role.ADMIN, Role.STAFF, Role.LEADER})
STAFF_ONLY = frozenset({Role.ADMIN, Role.STAFF})
PERSONS = frozenset({Role.MEMBER, Role.ADVISOR})
EXTERNAL = frozenset({Role.UNIT, Role.PARTNER})
EVERYONE = frozenset(Role)
