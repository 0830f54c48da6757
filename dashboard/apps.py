from django.apps import AppConfig

from core.nav import NavItem


class DashboardConfig(AppConfig):
    """The leaders' overview (领导总览) and the yearly work summary draft (工作总结). No records of its own:
    every figure is read from the other apps' selectors."""

    name = "dashboard"
    verbose_name = "领导总览"
    nav_items = [
        NavItem("领导总览", "dashboard:overview", "dashboard.overview", order=5),
    ]

    def ready(self):
        from . import permissions  # noqa: F401  (registers the permission table)

    def home_sections(self, request):
        """A leader's home opens on the overview's key figures (order 0, above the staff queues)."""
        from .views import home_section

        return home_section(request)
