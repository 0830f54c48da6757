from core import permissions
from core.roles import Role

permissions.register("accounts.user", "view", {Role.ADMIN}, reason="只有系统管理员可以管理用户。")
permissions.register("accounts.user", "create", {Role.ADMIN}, reason="只有系统管理员可以新建用户。")
permissions.register("accounts.user", "edit", {Role.ADMIN}, reason="只有系统管理员可以修改用户。")
permissions.register(
    "accounts.securitypolicy", "edit", {Role.ADMIN}, reason="只有系统管理员可以修改安全设置。"
)
