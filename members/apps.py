from django.apps import AppConfig

from core.nav import NavItem


class MembersConfig(AppConfig):
    name = "members"
    verbose_name = "委员库"
    nav_items = [
        NavItem("委员库", "members:list", "members.person", action="list", order=20),
        NavItem("我的档案", "members:me", "members.person", action="view_own", order=15),
    ]

    def home_cards(self, user):
        from django.urls import reverse

        from core import permissions

        from .models import Person

        if not permissions.can(user, "list", Person):
            return []
        count = Person.objects.visible_to(user).filter(anonymised_at__isnull=True).count()
        return [{"label": "委员和顾问", "value": count, "url": reverse("members:list")}]

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from . import permissions, reminders, retention  # noqa: F401
        from .models import Term
        from .selectors import forget_current_term

        # The cached current term (members.selectors.current_term) is dropped whenever a term changes.
        post_save.connect(forget_current_term, sender=Term, dispatch_uid="members.forget_current_term")
        post_delete.connect(forget_current_term, sender=Term, dispatch_uid="members.forget_current_term_del")
