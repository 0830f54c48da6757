from core import permissions
from core.roles import EVERYONE, Role

permissions.register("organisations.organisation", "view", EVERYONE)
permissions.register(
    "organisations.organisation", "create", {Role.ADMIN}, reason="只有系统管理员可以新建机构。"
)
permissions.register(
    "organisations.organisation", "edit", {Role.ADMIN}, reason="只有系统管理员可以修改机构。"
)
permissions.register("organisations.organisation", "export", {Role.ADMIN, Role.STAFF, Role.LEADER})
