from django.apps import AppConfig

from core.nav import NavItem


class ProposalsConfig(AppConfig):
    name = "proposals"
    verbose_name = "提案"
    nav_items = [NavItem("提案", "proposals:list", "proposals.proposal", order=30)]

    def home_cards(self, user):
        from .selectors import home_cards

        return home_cards(user)

    def person_sections(self, request, person):
        from .views import person_section

        return person_section(request, person)

    def ready(self):
        from . import permissions, reminders  # noqa: F401  (register the permission table and reminders)
