"""Reminder rules run by `manage.py send_reminders` (idempotent through the sent-reminder table)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from notifications.reminders import Reminder, register

from .models import Activity, Invitation
from .models import InvitationStatus as S

DEADLINE_NEAR = dt.timedelta(days=2)


@register("activities.deadline_near")
def deadline_near(now):
    """Sign-up deadline within two days: remind those who have not answered yet."""
    activities = Activity.objects.filter(
        is_cancelled=False, signup_deadline__gt=now, signup_deadline__lte=now + DEADLINE_NEAR
    )
    for activity in activities:
        waiting = [
            inv.person
            for inv in Invitation.objects.filter(activity=activity, status=S.INVITED).select_related(
                "person__user"
            )
        ]
        if waiting:
            deadline = timezone.localtime(activity.signup_deadline)
            yield Reminder(
                obj=activity,
                recipients=waiting,
                period="deadline",
                title=f"请回复活动邀请：{activity.title}",
                body=f"报名将于{deadline:%m月%d日 %H:%M}截止，请确认参加、不参加或请假。",
                url=reverse("activities:my"),
            )


@register("activities.tomorrow")
def tomorrow(now):
    """The activity starts tomorrow: remind everyone who confirmed (or was not excused)."""
    day = timezone.localdate(now) + dt.timedelta(days=1)
    for activity in Activity.objects.filter(is_cancelled=False, starts_at__date=day):
        going = [
            inv.person
            for inv in Invitation.objects.filter(
                activity=activity, status__in=(S.CONFIRMED, S.INVITED)
            ).select_related("person__user")
        ]
        if going:
            start = timezone.localtime(activity.starts_at)
            yield Reminder(
                obj=activity,
                recipients=going,
                period=day.isoformat(),
                title=f"明天的活动：{activity.title}",
                body=f"{start:%m月%d日 %H:%M}，{activity.place or '地点见活动详情'}。",
                url=reverse("activities:my"),
            )
