"""Reads of the activities app. Every one starts from `visible_to(user)`; list shapes are fixed so the
number of queries does not grow with rows or invitees."""

import datetime as dt

from django.db.models import Count, IntegerField, Max, OuterRef, Prefetch, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from core.text import normalise
from members.models import Person

from .models import HOLDS_PLACE, Activity, Briefing, BriefingRecipient, Invitation, TripStop
from .models import InvitationStatus as S


def _count(statuses=None):
    """Invitations of the outer activity (optionally in some statuses): a correlated COUNT over the
    (activity, status) index, so the paginator's COUNT(*) never joins the invitations."""
    qs = Invitation.objects.filter(activity=OuterRef("pk"))
    if statuses is not None:
        qs = qs.filter(status__in=statuses)
    counted = qs.order_by().values("activity").annotate(n=Count("id")).values("n")
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def _counts():
    """Attendance figures as annotations (one query for a whole page, whatever the number of invitees)."""
    return {
        "n_invited": _count(),
        "n_confirmed": _count(HOLDS_PLACE),
        "n_checked_in": _count([S.CHECKED_IN]),
        "n_leave": _count([S.LEAVE_REQUESTED, S.LEAVE_APPROVED]),
        "n_absent": _count([S.ABSENT]),
        "n_waitlisted": _count([S.WAITLISTED]),
    }


SORTS = {
    "starts_at": "starts_at",
    "-starts_at": "-starts_at",
    "title": "title",
    "kind": "kind__order",
}


def activity_list(
    *,
    user,
    q: str = "",
    kind: int | str | None = None,
    year: int | str | None = None,
    when: str = "",
    sort: str = "-starts_at",
    counts: bool = True,
    cancelled: str = "",
):
    """Visible activities with kind, organiser and attendance counts; `when` = upcoming / past; `cancelled`
    "0" leaves out cancelled activities, "1" lists only them."""
    qs = Activity.objects.visible_to(user).select_related("kind", "owner_org")
    if cancelled in ("0", "1"):
        qs = qs.filter(is_cancelled=cancelled == "1")
    if q:
        qs = qs.filter(search_text__contains=normalise(q))
    if kind:
        qs = qs.filter(kind_id=kind)
    if year:
        try:
            qs = qs.filter(starts_at__year=int(year))
        except (TypeError, ValueError):
            pass
    now = timezone.now()
    if when == "upcoming":
        qs = qs.filter(ends_at__gte=now)
    elif when == "past":
        qs = qs.filter(ends_at__lt=now)
    if counts:
        # Counted in a subquery on the visible ids so the person-visibility join cannot double-count.
        qs = (
            Activity.objects.filter(pk__in=qs.values("pk"))
            .select_related("kind", "owner_org")
            .annotate(**_counts())
        )
    return qs.order_by(SORTS.get(sort, "-starts_at"), "-id")


def activity_detail(*, user, pk: int) -> Activity:
    from core.permissions import get_visible_or_404

    qs = Activity.objects.select_related("kind", "owner_org").prefetch_related(
        Prefetch("stops", queryset=TripStop.objects.order_by("order", "start_date", "id"))
    )
    activity = get_visible_or_404(qs, user, pk=pk)
    for key, value in attendance_figures(activity.pk).items():
        setattr(activity, key, value)
    return activity


def attendance_figures(activity_id: int) -> dict[str, int]:
    """One activity's attendance figures (the names `_counts` annotates on a list) from one grouped query over
    the (activity, status) index."""
    by_status = dict(
        Invitation.objects.filter(activity_id=activity_id)
        .order_by()
        .values_list("status")
        .annotate(n=Count("id"))
    )

    def total(statuses) -> int:
        return sum(by_status.get(status, 0) for status in statuses)

    return {
        "n_invited": sum(by_status.values()),
        "n_confirmed": total(HOLDS_PLACE),
        "n_checked_in": total([S.CHECKED_IN]),
        "n_leave": total([S.LEAVE_REQUESTED, S.LEAVE_APPROVED]),
        "n_absent": total([S.ABSENT]),
        "n_waitlisted": total([S.WAITLISTED]),
    }


def co_organisers(activity: Activity):
    return [s.organisation for s in activity.shares() if s.capacity == "organiser"]


def invitations_of(*, user, activity: Activity, status: str = "", q: str = ""):
    """The invitations of one activity the user may see (a person: only their own)."""
    qs = (
        Invitation.objects.visible_to(user).filter(activity=activity).select_related("person", "person__user")
    )
    if status:
        qs = qs.filter(status=status)
    if q:
        qs = qs.filter(person__search_text__contains=normalise(q))
    return qs.order_by("person__sort_name", "person__name", "id")


def my_invitations(*, user, when: str = "upcoming"):
    """The user's own invitations with their activities; upcoming first by date, history newest first.

    Only invitations of the user's own person record, whatever the role: staff, leaders and admins see every
    invitation of their organisation, but answering for a member is done on the attendance page, named."""
    qs = (
        Invitation.objects.visible_to(user)
        .filter(person__user=user)
        .select_related("activity", "activity__kind", "person")
    )
    qs = qs.filter(activity__is_cancelled=False) if when == "upcoming" else qs
    now = timezone.now()
    if when == "upcoming":
        return qs.filter(activity__ends_at__gte=now).order_by("activity__starts_at", "id")
    return qs.filter(activity__ends_at__lt=now).order_by("-activity__starts_at", "-id")


def month_activities(*, user, year: int, month: int):
    """Visible activities overlapping a calendar month (for the month view)."""
    start = timezone.make_aware(dt.datetime(year, month, 1))
    end = timezone.make_aware(dt.datetime(year + (month == 12), month % 12 + 1, 1))
    return (
        Activity.objects.visible_to(user)
        .filter(starts_at__lt=end, ends_at__gte=start, is_cancelled=False)
        .select_related("kind")
        .order_by("starts_at", "id")
    )


def _local_midnight(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def counted_invitations(*, user, start: dt.date, end: dt.date, persons=None):
    """The invitations attendance figures count: those of the persons the user may see (a member or advisor:
    their own), to activities not cancelled whose start falls (Asia/Shanghai date) from `start` to `end`
    inclusive — whoever organised the activity, since a person's attendance is theirs wherever it took
    place (the performance archive counts it so too). `persons` (ids subquery, e.g.
    `members.selectors.person_scope`) narrows to whose invitations they are. One definition for the
    attendance summary, the monthly figures and the leaders' overview, so their numbers agree."""
    if user.is_person:
        qs = Invitation.objects.visible_to(user)
    else:
        qs = Invitation.objects.filter(person__in=Person.objects.visible_to(user).values("pk"))
    qs = qs.filter(
        activity__starts_at__gte=_local_midnight(start),
        activity__starts_at__lt=_local_midnight(end + dt.timedelta(days=1)),
        activity__is_cancelled=False,
    )
    if persons is not None:
        qs = qs.filter(person__in=persons)
    return qs


_FIGURES = {
    "invited": Count("id"),
    "checked_in": Count("id", filter=Q(status=S.CHECKED_IN)),
    "leave": Count("id", filter=Q(status__in=(S.LEAVE_REQUESTED, S.LEAVE_APPROVED))),
    "absent": Count("id", filter=Q(status=S.ABSENT)),
    "declined": Count("id", filter=Q(status=S.DECLINED)),
}


def attendance_summary(*, user, start: dt.date, end: dt.date, persons=None):
    """Per person, over a period: invited, checked in, on leave, absent, declined (one grouped query)."""
    return (
        counted_invitations(user=user, start=start, end=end, persons=persons)
        .values("person_id", "person__name", "person__region")
        .annotate(**_FIGURES)
        .order_by("person__name", "person_id")
    )


def attendance_totals(*, user, start: dt.date, end: dt.date, persons=None) -> dict:
    """The attendance summary's column totals over the same invitations (one query)."""
    return counted_invitations(user=user, start=start, end=end, persons=persons).aggregate(**_FIGURES)


def attendance_by_month(*, user, year: int, persons=None) -> list[dict]:
    """Invited and checked in per calendar month of `year` (by the activity's start, Asia/Shanghai), as
    `[{"month": 1, "start": date, "end": date, "invited": n, "checked_in": n}, …]`. One grouped query (per
    activity: far cheaper on SQLite than twelve pairs of conditional counts over every invitation); each
    month equals `attendance_totals` over that month's first to last day."""
    bounds = [dt.date(year, m, 1) for m in range(1, 13)] + [dt.date(year + 1, 1, 1)]
    per_activity = (
        counted_invitations(
            user=user, start=bounds[0], end=bounds[12] - dt.timedelta(days=1), persons=persons
        )
        .values("activity_id")
        .annotate(
            starts_at=Max("activity__starts_at"),
            invited=Count("id"),
            checked_in=Count("id", filter=Q(status=S.CHECKED_IN)),
        )
        .order_by()
    )
    months = {
        m: {
            "month": m,
            "start": bounds[m - 1],
            "end": bounds[m] - dt.timedelta(days=1),
            "invited": 0,
            "checked_in": 0,
        }
        for m in range(1, 13)
    }
    for row in per_activity:
        month = months[timezone.localtime(row["starts_at"]).month]
        month["invited"] += row["invited"]
        month["checked_in"] += row["checked_in"]
    return list(months.values())


def person_figures(*, user, person: Person) -> dict:
    """One person's attendance figures by year and in total, from the invitations the user may see."""
    rows = (
        Invitation.objects.visible_to(user)
        .filter(person=person, activity__is_cancelled=False)
        .values("activity__starts_at__year")
        .annotate(
            invited=Count("id"),
            checked_in=Count("id", filter=Q(status=S.CHECKED_IN)),
            leave=Count("id", filter=Q(status__in=(S.LEAVE_REQUESTED, S.LEAVE_APPROVED))),
            absent=Count("id", filter=Q(status=S.ABSENT)),
        )
        .order_by("-activity__starts_at__year")
    )
    return [{"year": r.pop("activity__starts_at__year"), **r} for r in rows]


def person_recent(*, user, person: Person, limit: int = 10):
    return (
        Invitation.objects.visible_to(user)
        .filter(person=person)
        .select_related("activity", "activity__kind")
        .order_by("-activity__starts_at")[:limit]
    )


def persons_by_filter(*, user, params) -> tuple:
    """Persons the user may see matching an invitation filter, e.g. all Macao members of the current term
    (`region=mo&role=member`), all advisors (`role=advisor`). The filters are the roster's own
    `members.filtersets.PersonFilterSet` (q, term, role, region, sector, committee, association, tag); the
    term defaults to the current one. Returns (queryset, filterset); invalid filters match nobody, so
    "invite everyone matching" can never turn into "invite everyone"."""
    from members.selectors import current_term, person_filterset

    params = {k: v for k, v in params.items() if k in _PERSON_FILTERS and v not in (None, "")}
    if "term" not in params and (term := current_term()) is not None:
        params["term"] = str(term.pk)
    filterset = person_filterset(user, params)
    if not filterset.is_valid():
        return Person.objects.none(), filterset
    return filterset.qs, filterset


_PERSON_FILTERS = ("q", "term", "role", "region", "sector", "committee", "association", "tag")


def briefing_list(*, user, q: str = ""):
    qs = Briefing.objects.visible_to(user).select_related("activity", "owner_org")
    if q:
        qs = qs.filter(search_text__contains=normalise(q))
    qs = (
        Briefing.objects.filter(pk__in=qs.values("pk"))
        .select_related("activity")
        .annotate(
            n_recipients=Count("recipients", distinct=True),
            n_read=Count("recipients", filter=Q(recipients__read_at__isnull=False), distinct=True),
        )
    )
    if user.is_person:
        qs = qs.annotate(
            my_read=Count(
                "recipients", filter=Q(recipients__person__user=user, recipients__read_at__isnull=False)
            )
        )
    return qs.order_by("-published_at", "-id")


def briefing_readers(*, briefing: Briefing):
    return (
        BriefingRecipient.objects.filter(briefing=briefing)
        .select_related("person")
        .order_by("read_at", "person__name")
    )


# ---- Counts and records for the performance archive (archives app) ----------------------------------------

# Activities of this kind are plenary sittings (全体会议), one activity per half-day sitting; the archive
# counts them as plenary attendance instead of as a committee activity.
PLENARY_KIND_NAME = "全体会议"


def _archive_invitations(*, start, end, persons=None):
    qs = Invitation.objects.filter(
        activity__is_cancelled=False, activity__starts_at__gte=start, activity__starts_at__lt=end
    )
    if persons is not None:
        qs = qs.filter(person_id__in=persons)
    return qs


def invitation_counts_by_person(*, start, end, persons=None) -> dict[int, dict[str, int]]:
    """Per person, invitations to activities not cancelled whose start lies in [start, end) (aware datetimes).

    Keys: invited (every invitation), attended (checked in: an invitation is unique per person and activity,
    so checking in twice counts once), leave (leave requested or approved, as on the attendance summary),
    absent; and the plenary part of each: plenary_attended, plenary_leave, plenary_absent (activities of the
    kind 全体会议, one activity = one half-day sitting). One grouped query; `persons` (ids or a Person
    queryset) limits the persons counted. The caller decides who may see these counts.
    """
    plenary = Q(activity__kind__name=PLENARY_KIND_NAME)
    leave = Q(status__in=(S.LEAVE_REQUESTED, S.LEAVE_APPROVED))
    rows = (
        _archive_invitations(start=start, end=end, persons=persons)
        .values("person_id")
        .annotate(
            invited=Count("id"),
            attended=Count("id", filter=Q(status=S.CHECKED_IN)),
            leave=Count("id", filter=leave),
            absent=Count("id", filter=Q(status=S.ABSENT)),
            plenary_attended=Count("id", filter=plenary & Q(status=S.CHECKED_IN)),
            plenary_leave=Count("id", filter=plenary & leave),
            plenary_absent=Count("id", filter=plenary & Q(status=S.ABSENT)),
        )
        .order_by()
    )
    return {r.pop("person_id"): r for r in rows}


def invitation_records(*, start, end, person_id: int, statuses, plenary: bool | None = None):
    """The invitations behind one person's count (see `invitation_counts_by_person`), with their activities.

    `plenary`: True only plenary sittings, False only other activities, None both."""
    qs = _archive_invitations(start=start, end=end).filter(person_id=person_id, status__in=statuses)
    if plenary is True:
        qs = qs.filter(activity__kind__name=PLENARY_KIND_NAME)
    elif plenary is False:
        qs = qs.exclude(activity__kind__name=PLENARY_KIND_NAME)
    return qs.select_related("activity", "activity__kind").order_by("activity__starts_at", "id")


def activities_with_support(*, user=None, start=None, end=None):
    """Activities not cancelled with a support amount (捐资/资助) recorded in their report (those the user
    may see, when given), optionally starting in [start, end); for the donations ledger, which links to them
    instead of copying them."""
    qs = Activity.objects.visible_to(user) if user is not None else Activity.objects.all()
    qs = qs.filter(is_cancelled=False, support_amount__isnull=False, support_amount__gt=0)
    if start is not None:
        qs = qs.filter(starts_at__gte=start)
    if end is not None:
        qs = qs.filter(starts_at__lt=end)
    return qs.select_related("kind", "owner_org").order_by("starts_at", "id")


def latest_activity_year(*, user, now: dt.datetime | None = None) -> int | None:
    """The year (Asia/Shanghai) of the latest visible, not cancelled activity that has already started — the
    year the leaders' overview opens on (early in a new year the past year is the one with figures)."""
    now = now or timezone.now()
    latest = (
        Activity.objects.visible_to(user)
        .filter(starts_at__lte=now, is_cancelled=False)
        .order_by("-starts_at")
        .values_list("starts_at", flat=True)
        .first()
    )
    return timezone.localtime(latest).year if latest else None


# ---- Figures for the yearly work summary (dashboard) -----------------------------------------------------


def activity_figures(*, user, year: int) -> dict:
    """The activities of `year` that took place (not cancelled), by kind, with the stops of the multi-stop
    trips: two queries; each count matches `activity_list(year=…, kind=…, cancelled="0")`."""
    held = activity_list(user=user, year=year, counts=False).filter(is_cancelled=False)
    by_kind = list(
        held.values("kind_id", "kind__name", "kind__is_trip", "kind__order")
        .annotate(n=Count("id"))
        .order_by("kind__order", "kind_id")
    )
    activities = list(
        held.prefetch_related(
            Prefetch("stops", queryset=TripStop.objects.order_by("order", "start_date", "id"))
        )
        .select_related(None)
        .only("id", "title", "place", "starts_at", "kind_id", "support_amount")
        .order_by("starts_at", "id")
    )
    return {
        "total": sum(k["n"] for k in by_kind),
        "by_kind": [
            {
                "kind_id": k["kind_id"],
                "kind": k["kind__name"],
                "is_trip": k["kind__is_trip"],
                "n": k["n"],
                "activities": [a for a in activities if a.kind_id == k["kind_id"]],
            }
            for k in by_kind
        ],
    }


# ---- Work queues of the home page (core.queues) ------------------------------------------------------------


def leave_queue(*, user):
    """Leave requests (请假待批) across all activities the user organises (谁组织谁记录: staff of the organiser's
    subtree, admins everywhere), the longest-waiting first."""
    # The office's roles (admin, staff, leaders) see every activity of their body's subtree and what is shared
    # with it, so the subtree is all the filter they need: the visibility subquery over every activity (38,000
    # at province scale) made PostgreSQL probe each one for leave requests (144 → 38 ms for the home page's
    # count). Any other role keeps its visibility.
    qs = (
        Invitation.objects.all()
        if user.is_authenticated and user.is_active and user.is_office
        else Invitation.objects.visible_to(user)
    )
    qs = qs.filter(status=S.LEAVE_REQUESTED, activity__is_cancelled=False)
    if user.role != "admin":
        org = user.organisation
        if org is None:
            return qs.none()
        qs = qs.filter(activity__owner_org__path__startswith=org.path)
    return qs.select_related("activity", "person").order_by("responded_at", "id")


def answer_queue(*, user):
    """The user's own invitations still to answer (待回复), of activities not over, the soonest first."""
    return (
        Invitation.objects.visible_to(user)
        .filter(
            person__user=user,
            status=S.INVITED,
            activity__is_cancelled=False,
            activity__ends_at__gte=timezone.now(),
        )
        .select_related("activity")
        .order_by("activity__starts_at", "id")
    )


def unread_briefings(*, user):
    """Briefings sent to the user's person record and not opened yet, oldest first."""
    return (
        BriefingRecipient.objects.filter(
            person__user=user, read_at__isnull=True, briefing__published_at__isnull=False
        )
        .select_related("briefing")
        .order_by("created_at", "id")
    )
