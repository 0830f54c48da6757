from django.apps import AppConfig

from core.nav import NavItem


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = "用户与权限"
    nav_items = [NavItem("用户管理", "accounts:user_list", "accounts.user", order=95)]

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from . import permissions  # noqa: F401
        from .services import two_factor_on_login

        user_logged_in.connect(two_factor_on_login, dispatch_uid="accounts.two_factor_on_login")
