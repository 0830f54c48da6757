from django.apps import AppConfig

from core.nav import NavItem


class ConsultationsConfig(AppConfig):
    name = "consultations"
    verbose_name = "协商议政"
    nav_items = [
        NavItem("协商议政", "consultations:meeting_list", "consultations.meeting", order=45),
        NavItem("课题研究", "consultations:research_list", "consultations.researchtopic", order=46),
    ]

    def ready(self):
        from . import permissions  # noqa: F401  (registers the permission table)
