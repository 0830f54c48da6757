from django.apps import AppConfig

from core.nav import NavItem


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = "百姓提案"
    nav_items = [NavItem("百姓提案", "ideas:list", "ideas.idea", order=35)]

    def ready(self):
        from . import permissions, retention  # noqa: F401  (registers the permission table, retention)

    def home_sections(self, request):
        """Staff: citizens' ideas waiting for screening, oldest first, each opening the idea's page."""
        from django.urls import reverse

        from core import permissions
        from core.queues import Row, queue
        from core.roles import Role

        from .models import Idea
        from .selectors import screening_queue

        user = request.user
        if user.role != Role.STAFF or not permissions.can(user, "screen", Idea):
            return []
        return queue(
            request,
            screening_queue(user=user),
            lambda x: Row(
                x.title, reverse("ideas:detail", args=[x.pk]), x.code, x.created_at, "收到于 ", action="审核"
            ),
            title="待审核的百姓提案",
            more_url=reverse("ideas:list") + "?status=submitted",
            order=14,
        )

    def home_cards(self, user):
        from django.urls import reverse

        from .models import Idea, IdeaStatus

        url = reverse("ideas:list")
        qs = Idea.objects.visible_to(user)
        if user.is_office:
            waiting = qs.filter(status=IdeaStatus.SUBMITTED).count()
            return [{"label": "待审核百姓提案", "value": waiting, "url": f"{url}?status=submitted"}]
        if user.is_person:
            open_ = qs.filter(status=IdeaStatus.OPEN).count()
            return [{"label": "可认领百姓提案", "value": open_, "url": f"{url}?status=open"}]
        return []

    def person_sections(self, request, person):
        from django.template.loader import render_to_string

        from .models import Idea

        ideas = list(
            Idea.objects.visible_to(request.user).filter(claimed_by=person).order_by("-created_at")[:20]
        )
        if not ideas:
            return []
        html = render_to_string("ideas/_person_section.html", {"ideas": ideas}, request=request)
        return [{"title": "认领的百姓提案", "html": html}]
