from django.apps import AppConfig

from core.nav import NavItem


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户与权限"
    nav_items = [NavItem("用户管理", "accounts:user_list", "accounts.user", order=95)]

    def ready(self):
        from . import permissions  # noqa: F401
