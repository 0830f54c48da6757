from django.apps import AppConfig

from core.nav import NavItem


class ActivitiesConfig(AppConfig):
    name = "activities"
    verbose_name = "活动"
    nav_items = [
        NavItem("活动", "activities:list", "activities.activity", order=20),
        NavItem("日历", "activities:calendar", "activities.activity", order=21),
        NavItem("知情明政", "activities:briefings", "activities.briefing", order=22),
    ]

    def home_cards(self, user):
        from django.db.models import Count, Q
        from django.urls import reverse
        from django.utils import timezone

        from core import permissions
        from core.roles import Role

        from .models import Activity, BriefingRecipient, Invitation
        from .models import InvitationStatus as S

        if not permissions.can(user, "view", Activity):
            return []
        now = timezone.now()
        if user.is_person:
            mine = Invitation.objects.visible_to(user).filter(
                activity__ends_at__gte=now, activity__is_cancelled=False
            )
            counts = mine.aggregate(
                upcoming=Count("id", filter=~Q(status__in=(S.DECLINED, S.LEAVE_APPROVED))),
                to_answer=Count("id", filter=Q(status=S.INVITED)),
            )
            unread = BriefingRecipient.objects.filter(person__user=user, read_at__isnull=True).count()
            return [
                {"label": "我的待参加活动", "value": counts["upcoming"], "url": reverse("activities:my")},
                {"label": "待回复的邀请", "value": counts["to_answer"], "url": reverse("activities:my")},
                {"label": "未读知情明政材料", "value": unread, "url": reverse("activities:briefings")},
            ]
        # Two small counts, each read off an index (one aggregate joining every activity with every invitation
        # cost 200 ms at city scale); the leave card counts exactly what the leave queue lists.
        from .selectors import leave_queue

        upcoming = Activity.objects.visible_to(user).filter(ends_at__gte=now, is_cancelled=False).count()
        url = reverse("activities:list") + "?when=upcoming"
        cards = [{"label": "即将开展的活动", "value": upcoming, "url": url}]
        if user.is_office and user.role != Role.STAFF:  # staff have the leave queue itself, with its count
            cards.append(
                {
                    "label": "待审批的请假",
                    "value": leave_queue(user=user).order_by().count(),
                    "url": reverse("activities:leave_requests"),
                }
            )
        return cards

    def home_sections(self, request):
        """Work queues: staff the leave requests of all their activities (bulk 准假/不准假 on the home page); a
        member or advisor the invitations to answer and the briefings not read yet."""
        from django.urls import reverse

        from core import permissions
        from core.queues import Row, queue
        from core.roles import Role

        from . import selectors
        from .models import Activity, Invitation

        user = request.user
        if not permissions.can(user, "view", Activity):
            return []
        if user.role == Role.STAFF and permissions.can(user, "manage", Invitation):
            return queue(
                request,
                selectors.leave_queue(user=user),
                title="待审批的请假",
                order=12,
                template="activities/_leave_queue.html",
            )
        if not user.is_person:
            return []
        return queue(
            request,
            selectors.answer_queue(user=user),
            lambda inv: Row(
                inv.activity.title,
                reverse("activities:detail", args=[inv.activity_id]),
                inv.activity.place,
                inv.activity.starts_at,
                "活动时间 ",
                action="回复",
            ),
            title="待回复的活动邀请",
            more_url=reverse("activities:my"),
            order=10,
        ) + queue(
            request,
            selectors.unread_briefings(user=user),
            lambda r: Row(
                r.briefing.title,
                reverse("activities:briefing", args=[r.briefing_id]),
                "",
                r.briefing.published_at,
                "发布于 ",
                action="阅读",
            ),
            title="未读的知情明政材料",
            more_url=reverse("activities:briefings"),
            order=20,
        )

    def person_sections(self, request, person):
        """Attendance figures on a person's profile page (members:detail)."""
        from django.template.loader import render_to_string

        from core import permissions

        from .models import Activity
        from .selectors import person_figures, person_recent

        if not permissions.can(request.user, "view", Activity):
            return []
        figures = person_figures(user=request.user, person=person)
        recent = list(person_recent(user=request.user, person=person))
        html = render_to_string(
            "activities/_person_section.html",
            {"figures": figures, "recent": recent, "person": person},
            request,
        )
        return [{"title": "活动出勤", "html": html}]

    def ready(self):
        from . import (
            permissions,  # noqa: F401  (registers the permission table)
            reminders,  # noqa: F401  (registers reminder rules)
        )
