from django.apps import AppConfig

from core.nav import NavItem


class OpinionsConfig(AppConfig):
    name = "opinions"
    verbose_name = "社情民意"
    nav_items = [NavItem("社情民意", "opinions:list", "opinions.opinionreport", order=40)]

    def ready(self):
        from . import permissions  # noqa: F401  (registers the permission table)

    def home_sections(self, request):
        """Staff: reports waiting to be accepted, the longest-waiting first, each opening the report."""
        from django.urls import reverse

        from core import permissions
        from core.queues import Row, queue
        from core.roles import Role

        from .models import OpinionReport
        from .selectors import acceptance_queue

        user = request.user
        if user.role != Role.STAFF or not permissions.can(user, "process", OpinionReport):
            return []
        return queue(
            request,
            acceptance_queue(user=user),
            lambda x: Row(
                x.title,
                reverse("opinions:detail", args=[x.pk]),
                x.author.name if x.author_id else "",
                x.submitted_at,
                "报送于 ",
                action="受理",
            ),
            title="待受理的社情民意",
            more_url=reverse("opinions:list") + "?status=submitted",
            order=15,
        )

    def home_cards(self, user):
        """Staff: reports waiting to be accepted; members and advisors: their own reports. One COUNT."""
        from django.urls import reverse

        from .models import OpinionReport, ReportStatus

        qs = OpinionReport.objects.visible_to(user)
        url = reverse("opinions:list")
        if user.is_office:
            waiting = qs.filter(status=ReportStatus.SUBMITTED).count()
            return [{"label": "待受理社情民意", "value": waiting, "url": f"{url}?status=submitted"}]
        if user.is_person:
            return [{"label": "我的社情民意", "value": qs.count(), "url": url}]
        return []

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
