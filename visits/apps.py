from django.apps import AppConfig

from core.nav import NavItem


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = "走访谈心"
    nav_items = [
        NavItem("走访谈心", "visits:list", "visits.visit", order=60),
        NavItem("诉求", "visits:request_list", "visits.request", order=61),
    ]

    def ready(self):
        from . import permissions, reminders  # noqa: F401

    def home_sections(self, request):
        from .hooks import home_sections

        return home_sections(request)

    def home_cards(self, user):
        from .hooks import home_cards

        return home_cards(user)

    def person_sections(self, request, person):
        from .hooks import person_sections

        return person_sections(request, person)

    def organisation_sections(self, request, org):
        from .hooks import organisation_sections

        return organisation_sections(request, org)

    def person_erase(self, person):
        from .hooks import person_erase

        person_erase(person)
