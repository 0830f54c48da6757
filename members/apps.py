from django.apps import AppConfig


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "委员库"

    def home_cards(self, user):
        from django.urls import NoReverseMatch, reverse

        from core import permissions

        from .models import Person

        if not permissions.can(user, "view", Person) or not user.is_office:
            return []
        try:
            url = reverse("members:list")
        except NoReverseMatch:
            url = "#"
        return [{"label": "委员和顾问", "value": Person.objects.visible_to(user).count(), "url": url}]

    def ready(self):
        from . import permissions  # noqa: F401
