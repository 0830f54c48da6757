from django.apps import AppConfig

from core.nav import NavItem


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = "组织机构"
    nav_items = [NavItem("组织机构", "organisations:list", "organisations.organisation", order=90)]

    def home_cards(self, user):
        from django.urls import reverse

        from .models import Organisation

        if not user.is_office:
            return []
        return [
            {
                "label": "组织机构",
                "value": Organisation.objects.visible_to(user).filter(is_active=True).count(),
                "url": reverse("organisations:list"),
            }
        ]

    def ready(self):
        from . import permissions  # noqa: F401  (registers the permission table)
