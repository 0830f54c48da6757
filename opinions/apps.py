from django.apps import AppConfig

from core.nav import NavItem


class OpinionsConfig(AppConfig):
    name = "opinions"
    verbose_name = "社情民意"
    nav_items = [NavItem("社情民意", "opinions:list", "opinions.opinionreport", order=40)]

    def ready(self):
        from . import permissions  # noqa: F401  (registers the permission table)

    def home_cards(self, user):
        """Members and advisors: their own reports. Staff get no card: the staff home page's shared query budget
        (core/tests/test_pages.py) is spent; "待受理" is one click away in the register (?status=submitted)."""
        from django.urls import reverse

        from .models import OpinionReport

        if not user.is_person:
            return []
        return [
            {
                "label": "我的社情民意",
                "value": OpinionReport.objects.visible_to(user).count(),
                "url": reverse("opinions:list"),
            }
        ]

    def person_sections(self, request, person):
        from django.template.loader import render_to_string

        from .models import OpinionReport

        if not request.user.is_office and getattr(request.user, "person", None) != person:
            return []
        reports = list(
            OpinionReport.objects.visible_to(request.user).filter(author=person).order_by("-created_at")[:20]
        )
        if not reports:
            return []
        html = render_to_string("opinions/_person_section.html", {"reports": reports}, request=request)
        return [{"title": "社情民意信息", "html": html}]
