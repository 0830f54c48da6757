"""Permission rows of core's own models."""

from . import permissions
from .roles import Role

permissions.register(
    "core.sensitiveaccesslog", "view", {Role.ADMIN}, reason="只有系统管理员可以查看敏感信息访问记录。"
)
permissions.register(
    "core.sensitiveaccesslog", "export", {Role.ADMIN}, reason="只有系统管理员可以导出敏感信息访问记录。"
)
