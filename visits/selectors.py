"""Reads of visits, requests, coverage and the liaison network; each starts from `visible_to(user)`.

The coverage figures are computed in the database (subqueries and `values().annotate()`), so the number of
queries does not depend on how many persons or visits there are.
"""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Count, Exists, IntegerField, Max, OuterRef, Prefetch, Q, Subquery, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import User
from core.text import normalise
from members.models import Person
from organisations.models import Organisation

from .models import (
    OPEN_STATUSES,
    CoverageRule,
    LiaisonContact,
    LiaisonEvent,
    LiaisonEventOrg,
    LiaisonLink,
    Request,
    RequestStatus,
    Visit,
    VisitAssignment,
    VisitPerson,
    VisitPlan,
    VisitStatus,
    VisitVisitor,
)


@dataclass(frozen=True)
class Rule:
    period_days: int
    visits_per_period: int
    liaison_period_days: int
    saved: bool = False


def rule_for(org: Organisation | None) -> Rule:
    """The visit rule of an organisation (its own row, else the nearest ancestor's, else the settings' defaults)."""
    if org is not None:
        ancestors = [int(pk) for pk in org.path.strip("/").split("/") if pk]
        rows = {r.owner_org_id: r for r in CoverageRule.objects.filter(owner_org_id__in=ancestors)}
        for pk in reversed(ancestors):
            if pk in rows:
                r = rows[pk]
                return Rule(r.period_days, r.visits_per_period, r.liaison_period_days, saved=pk == org.pk)
    return Rule(
        getattr(settings, "TONGXIN_VISIT_PERIOD_DAYS", 365),
        getattr(settings, "TONGXIN_VISITS_PER_PERIOD", 1),
        getattr(settings, "TONGXIN_LIAISON_PERIOD_DAYS", 180),
    )


# ---- visits ----


def visit_list(
    *, user, q: str = "", status: str = "", mode: str = "", year: str = "", visitor: str = "", sort: str = ""
):
    """Visible visits with their visitors and persons prefetched (two extra queries for any number of rows)."""
    qs = (
        Visit.objects.visible_to(user)
        .prefetch_related(
            Prefetch("visitors", queryset=User.objects.only("id", "username", "full_name")),
            Prefetch("persons", queryset=Person.objects.only("id", "name")),
        )
        .annotate(request_count=Count("requests", distinct=True))
    )
    if q:
        qs = qs.filter(search_text__contains=normalise(q))
    if status:
        qs = qs.filter(status=status)
    if mode:
        qs = qs.filter(mode=mode)
    if year.isdigit():
        qs = qs.filter(date__year=int(year))
    if visitor.isdigit():
        qs = qs.filter(visit_visitors__user_id=int(visitor))
    order = {"date": ["date", "id"], "-date": ["-date", "-id"], "mode": ["mode", "-date"]}.get(
        sort, ["-date", "-id"]
    )
    return qs.order_by(*order)


def visit_detail_qs(user):
    return Visit.objects.visible_to(user).prefetch_related("visitors", "persons", "photos")


def visits_of_person(*, user, person: Person, limit: int = 20):
    qs = Visit.objects.visible_to(user) if user.is_office else Visit.objects.all()
    return (
        qs.filter(visit_persons__person=person, status=VisitStatus.DONE)
        .prefetch_related(Prefetch("visitors", queryset=User.objects.only("id", "username", "full_name")))
        .order_by("-date", "-id")[:limit]
    )


def contact_search(user, q: str = "", *, limit: int = 20):
    """Contacts of partner bodies the user may see whose name or body contains `q` (either script), active
    first, at most `limit` (a picker's answer; names and bodies only, never the phone)."""
    from core.pickers import name_contains

    qs = LiaisonContact.objects.visible_to(user).select_related("organisation")
    if q.strip():
        qs = qs.filter(name_contains(q, "name") | Q(organisation__search_text__contains=normalise(q)))
    return qs.order_by("-is_active", "organisation__path", "name", "id")[:limit]


def contact_label(contact) -> str:
    return f"{contact.name}（{contact.organisation.display_name}）"


def visitors_choices(user):
    """Leaders and staff the user may pick as visitors, owners or liaison persons."""
    return (
        User.objects.visible_to(user)
        .filter(role__in=("leader", "staff"), is_active=True)
        .order_by("role", "full_name")
    )


def colleague_search(user, q: str = "", *, limit: int = 20):
    """Of `visitors_choices(user)`, those whose name or username contains `q` (either script), leaders first,
    at most `limit` (a picker's answer: names and roles only)."""
    from core.pickers import name_contains

    qs = visitors_choices(user).filter(name_contains(q, "full_name", "username"))
    return qs.order_by("role", "full_name", "username", "pk")[:limit]


def colleague_label(colleague) -> str:
    """姓名（角色）: a leader or staff member as a picker shows them."""
    return f"{colleague.display_name}（{colleague.get_role_display()}）"


# ---- requests ----


def request_list(
    *,
    user,
    q: str = "",
    status: str = "",
    category: str = "",
    owner: str = "",
    overdue: bool = False,
    sort: str = "",
    year: str | int = "",
    persons=None,
    due_soon: bool = False,
):
    """Visible requests (a member: only his or her own), with person, owner and helping body joined.
    `year`: raised (registered) in that year (Asia/Shanghai); `persons`: raised by these persons (ids);
    `due_soon`: open and overdue or due within a week (the home page's queue)."""
    qs = Request.objects.visible_to(user).select_related("person", "owner", "helping_org", "visit")
    if str(year).isdigit():
        qs = qs.filter(created_at__year=int(year))
    if persons is not None:
        qs = qs.filter(person__in=persons)
    if q:
        qs = qs.filter(search_text__contains=normalise(q))
    if status:
        qs = qs.filter(status=status)
    if category:
        qs = qs.filter(category=category)
    if owner.isdigit():
        qs = qs.filter(owner_id=int(owner))
    if overdue:
        qs = overdue_filter(qs)
    if due_soon:
        qs = qs.filter(pk__in=due_request_queue(user=user).values("pk"))
    order = {
        "deadline": ["deadline", "-id"],
        "-deadline": ["-deadline", "-id"],
        "created": ["created_at", "id"],
        "status": ["status", "-id"],
    }.get(sort, ["-created_at", "-id"])
    return qs.order_by(*order)


def request_figures(*, user, year: int, persons=None, today: dt.date | None = None) -> dict:
    """The requests raised in `year` by status, plus how many open ones are overdue: one query; each count
    matches `request_list(user=…, year=…, status=…)` (overdue: `overdue=True`)."""
    today = today or timezone.localdate()
    base = request_list(user=user, year=year, persons=persons).order_by()
    figures = base.aggregate(
        total=Count("id"),
        overdue=Count("id", filter=Q(status__in=OPEN_STATUSES, deadline__lt=today)),
        **{s: Count("id", filter=Q(status=s)) for s in RequestStatus.values},
    )
    return figures


def overdue_filter(qs, today: dt.date | None = None):
    """Open requests whose deadline has passed."""
    today = today or timezone.localdate()
    return qs.filter(status__in=OPEN_STATUSES, deadline__lt=today)


def request_detail_qs(user):
    return Request.objects.visible_to(user).select_related(
        "person", "person__user", "owner", "helping_org", "visit"
    )


def requests_of_person(*, user, person: Person, limit: int = 20):
    return request_list(user=user).filter(person=person)[:limit]


# ---- coverage ----


@dataclass
class Coverage:
    year: int
    rule: Rule
    total: int
    covered: int
    never: int
    overdue: int
    persons: object  # queryset of uncovered persons, annotated with n_year and last_visit
    per_visitor: list
    per_month: list
    plan_rows: list

    @property
    def uncovered(self) -> int:
        return self.total - self.covered

    @property
    def percent(self) -> float:
        return round(100 * self.covered / self.total, 1) if self.total else 100.0


def _done_visits_of(person_ref, **extra):
    return VisitPerson.objects.filter(person=person_ref, visit__status=VisitStatus.DONE, **extra)


def _coverage_persons(user, year: int, persons=None):
    """The persons coverage counts (visible; narrowed to `persons` ids when given), annotated with their done
    visits in `year` (`n_year`) and their last done visit ever (`last_visit`)."""
    n_year = Subquery(
        _done_visits_of(OuterRef("pk"), visit__date__year=year)
        .values("person")
        .annotate(n=Count("*"))
        .values("n"),
        output_field=IntegerField(),
    )
    last_visit = Subquery(
        _done_visits_of(OuterRef("pk")).values("person").annotate(d=Max("visit__date")).values("d")
    )
    qs = Person.objects.visible_to(user)
    if persons is not None:
        qs = qs.filter(pk__in=persons)
    return qs.annotate(n_year=Coalesce(n_year, Value(0)), last_visit=last_visit).only(
        "id", "name", "region", "owner_org_id"
    )


def coverage_counts(*, user, year: int, persons=None) -> dict:
    """Only the headline of `coverage` (persons counted, covered, the rule's threshold) in one query — for
    the leaders' overview; the same numbers as the coverage page with the same filters."""
    rule = rule_for(getattr(user, "organisation", None))
    counts = _coverage_persons(user, year, persons).aggregate(
        total=Count("id"), covered=Count("id", filter=Q(n_year__gte=rule.visits_per_period))
    )
    return {**counts, "visits_per_period": rule.visits_per_period}


def coverage(
    *, user, year: int, today: dt.date | None = None, show: str = "uncovered", persons=None
) -> Coverage:
    """Visit coverage of the user's members and advisors for `year` under the rule of the user's organisation.

    Covered: at least `visits_per_period` done visits in the year. Overdue: no done visit within the last
    `period_days` days (never visited counts as overdue). `show` picks the list: uncovered (default), covered,
    overdue or all; `persons` (ids) narrows whom it counts. A fixed number of queries, whatever the numbers.
    """
    today = today or timezone.localdate()
    rule = rule_for(getattr(user, "organisation", None))
    since = today - dt.timedelta(days=rule.period_days)
    scope = persons
    persons = _coverage_persons(user, year, scope)
    counts = persons.aggregate(
        total=Count("id"),
        covered=Count("id", filter=Q(n_year__gte=rule.visits_per_period)),
        never=Count("id", filter=Q(last_visit__isnull=True)),
        overdue=Count("id", filter=Q(last_visit__isnull=True) | Q(last_visit__lt=since)),
    )
    if show == "overdue":
        listed = persons.filter(Q(last_visit__isnull=True) | Q(last_visit__lt=since))
    elif show == "covered":
        listed = persons.filter(n_year__gte=rule.visits_per_period)
    elif show == "all":
        listed = persons
    else:
        listed = persons.filter(n_year__lt=rule.visits_per_period)
    # The next planned visit of each listed person (a visit already arranged is not "to arrange" again).
    next_planned = Subquery(
        VisitPerson.objects.filter(
            person=OuterRef("pk"), visit__status=VisitStatus.PLANNED, visit__date__gte=today
        )
        .order_by("visit__date")
        .values("visit__date")[:1]
    )
    listed = listed.annotate(next_planned=next_planned).order_by("last_visit", "name", "id")

    visits = Visit.objects.visible_to(user).filter(status=VisitStatus.DONE, date__year=year)
    if scope is not None:
        visits = visits.filter(pk__in=VisitPerson.objects.filter(person__in=scope).values("visit_id"))
    per_visitor = list(
        VisitVisitor.objects.filter(visit__in=visits.values("pk"))
        .values("user_id", "user__full_name", "user__username")
        .annotate(
            visits=Count("visit", distinct=True), persons=Count("visit__visit_persons__person", distinct=True)
        )
        .order_by("-visits", "user__full_name")
    )
    # Twelve conditional counts over date ranges in one query (cheaper on SQLite than extracting the month).
    bounds = [dt.date(year, m, 1) for m in range(1, 13)] + [dt.date(year + 1, 1, 1)]
    months = visits.aggregate(
        **{f"m{m}": Count("id", filter=Q(date__gte=bounds[m - 1], date__lt=bounds[m])) for m in range(1, 13)}
    )
    per_month = [{"month": m, "visits": months[f"m{m}"]} for m in range(1, 13)]
    plan_rows = plan_progress(user=user, year=year)
    return Coverage(
        year=year,
        rule=rule,
        total=counts["total"],
        covered=counts["covered"],
        never=counts["never"],
        overdue=counts["overdue"],
        persons=listed,
        per_visitor=per_visitor,
        per_month=per_month,
        plan_rows=plan_rows,
    )


def plan_for(*, user, year: int) -> VisitPlan | None:
    return VisitPlan.objects.visible_to(user).filter(year=year).order_by("id").first()


def plan_progress(*, user, year: int) -> list[dict]:
    """Per visitor in the year's plan: persons assigned and how many of them already had a done visit."""
    visited = _done_visits_of(OuterRef("person"), visit__date__year=year)
    plans = VisitPlan.objects.visible_to(user).filter(year=year).values("pk")
    rows = (
        VisitAssignment.objects.filter(plan__in=plans)
        .values("visitor_id", "visitor__full_name", "visitor__username")
        .annotate(assigned=Count("pk"), done=Count("pk", filter=Exists(visited)))
        .order_by("visitor__full_name")
    )
    return list(rows)


def plan_assignments(*, plan: VisitPlan, year: int, visitor: str = ""):
    """The plan's rows with person and visitor, and whether the person already had a done visit this year."""
    qs = plan.assignments.select_related("person", "visitor").annotate(
        visited=Exists(_done_visits_of(OuterRef("person"), visit__date__year=year))
    )
    if visitor == "none":
        qs = qs.filter(visitor__isnull=True)
    elif visitor.isdigit():
        qs = qs.filter(visitor_id=int(visitor))
    return qs.order_by("person__name", "id")


# ---- liaison ----


def liaison_network(*, user, today: dt.date | None = None, show: str = "", q: str = ""):
    """The bodies in the network with their liaison person, last contact date, contacts and events counts.

    `show="stale"`: only bodies not contacted within the rule's liaison period (or never)."""
    today = today or timezone.localdate()
    rule = rule_for(getattr(user, "organisation", None))
    since = today - dt.timedelta(days=rule.liaison_period_days)
    events = LiaisonEvent.objects.visible_to(user)
    last = Subquery(
        LiaisonEventOrg.objects.filter(organisation=OuterRef("organisation"), event__in=events.values("pk"))
        .values("organisation")
        .annotate(d=Max("event__date"))
        .values("d")
    )
    n_events = Subquery(
        LiaisonEventOrg.objects.filter(organisation=OuterRef("organisation"), event__in=events.values("pk"))
        .values("organisation")
        .annotate(n=Count("*"))
        .values("n"),
        output_field=IntegerField(),
    )
    n_contacts = Subquery(
        LiaisonContact.objects.visible_to(user)
        .filter(organisation=OuterRef("organisation"), is_active=True)
        .values("organisation")
        .annotate(n=Count("*"))
        .values("n"),
        output_field=IntegerField(),
    )
    qs = (
        LiaisonLink.objects.visible_to(user)
        .select_related("organisation", "liaison")
        .annotate(
            last_contact=last,
            event_count=Coalesce(n_events, Value(0)),
            contact_count=Coalesce(n_contacts, Value(0)),
        )
    )
    if q:
        qs = qs.filter(organisation__search_text__contains=normalise(q))
    if show == "stale":
        qs = qs.filter(Q(last_contact__isnull=True) | Q(last_contact__lt=since))
    return qs.order_by("last_contact", "organisation__path"), rule, since


def liaison_event_list(*, user, q: str = "", kind: str = "", organisation: str = "", year: str = ""):
    qs = LiaisonEvent.objects.visible_to(user).prefetch_related(
        Prefetch("organisations", queryset=Organisation.objects.only("id", "name", "short_name")),
        Prefetch("participants", queryset=User.objects.only("id", "username", "full_name")),
    )
    if q:
        qs = qs.filter(search_text__contains=normalise(q))
    if kind:
        qs = qs.filter(kind=kind)
    if organisation.isdigit():
        qs = qs.filter(event_orgs__organisation_id=int(organisation))
    if year.isdigit():
        qs = qs.filter(date__year=int(year))
    return qs.order_by("-date", "-id")


def contacts_of(*, user, org: Organisation):
    return (
        LiaisonContact.objects.visible_to(user).filter(organisation=org).order_by("-is_active", "name", "id")
    )


def events_of(*, user, org: Organisation, limit: int = 20):
    return liaison_event_list(user=user, organisation=str(org.pk))[:limit]


def open_request_count(user) -> int:
    return Request.objects.visible_to(user).filter(status__in=OPEN_STATUSES).count()


# ---- Counts and records for the performance archive (archives app) ----------------------------------------


def _archive_visits(*, start: dt.date, end: dt.date):
    """Visits recorded as done, dated in [start, end) (dates)."""
    return VisitPerson.objects.filter(
        visit__status=VisitStatus.DONE, visit__date__gte=start, visit__date__lt=end
    )


def visit_counts_by_person(*, start: dt.date, end: dt.date, persons=None) -> dict[int, int]:
    """Per person, visits received (done, dated in [start, end)); a person is listed once per visit even
    when several visitors went. One grouped query; the caller decides who may see these counts."""
    qs = _archive_visits(start=start, end=end)
    if persons is not None:
        qs = qs.filter(person_id__in=persons)
    return {r["person_id"]: r["n"] for r in qs.values("person_id").annotate(n=Count("id")).order_by()}


def visit_records(*, start: dt.date, end: dt.date, person_id: int):
    """The visits behind one person's count."""
    ids = _archive_visits(start=start, end=end).filter(person_id=person_id).values("visit_id")
    return Visit.objects.filter(pk__in=ids).order_by("date", "id")


def _solved_at():
    """When the request was last marked solved (from the workflow log: the time is not stored twice)."""
    from django.contrib.contenttypes.models import ContentType

    from core.models import TransitionLog

    ct = ContentType.objects.get_for_model(Request)
    return Subquery(
        TransitionLog.objects.filter(content_type=ct, object_id=OuterRef("pk"), target=RequestStatus.SOLVED)
        .order_by("-created_at", "-id")
        .values("created_at")[:1]
    )


def _archive_requests(*, start, end):
    return (
        Request.objects.filter(status=RequestStatus.SOLVED)
        .annotate(solved_at=_solved_at())
        .filter(solved_at__gte=start, solved_at__lt=end)
    )


def solved_request_counts_by_person(*, start, end, persons=None) -> dict[int, int]:
    """Per person, their requests now solved whose (last) solving falls in [start, end) (aware datetimes);
    a request reopened and still open counts nothing. One grouped query."""
    qs = _archive_requests(start=start, end=end)
    if persons is not None:
        qs = qs.filter(person_id__in=persons)
    return {r["person_id"]: r["n"] for r in qs.values("person_id").annotate(n=Count("id")).order_by()}


def solved_request_records(*, start, end, person_id: int):
    return _archive_requests(start=start, end=end).filter(person_id=person_id).order_by("solved_at", "id")


# ---- Figures for the yearly work summary (dashboard) -----------------------------------------------------


def visit_figures(*, user, year: int) -> dict:
    """Visits done in `year` by mode, and their total: one query; each count matches `visit_list(year=…,
    status=done, mode=…)`."""
    rows = dict(
        Visit.objects.visible_to(user)
        .filter(status=VisitStatus.DONE, date__year=year)
        .values_list("mode")
        .annotate(n=Count("id"))
        .order_by()
    )
    from .models import VisitMode

    by_mode = {m: rows.get(m, 0) for m in VisitMode.values}
    return {"total": sum(by_mode.values()), "by_mode": by_mode}


def liaison_figures(*, user, year: int) -> dict:
    """Liaison events of `year` (as `liaison_event_list(year=…)` lists them) and the bodies they involved,
    most contacted first: two queries."""
    events = liaison_event_list(user=user, year=str(year)).order_by()
    orgs = list(
        LiaisonEventOrg.objects.filter(event__in=events.values("pk"))
        .values("organisation_id", "organisation__name", "organisation__short_name")
        .annotate(n=Count("event", distinct=True))
        .order_by("-n", "organisation__name")
    )
    return {
        "events": events.count(),
        "organisations": [
            {
                "id": o["organisation_id"],
                "name": o["organisation__short_name"] or o["organisation__name"],
                "n": o["n"],
            }
            for o in orgs
        ],
    }


# ---- Work queues of the home page (core.queues) ------------------------------------------------------------

REQUEST_DUE_SOON_DAYS = 7
REQUEST_UPDATE_DAYS = 30


def due_request_queue(*, user, today: dt.date | None = None):
    """Open requests overdue or due within a week, the earliest deadline first (the office's queue)."""
    today = today or timezone.localdate()
    return (
        Request.objects.visible_to(user)
        .filter(status__in=OPEN_STATUSES, deadline__lte=today + dt.timedelta(days=REQUEST_DUE_SOON_DAYS))
        .select_related("person")
        .order_by("deadline", "id")
    )


def updated_request_queue(*, user):
    """A member's own requests with news in the last 30 days (a step, a new status, a resolution), the most
    recent first: what the member should read or thank for."""
    since = timezone.now() - dt.timedelta(days=REQUEST_UPDATE_DAYS)
    return (
        Request.objects.visible_to(user)
        .filter(person__user=user)
        .annotate(last_step=Max("steps__created_at"))
        .filter(Q(updated_at__gte=since) | Q(last_step__gte=since))
        .order_by("-updated_at", "-id")
    )


def helping_queue(*, user):
    """Open requests the user's body was asked to help with (a helping body's inbox), the oldest first."""
    return (
        Request.objects.visible_to(user)
        .filter(helping_org_id=user.organisation_id, status__in=OPEN_STATUSES)
        .select_related("person")
        .order_by("created_at", "id")
    )
