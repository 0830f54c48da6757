from django.apps import AppConfig

from core.nav import NavItem


class IdeasConfig(AppConfig):
    name = "ideas"
    verbose_name = "百姓提案"
    nav_items = [NavItem("百姓提案", "ideas:list", "ideas.idea", order=35)]

    def ready(self):
        from . import permissions, retention  # noqa: F401  (registers the permission table, retention)

    def home_sections(self, request):
        """Staff: citizens' ideas waiting for screening, oldest first. A department's users: the ideas forwarded
        to them and not answered yet (their inbox), oldest first. Each row opens the idea's page."""
        from django.urls import reverse

        from core import permissions
        from core.queues import Row, queue
        from core.roles import EXTERNAL, Role

        from .models import Idea
        from .selectors import forwarded_inbox, screening_queue

        user = request.user
        if user.role == Role.STAFF and permissions.can(user, "screen", Idea):
            qs, title, url, order = screening_queue(user=user), "待审核的百姓提案", "?status=submitted", 14
        elif user.role in EXTERNAL and permissions.can(user, "view", Idea):
            qs, title, url, order = forwarded_inbox(user=user, answered=False), "转交本单位的百姓提案", "", 11
        else:
            return []
        return queue(
            request,
            qs,
            lambda x: Row(
                x.title, reverse("ideas:detail", args=[x.pk]), x.code, x.created_at, "收到于 ", action="处理"
            ),
            title=title,
            more_url=reverse("ideas:list") + url,
            order=order,
        )

    def proposal_event(self, proposal, event):
        """The proposals app's milestones (立案, reply, outcome) reach the citizens whose ideas grew into them."""
        from .services import proposal_event

        proposal_event(proposal, event)

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
