"""Reminders: planned visits coming up (to the visitors), planned visits not yet recorded, overdue requests."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from notifications.reminders import Reminder, register

from .models import OPEN_STATUSES, Request, Visit, VisitStatus

DAYS_BEFORE = 3


def _planned(visits, period: str, title: str):
    for v in visits.prefetch_related("visitors", "persons"):
        names = "、".join(p.name for p in v.persons.all())
        yield Reminder(
            obj=v,
            recipients=list(v.visitors.all()),
            period=f"{period}-{v.date.isoformat()}",
            title=title.format(date=f"{v.date:%m月%d日}", mode=v.get_mode_display(), names=names),
            url=reverse("visits:detail", args=[v.pk]),
        )


@register("visits.planned_visit_soon")
def planned_visit_soon(now):
    """A planned visit in the next three days: remind each visitor once."""
    today = timezone.localdate(now)
    visits = Visit.objects.filter(
        status=VisitStatus.PLANNED, date__gte=today, date__lte=today + dt.timedelta(days=DAYS_BEFORE)
    )
    return _planned(visits, "soon", "{date}计划{mode}：{names}")


@register("visits.planned_visit_unrecorded")
def planned_visit_unrecorded(now):
    """A planned visit whose date has passed but that is neither recorded nor cancelled."""
    visits = Visit.objects.filter(status=VisitStatus.PLANNED, date__lt=timezone.localdate(now))
    return _planned(visits, "unrecorded", "请记录{date}对{names}的走访（或取消）")


@register("visits.request_overdue")
def request_overdue(now):
    """An open request past its deadline: remind its owner once a week."""
    today = timezone.localdate(now)
    week = today.isocalendar()
    qs = Request.objects.filter(
        status__in=OPEN_STATUSES, deadline__lt=today, owner__isnull=False
    ).select_related("owner")
    for r in qs:
        yield Reminder(
            obj=r,
            recipients=[r.owner],
            period=f"overdue-{week.year}-W{week.week}",
            title=f"诉求“{r.title}”已超过办理期限（{r.deadline:%Y-%m-%d}）",
            url=reverse("visits:request_detail", args=[r.pk]),
        )
