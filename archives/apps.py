from django.apps import AppConfig

from core.nav import NavItem


class ArchivesConfig(AppConfig):
    name = "archives"
    verbose_name = "履职档案"
    nav_items = [
        NavItem("履职统计", "archives:statistics", "archives.archive", action="statistics", order=70),
        NavItem("我的履职档案", "archives:me", "archives.archive", action="own", order=70),
    ]

    def ready(self):
        from . import permissions  # noqa: F401  (registers the permission table)

    def home_sections(self, request):
        from .hooks import home_sections

        return home_sections(request)

    def person_sections(self, request, person):
        from .hooks import person_sections

        return person_sections(request, person)

    def person_erase(self, person):
        from .closing import person_erase

        person_erase(person)
