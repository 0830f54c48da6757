from django.apps import AppConfig

from .nav import NavItem


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "公共"
    nav_items = [NavItem("敏感信息访问记录", "core:access_log", "core.sensitiveaccesslog", order=97)]

    def ready(self):
        from . import checks, permissions_table, retention  # noqa: F401
