"""Reads that shape proposal queries. Every one starts from `Proposal.objects.visible_to(user)`."""

import datetime as dt
from urllib.parse import urlencode

from django.db.models import Case, Count, Exists, F, OuterRef, Prefetch, Q, Subquery, Value, When, Window
from django.db.models.functions import RowNumber
from django.urls import reverse
from django.utils import timezone

from core import search
from core.roles import Role
from core.text import normalise
from core.workflow import log_for

from .models import (
    FILED_STATES,
    Assignment,
    AssignmentRole,
    Cosigner,
    CosignerStatus,
    Outcome,
    Progress,
    Proposal,
    ProposalStatus,
    Rating,
    RatingValue,
    Reply,
    ReplyClass,
    ReplyStatus,
)

NEARLY_DUE_DAYS = 14
# 主办 / 分办 first, then 会办, then 协办.
ROLE_ORDER = Case(
    When(role__in=[AssignmentRole.LEAD, AssignmentRole.SPLIT], then=Value(0)),
    When(role=AssignmentRole.CO, then=Value(1)),
    default=Value(2),
)

SORTS = {
    "new": ("-created_at", "-id"),
    "old": ("created_at", "id"),
    "number": ("session__start_date", "number", "id"),
    "due": ("reply_due", "id"),
    "title": ("title", "id"),
}


def _active_assignments():
    return Prefetch(
        "assignments",
        queryset=Assignment.objects.filter(ended_at__isnull=True)
        .select_related("unit")
        .order_by(ROLE_ORDER, "id"),  # the lead unit first
        to_attr="active_assignments",
    )


def proposal_list(
    *,
    user,
    q: str = "",
    status: str = "",
    timing: str = "",
    unit: str | int = "",
    key: str = "",
    session: str | int = "",
    due: str = "",
    mine: str = "",
    sort: str = "new",
    year: str | int = "",
    unit_role: str = "",
    reply_class: str = "",
    rating: str = "",
    outcome: str = "",
    persons=None,
):
    """Visible proposals with their author, session and active handling units (a fixed number of queries).

    Filters: text (title, proposer, origin; either script), status, 大会/平时, handling unit (any role, or
    `unit_role` lead = 主办/分办, co = 会办/协办), key only, session, deadline (`overdue` / `soon`), `mine` (a
    member's own or co-signed ones), and the ones the leaders' overview counts by: `year` (submitted in that
    year, Asia/Shanghai), `reply_class` (A/B/C of the latest approved reply), `rating` (the proposer's latest
    rating), `outcome` (adopted / completed) and `persons` (the lead proposer among these person ids).
    """
    qs = Proposal.objects.visible_to(user).select_related("author", "session__term", "owner_org")
    qs = _counted_filters(
        qs, year=year, reply_class=reply_class, rating=rating, outcome=outcome, persons=persons
    )
    if q:
        qs = qs.filter(search.contains_q(Proposal, q, using=qs.db))
    if status:
        qs = qs.filter(status=status)
    if timing:
        qs = qs.filter(timing=timing)
    if unit:
        qs = qs.filter(_unit_q(unit, unit_role))
    if key:
        qs = qs.filter(is_key=True)
    if session:
        qs = qs.filter(session_id=session)
    today = timezone.localdate()
    if due == "overdue":
        qs = qs.filter(_overdue_q(today))
    elif due == "soon":
        qs = qs.filter(
            status=ProposalStatus.HANDLING,
            reply_due__gte=today,
            reply_due__lte=today + dt.timedelta(days=NEARLY_DUE_DAYS),
        )
    if mine and user.role in (Role.MEMBER, Role.ADVISOR):
        qs = qs.filter(author__user=user)
    return qs.prefetch_related(_active_assignments()).order_by(*SORTS.get(sort, SORTS["new"]))


# ---- the figures of the leaders' overview -------------------------------------------------------------
# Each figure is a COUNT over `proposal_list` with the same filter expression the list page applies, so a
# figure and the list it links to cannot disagree.

LEAD_ROLES = (AssignmentRole.LEAD, AssignmentRole.SPLIT)
CO_ROLES = (AssignmentRole.CO, AssignmentRole.ASSIST)
UNIT_ROLES = {"lead": LEAD_ROLES, "co": CO_ROLES}
OUTCOME_FILTERS = {"adopted": Q(outcome__adopted=True), "completed": Q(outcome__completed=True)}


def _unit_q(unit, role: str = ""):
    """Proposals with an active assignment of `unit` (in `role`: lead = 主办/分办, co = 会办/协办)."""
    assignments = Assignment.objects.filter(proposal=OuterRef("pk"), unit_id=unit, ended_at__isnull=True)
    if role in UNIT_ROLES:
        assignments = assignments.filter(role__in=UNIT_ROLES[role])
    return Exists(assignments)


def _overdue_q(today):
    return Q(status=ProposalStatus.HANDLING, reply_due__lt=today)


def latest_replies():
    """Approved replies of the latest replied round of their proposal (after a 不满意 the new round's reply
    replaces the old one; under 分办 each unit replies, so a proposal may have replies of two classes)."""
    later = Reply.objects.filter(
        proposal=OuterRef("proposal"), status=ReplyStatus.APPROVED, round__gt=OuterRef("round")
    )
    return Reply.objects.filter(status=ReplyStatus.APPROVED).filter(~Exists(later))


def decisive_ratings():
    """Each proposal's deciding rating: the first proposer's latest one (不满意 sends it back to the unit)."""
    later = Rating.objects.filter(
        reply__proposal=OuterRef("reply__proposal"), person=OuterRef("person")
    ).filter(
        Q(reply__round__gt=OuterRef("reply__round"))
        | Q(reply__round=OuterRef("reply__round"), id__gt=OuterRef("id"))
    )
    return Rating.objects.filter(person=F("reply__proposal__author")).filter(~Exists(later))


def _counted_filters(qs, *, year="", reply_class="", rating="", outcome="", persons=None):
    if str(year).isdigit():
        qs = qs.filter(submitted_at__year=int(year))
    if persons is not None:
        qs = qs.filter(author__in=persons)
    if reply_class in ReplyClass.values:
        qs = qs.filter(pk__in=latest_replies().filter(reply_class=reply_class).values("proposal_id"))
    if rating in RatingValue.values:
        qs = qs.filter(pk__in=decisive_ratings().filter(value=rating).values("reply__proposal_id"))
    if outcome in OUTCOME_FILTERS:
        qs = qs.filter(OUTCOME_FILTERS[outcome])
    return qs


def _year_base(user, year: int, persons=None):
    """The proposals the overview counts: visible, submitted in `year`, by these persons (no ordering)."""
    return _counted_filters(Proposal.objects.visible_to(user), year=year, persons=persons).order_by()


def proposal_figures(*, user, year: int, persons=None, today: dt.date | None = None) -> dict:
    """Counts of the proposals submitted in `year`: by status, by reply class, by the proposer's rating,
    outcomes (adopted / completed / adopted by level), key proposals and overdue ones. Five queries.

    Every count matches `proposal_list(user=…, year=…, persons=…, <the same filter>)`."""
    today = today or timezone.localdate()
    base = _year_base(user, year, persons)
    by_status = dict(base.values_list("status").annotate(n=Count("id")).order_by())
    figures = base.aggregate(
        total=Count("id"),
        key=Count("id", filter=Q(is_key=True)),
        overdue=Count("id", filter=_overdue_q(today)),
        adopted=Count("id", filter=OUTCOME_FILTERS["adopted"]),
        completed=Count("id", filter=OUTCOME_FILTERS["completed"]),
    )
    by_class = dict(
        latest_replies()
        .filter(proposal__in=base.values("pk"))
        .values_list("reply_class")
        .annotate(n=Count("proposal", distinct=True))
        .order_by()
    )
    by_rating = dict(
        decisive_ratings()
        .filter(reply__proposal__in=base.values("pk"))
        .values_list("value")
        .annotate(n=Count("reply__proposal", distinct=True))
        .order_by()
    )
    adopted_levels = dict(
        base.filter(OUTCOME_FILTERS["adopted"])
        .values_list("outcome__adopted_level")
        .annotate(n=Count("id"))
        .order_by()
    )
    return {
        "total": figures["total"],
        "key": figures["key"],
        "overdue": figures["overdue"],
        "by_status": {s: by_status.get(s, 0) for s in ProposalStatus.values},
        "by_class": {c: by_class.get(c, 0) for c in ReplyClass.values},
        "by_rating": {v: by_rating.get(v, 0) for v in RatingValue.values},
        "adopted": figures["adopted"],
        "completed": figures["completed"],
        "adopted_by_level": adopted_levels,
    }


def proposals_by_unit(*, user, year: int, persons=None, limit: int | None = None) -> list[dict]:
    """Per handling unit, the proposals of `year` it holds as 主办/分办 (`lead`) and as 会办/协办 (`co`),
    active assignments only, most first. One query; each number matches `proposal_list(unit=…,
    unit_role=lead|co, year=…)`."""
    rows = (
        Assignment.objects.filter(
            proposal__in=_year_base(user, year, persons).values("pk"), ended_at__isnull=True
        )
        .values("unit_id", "unit__name", "unit__short_name")
        .annotate(
            lead=Count("proposal", filter=Q(role__in=LEAD_ROLES), distinct=True),
            co=Count("proposal", filter=Q(role__in=CO_ROLES), distinct=True),
            total=Count("proposal", distinct=True),
        )
        .order_by("-total", "unit__name")
    )
    rows = rows[:limit] if limit else rows
    return [
        {"unit_id": r["unit_id"], "unit": r["unit__short_name"] or r["unit__name"], **_pick(r, "lead", "co")}
        for r in rows
    ]


def overdue_by_unit(*, user, year: int, persons=None, today: dt.date | None = None) -> list[dict]:
    """Per lead (主办/分办) unit, its proposals of `year` still in handling past their reply deadline. One
    query; each number matches `proposal_list(unit=…, unit_role=lead, due=overdue, year=…)`."""
    today = today or timezone.localdate()
    overdue = _year_base(user, year, persons).filter(_overdue_q(today))
    rows = (
        Assignment.objects.filter(
            proposal__in=overdue.values("pk"), ended_at__isnull=True, role__in=LEAD_ROLES
        )
        .values("unit_id", "unit__name", "unit__short_name")
        .annotate(n=Count("proposal", distinct=True))
        .order_by("-n", "unit__name")
    )
    return [
        {"unit_id": r["unit_id"], "unit": r["unit__short_name"] or r["unit__name"], "n": r["n"]} for r in rows
    ]


def adopted_outcomes(*, user, year: int, persons=None):
    """The adopted proposals of `year` with what came of them (the outcome, who adopted it), for the
    overview's table and the yearly summary; the same rows as `proposal_list(outcome=adopted, year=…)`."""
    return (
        _year_base(user, year, persons)
        .filter(OUTCOME_FILTERS["adopted"])
        .select_related("outcome", "outcome__adopted_by", "author")
        .defer("body", "search_text", "author__search_text", "author__notes", "author__address")
        .order_by("submitted_at", "id")
    )


def key_proposals(*, user, year: int, persons=None):
    """Key proposals (重点提案) of `year` with their supervising leaders and follow-up counts."""
    return (
        _year_base(user, year, persons)
        .filter(is_key=True)
        .select_related("author", "outcome")
        .prefetch_related("supervisors")
        .annotate(n_followups=Count("followups", distinct=True))
        .order_by("submitted_at", "id")
    )


def _pick(row: dict, *keys) -> dict:
    return {k: row[k] for k in keys}


def proposal_detail(*, user, pk: int) -> Proposal:
    from core.permissions import get_visible_or_404

    qs = Proposal.objects.select_related(
        "author__user", "session__term", "owner_org", "merged_into"
    ).prefetch_related(
        Prefetch("cosigners", queryset=Cosigner.objects.select_related("person").order_by("id")),
        Prefetch(
            "assignments", queryset=Assignment.objects.select_related("unit").order_by(ROLE_ORDER, "id")
        ),
        "attachments",
        "extensions",
        Prefetch("progress", queryset=Progress.objects.select_related("unit", "author")),
        "followups",
        "supervision_log__leader",
        "supervisors",
        Prefetch(
            "replies",
            queryset=Reply.objects.select_related("unit").prefetch_related(
                "countersigns__unit", "ratings__person"
            ),
        ),
        "merged_from__author",
    )
    return get_visible_or_404(qs, user, pk=pk)


def proposal_for_action(*, user, pk: int) -> Proposal:
    """The proposal an action (`views.TABLE`) checks and runs on: visible to `user` or 404, with what every
    check reads (author, session, owner). Not `proposal_detail`'s 13 related tables: an action reads the one
    or two it needs, and the page shown after it loads them all again."""
    from core.permissions import get_visible_or_404

    qs = Proposal.objects.select_related("author__user", "session__term", "owner_org", "merged_into")
    return get_visible_or_404(qs, user, pk=pk)


def confirmed_cosigners(proposal) -> list:
    return [c for c in proposal.cosigners.all() if c.status == CosignerStatus.CONFIRMED]


def published_replies(proposal) -> list[Reply]:
    """Approved replies; for a merged proposal, the replies of the proposal it was merged into."""
    source = proposal.merged_into if proposal.merged_into_id else proposal
    return [
        r
        for r in Reply.objects.filter(proposal=source, status=ReplyStatus.APPROVED)
        .select_related("unit")
        .order_by("round", "id")
    ]


def timeline(proposal) -> list[dict]:
    """Every step with date and actor: workflow log plus co-signing, assignments, progress, follow-ups,
    supervision, extensions, replies, countersigns, ratings and the outcome, oldest first."""
    ev = []
    for row in log_for(proposal, "proposal"):
        from .workflows import PROPOSAL

        t = PROPOSAL.find(row.source, row.target)
        label = t.label if t else PROPOSAL.labels.get(row.target, row.target)
        if row.target == ProposalStatus.FILED and proposal.number_label:
            label = f"{label}：{proposal.number_label}"
        ev.append(
            {"at": row.created_at, "kind": "流程", "label": label, "actor": row.actor_label, "note": row.note}
        )
    if proposal.is_key:
        made_key = proposal.history.filter(is_key=True).order_by("history_date").first()
        if made_key is not None:
            ev.append(
                {
                    "at": made_key.history_date,
                    "kind": "重点",
                    "label": "确定为重点提案",
                    "actor": str(made_key.history_user or ""),
                    "note": proposal.key_note,
                }
            )
    for c in proposal.cosigners.all():
        ev.append(
            {
                "at": c.created_at,
                "kind": "联名",
                "label": f"邀请{c.person.name}联名",
                "actor": proposal.author.name,
                "note": "",
            }
        )
        if c.responded_at:
            ev.append(
                {
                    "at": c.responded_at,
                    "kind": "联名",
                    "label": f"{c.person.name}{c.get_status_display()}",
                    "actor": c.person.name,
                    "note": "",
                }
            )
    for a in proposal.assignments.all():
        if a.disputed_at:
            ev.append(
                {
                    "at": a.disputed_at,
                    "kind": "交办",
                    "label": f"{a.unit.display_name}提出交办异议",
                    "actor": a.unit.display_name,
                    "note": a.dispute_reason,
                }
            )
        if a.ended_at:
            ev.append(
                {
                    "at": a.ended_at,
                    "kind": "交办",
                    "label": f"{a.unit.display_name}不再承办",
                    "actor": "",
                    "note": a.end_note,
                }
            )
        if a.input_at:
            ev.append(
                {
                    "at": a.input_at,
                    "kind": "会办",
                    "label": f"{a.unit.display_name}提交会办意见",
                    "actor": a.unit.display_name,
                    "note": a.input_text,
                }
            )
    for x in proposal.extensions.all():
        ev.append(
            {
                "at": x.created_at,
                "kind": "延期",
                "label": f"答复期限由 {x.old_due} 延至 {x.new_due}",
                "actor": str(x.requested_by or ""),
                "note": x.reason,
            }
        )
    for x in proposal.progress.all():
        ev.append(
            {
                "at": x.created_at,
                "kind": "进展",
                "label": f"{x.unit.display_name if x.unit else '工作人员'}填报办理进展",
                "actor": str(x.author or ""),
                "note": x.text,
            }
        )
    for x in proposal.followups.all():
        at = timezone.make_aware(dt.datetime.combine(x.date, dt.time(12)))
        ev.append(
            {
                "at": at,
                "kind": "跟踪",
                "label": f"{x.get_kind_display()}{('：' + x.place) if x.place else ''}",
                "actor": x.participants,
                "note": x.summary,
            }
        )
    for x in proposal.supervision_log.all():
        at = timezone.make_aware(dt.datetime.combine(x.date, dt.time(12)))
        ev.append(
            {"at": at, "kind": "督办", "label": "领导督办", "actor": str(x.leader or ""), "note": x.note}
        )
    for r in proposal.replies.all():
        ev.append(
            {
                "at": r.created_at,
                "kind": "答复",
                "label": f"{r.unit.display_name}起草第{r.round}轮答复",
                "actor": str(r.drafted_by or ""),
                "note": "",
            }
        )
        for s in r.countersigns.all():
            ev.append(
                {
                    "at": s.created_at,
                    "kind": "会签",
                    "label": f"{s.unit.display_name}会签",
                    "actor": str(s.signed_by or ""),
                    "note": s.note,
                }
            )
        for g in r.ratings.all():
            ev.append(
                {
                    "at": g.created_at,
                    "kind": "评价",
                    "label": f"{g.person.name}评价：{g.get_value_display()}",
                    "actor": g.person.name,
                    "note": g.comment,
                }
            )
    outcome = getattr(proposal, "outcome", None) if _has_outcome(proposal) else None
    if outcome:
        ev.append(
            {
                "at": outcome.updated_at,
                "kind": "成效",
                "label": "记录办理成效",
                "actor": str(outcome.recorded_by or ""),
                "note": outcome.actions,
            }
        )
    return sorted(ev, key=lambda e: e["at"])


def _has_outcome(proposal) -> bool:
    try:
        return proposal.outcome is not None
    except Exception:  # RelatedObjectDoesNotExist
        return False


BOARD_ROWS = 3  # the most urgent proposals of each kind a unit's card shows; the rest are one click away


def deadline_board(*, user, rows: int | None = None) -> list[dict]:
    """Overdue and nearly-due proposals (办理中) by lead (or split) unit, for staff and leaders: per unit how many
    of each, and its `rows` most urgent of each — the rest are the proposal list filtered by the unit and the
    deadline (`overdue_url`, `soon_url`), whose numbers these are. Two queries, however many proposals are late: a province's
    board is not thousands of rows on one page."""
    rows = rows or BOARD_ROWS
    today = timezone.localdate()
    active = Assignment.objects.filter(
        proposal__in=Proposal.objects.visible_to(user).filter(status=ProposalStatus.HANDLING),
        ended_at__isnull=True,
        role__in=LEAD_ROLES,
        proposal__reply_due__lte=today + dt.timedelta(days=NEARLY_DUE_DAYS),
    )
    late = Q(proposal__reply_due__lt=today)
    counts = {
        c["unit_id"]: c
        for c in active.order_by()
        .values("unit_id")
        .annotate(
            overdue=Count("proposal", distinct=True, filter=late),
            soon=Count("proposal", distinct=True, filter=~late),
        )
    }
    is_late = Case(When(late, then=Value(1)), default=Value(0))
    urgent = (
        active.annotate(
            rank=Window(
                RowNumber(),
                partition_by=[F("unit_id"), is_late],
                order_by=[F("proposal__reply_due").asc(), F("proposal_id").asc()],
            )
        )
        .filter(rank__lte=rows)
        .select_related("unit", "proposal__session__term")
        .defer("proposal__body", "proposal__search_text", "proposal__review_note", "proposal__origin_note")
        .order_by("unit__name", "unit_id", "proposal__reply_due", "proposal_id")
    )
    url = reverse("proposals:list")
    board: dict = {}
    for a in urgent:
        entry = board.get(a.unit_id)
        if entry is None:
            n = counts[a.unit_id]  # a unit with a row here has been counted
            entry = board[a.unit_id] = {"unit": a.unit, "overdue": [], "soon": []}
            for due in ("overdue", "soon"):
                entry[f"{due}_count"] = n[due]
                entry[f"{due}_url"] = (
                    f"{url}?{urlencode({'unit': a.unit_id, 'unit_role': 'lead', 'due': due})}"
                )
        (entry["overdue"] if a.proposal.reply_due < today else entry["soon"]).append(a.proposal)
    return list(board.values())


def unit_worklist(*, user):
    """A handling unit's assigned proposals (active assignments), with their deadlines, soonest first."""
    return (
        Assignment.objects.filter(
            unit_id=user.organisation_id,
            ended_at__isnull=True,
            proposal__in=Proposal.objects.visible_to(user),
        )
        .exclude(proposal__status=ProposalStatus.CLOSED)
        .select_related("proposal__session__term", "proposal__author")
        .order_by("proposal__reply_due", "id")
    )


def suggested_units(proposal, matches) -> list[dict]:
    """Units that led the handling of the most similar past proposals, weighted by similarity."""
    scores = {m.proposal.pk: m.score for m in matches}
    if not scores:
        return []
    tally: dict = {}
    for a in Assignment.objects.filter(
        proposal_id__in=scores, role__in=[AssignmentRole.LEAD, AssignmentRole.SPLIT]
    ).select_related("unit"):
        item = tally.setdefault(a.unit_id, {"unit": a.unit, "score": 0.0, "count": 0})
        item["score"] += scores[a.proposal_id]
        item["count"] += 1
    return sorted(tally.values(), key=lambda x: -x["score"])[:5]


def person_proposals(*, user, person):
    """A person's proposals (as proposer or confirmed co-signer) that the viewer may see, with outcomes."""
    return (
        Proposal.objects.visible_to(user)
        .filter(Q(author=person) | Q(cosigners__person=person, cosigners__status=CosignerStatus.CONFIRMED))
        .exclude(status__in=[ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN])
        .select_related("session__term", "outcome", "outcome__adopted_by")
        .distinct()
        .order_by("-created_at")
    )


def home_cards(user) -> list[dict]:
    url = reverse("proposals:list")
    visible = Proposal.objects.visible_to(user)
    if user.role == Role.UNIT:
        n = unit_worklist(user=user).filter(proposal__status=ProposalStatus.HANDLING).count()
        return [{"label": "待办理提案", "value": n, "url": reverse("proposals:unit_work")}]
    if user.role in (Role.MEMBER, Role.ADVISOR):
        # Co-signatures to confirm and replies to rate are the home page's work queues (待确认联名, 待评价的答复),
        # each titled with its count: no second count here that could disagree with them.
        mine = visible.filter(author__user=user).exclude(status=ProposalStatus.WITHDRAWN).count()
        return [{"label": "我的提案", "value": mine, "url": url + "?mine=1"}]
    if user.is_office:
        # Three counts, each read off the (owner_org, status) / (status, reply_due) indexes: one aggregate with
        # three filters read every visible proposal (17 ms at 30,000, growing with the years kept).
        handling = visible.filter(status=ProposalStatus.HANDLING)
        return [
            {
                "label": "待审查提案",
                "value": visible.filter(status=ProposalStatus.SUBMITTED).count(),
                "url": url + "?status=submitted",
            },
            {"label": "办理中提案", "value": handling.count(), "url": url + "?status=handling"},
            {
                "label": "逾期未答复",
                "value": handling.filter(reply_due__lt=timezone.localdate()).count(),
                "url": url + "?due=overdue",
            },
        ]
    if user.role == Role.PARTNER:
        return [
            {"label": "联合提出的提案", "value": visible.filter(status__in=FILED_STATES).count(), "url": url}
        ]
    return []


def public_replies(*, q: str = ""):
    """Replied or closed proposals with an approved reply, for the public page (no personal contacts)."""
    qs = (
        Proposal.objects.filter(status__in=[ProposalStatus.REPLIED, ProposalStatus.CLOSED])
        .select_related("session__term", "author")
        .prefetch_related(
            Prefetch(
                "replies",
                queryset=Reply.objects.filter(status=ReplyStatus.APPROVED)
                .select_related("unit")
                .order_by("round", "id"),
                to_attr="public_replies",
            )
        )
        .order_by("-replied_at", "-id")
    )
    if q:
        qs = qs.filter(search.contains_q(Proposal, q, using=qs.db))
    return qs


# ---- Counts and records for the performance archive (archives app) ----------------------------------------
#
# A proposal is credited to the year it was submitted (`submitted_at`, the contract of
# GET /api/v1/stats/performance), with everything that later happens to it (filed, merged, key, adopted):
# the archive of that year lists the year's proposals and their fate. Withdrawn proposals and drafts count
# nothing. A merged proposal (并案) counts as submitted and as merged for its own proposers, never as filed;
# the proposal it was merged into counts as filed for its own proposers only.

_ARCHIVE_FLAGS = {
    "filed": Q(status__in=FILED_STATES),
    "merged": Q(status=ProposalStatus.MERGED),
    "key": Q(is_key=True),
    "adopted": Q(outcome__adopted=True),
}


def _archive_proposals(*, start, end):
    return Proposal.objects.filter(submitted_at__gte=start, submitted_at__lt=end).exclude(
        status__in=[ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN]
    )


def proposal_counts_by_person(*, start, end, persons=None) -> dict[int, dict[str, int]]:
    """Per person, proposals submitted in [start, end) (aware datetimes), not withdrawn.

    As first proposer (author): `lead`, and of those `filed`, `merged`, `key`, `adopted`. As co-signer with a
    confirmed signature (declined or unanswered ones count nothing): `cosigned`, `filed_cosigned`,
    `merged_cosigned`, `key_cosigned`, `adopted_cosigned`. A joint proposal counts once per person and role
    (co-signers are unique per proposal). Two grouped queries; the caller decides who may see these counts.
    """
    out: dict[int, dict[str, int]] = {}
    authored = _archive_proposals(start=start, end=end)
    if persons is not None:
        authored = authored.filter(author_id__in=persons)
    rows = (
        authored.values("author_id")
        .annotate(lead=Count("id"), **{k: Count("id", filter=q) for k, q in _ARCHIVE_FLAGS.items()})
        .order_by()
    )
    for r in rows:
        out.setdefault(r.pop("author_id"), {}).update(r)
    cosigned = Cosigner.objects.filter(
        status=CosignerStatus.CONFIRMED,
        proposal__in=_archive_proposals(start=start, end=end).values("pk"),
    )
    if persons is not None:
        cosigned = cosigned.filter(person_id__in=persons)
    flags = {
        f"{k}_cosigned": Count("id", filter=_prefixed(q, "proposal__")) for k, q in _ARCHIVE_FLAGS.items()
    }
    rows = cosigned.values("person_id").annotate(cosigned=Count("id"), **flags).order_by()
    for r in rows:
        out.setdefault(r.pop("person_id"), {}).update(r)
    return out


def _prefixed(q: Q, prefix: str) -> Q:
    """The same condition seen from a related model (`status` → `proposal__status`)."""
    out = Q()
    out.connector, out.negated = q.connector, q.negated
    out.children = [_prefixed(c, prefix) if isinstance(c, Q) else (prefix + c[0], c[1]) for c in q.children]
    return out


def proposal_records(*, start, end, person_id: int, role: str, flag: str = ""):
    """The proposals behind one person's count: `role` "lead" (as first proposer) or "cosigned" (confirmed
    co-signature); `flag` one of filed / merged / key / adopted, or "" for all submitted in the period."""
    qs = _archive_proposals(start=start, end=end)
    if role == "lead":
        qs = qs.filter(author_id=person_id)
    else:
        qs = qs.filter(
            pk__in=Cosigner.objects.filter(person_id=person_id, status=CosignerStatus.CONFIRMED).values(
                "proposal_id"
            )
        )
    if flag:
        qs = qs.filter(_ARCHIVE_FLAGS[flag])
    return qs.select_related("author", "session__term", "outcome").order_by("submitted_at", "id")


# ---- Work queues of the home page (core.queues): what waits for the user now, oldest first ----------------


def review_queue(*, user):
    """Submitted proposals waiting for review (待审查), the longest-waiting first."""
    return (
        Proposal.objects.visible_to(user)
        .filter(status=ProposalStatus.SUBMITTED)
        .select_related("author")
        .order_by("submitted_at", "id")
    )


def reply_review_queue(*, user):
    """Proposals whose reply waits for the office's review (答复待审核), by the time the reply was submitted."""
    submitted = Reply.objects.filter(proposal=OuterRef("pk"), status=ReplyStatus.SUBMITTED).order_by(
        "-submitted_at"
    )
    return (
        Proposal.objects.visible_to(user)
        .filter(status=ProposalStatus.REPLY_REVIEW)
        .annotate(
            reply_submitted_at=Subquery(submitted.values("submitted_at")[:1]),
            reply_unit=Subquery(submitted.values("unit__name")[:1]),
        )
        .order_by(F("reply_submitted_at").asc(nulls_first=True), "id")
    )


def unit_queue(*, user):
    """A handling unit's proposals being handled (办理中, also after a reply was sent back), soonest deadline
    first."""
    return (
        unit_worklist(user=user)
        .filter(proposal__status=ProposalStatus.HANDLING)
        .select_related("proposal__session__term")
        .order_by(F("proposal__reply_due").asc(nulls_last=True), "id")
    )


def cosign_queue(*, user):
    """Co-signature invitations the person has not answered, oldest first, on proposals not yet submitted."""
    return (
        Cosigner.objects.filter(person__user=user, status=CosignerStatus.INVITED)
        .filter(proposal__status__in=[ProposalStatus.DRAFT, ProposalStatus.RETURNED])
        .select_related("proposal__author")
        .order_by("created_at", "id")
    )


def rating_queue(*, user):
    """Replied proposals the person may rate (proposer, confirmed co-signer, proposer of a merged proposal)
    and has not rated in the current round, oldest reply first."""
    person = getattr(user, "person", None) if user.is_authenticated else None
    if person is None:
        return Proposal.objects.none()
    rated = Rating.objects.filter(
        reply__proposal=OuterRef("pk"), reply__round=OuterRef("round"), person=person
    )
    # Each way a proposal is the person's, read off its own index (OR-ed joins made the database join every
    # proposal with its co-signers and merged proposals first: 5.6 ms of a member's home page at city scale).
    ids = (
        Proposal.objects.filter(author=person)
        .order_by()
        .values("pk")
        .union(
            Cosigner.objects.filter(person=person, status=CosignerStatus.CONFIRMED)
            .order_by()
            .values("proposal_id"),
            Proposal.objects.filter(merged_from__author=person).order_by().values("pk"),
            all=True,
        )
    )
    return (
        Proposal.objects.visible_to(user)
        .filter(pk__in=ids, status=ProposalStatus.REPLIED)
        .exclude(Exists(rated))
        .order_by("replied_at", "id")
    )


# ---- The public progress of a proposal (a citizen's idea status page) ----------------------------------


def surviving(proposal: Proposal) -> Proposal:
    """The proposal that carries on after merges (并案): the one it was merged into, followed to the end."""
    for _ in range(10):  # merges do not chain deeper in practice; a cycle cannot hang the page
        if not proposal.merged_into_id:
            break
        proposal = Proposal.objects.select_related("session__term").get(pk=proposal.merged_into_id)
    return proposal


_PUBLIC_STEPS = {
    ProposalStatus.SUBMITTED: "委员提交提案",
    ProposalStatus.NOT_FILED: "不予立案",
    ProposalStatus.CONVERTED: "转为意见建议办理",
    ProposalStatus.WITHDRAWN: "提案已撤回",
    ProposalStatus.CLOSED: "办结",
}


def public_progress(proposal: Proposal) -> list[dict]:
    """The milestones of a proposal anyone may see, oldest first, each {label, at, url}: submitted, merged into
    the surviving proposal (followed), 立案 with its number, 交办 to which units, the reply published (linking
    to the public reply), the proposer's rating, the outcome, 办结. No person's name, contact or comment."""
    out = []
    chain = [proposal]
    while chain[-1].merged_into_id and len(chain) < 10:
        chain.append(Proposal.objects.select_related("session__term").get(pk=chain[-1].merged_into_id))
    submitted = False
    for i, p in enumerate(chain):
        handled = False
        for row in log_for(p, "proposal"):
            t = row.target
            if t == ProposalStatus.SUBMITTED:
                if i > 0 or submitted:  # a resubmission after 退回修改, or the other proposal's own
                    continue
                submitted = True
            if t in _PUBLIC_STEPS:
                out.append({"label": _PUBLIC_STEPS[t], "at": row.created_at})
            elif t == ProposalStatus.MERGED and i + 1 < len(chain):
                out.append({"label": f"并入提案《{chain[i + 1].title}》一并办理", "at": row.created_at})
            elif t == ProposalStatus.FILED:
                out.append({"label": f"立案：{p.number_label}", "at": row.created_at})
            elif t == ProposalStatus.HANDLING and not handled:
                handled = True
                units = "、".join(
                    a.unit.display_name
                    for a in p.assignments.filter(ended_at__isnull=True)
                    .select_related("unit")
                    .order_by(ROLE_ORDER, "id")
                )
                out.append(
                    {"label": f"交办{units}办理" if units else "交办承办单位办理", "at": row.created_at}
                )
            elif t == ProposalStatus.HANDLING and row.data.get("rating"):
                out.append({"label": "再次办理", "at": row.created_at})
            elif t == ProposalStatus.REPLIED:
                url = (
                    reverse("proposals_public:replies")
                    + "?"
                    + urlencode({"q": p.title})
                    + f"#proposal-{p.pk}"
                )
                out.append({"label": "承办单位答复已公开", "at": row.created_at, "url": url})
            if row.data.get("rating"):
                out.append(
                    {"label": f"提案人评价：{RatingValue(row.data['rating']).label}", "at": row.created_at}
                )
    last = chain[-1]
    outcome = Outcome.objects.filter(proposal=last).select_related("adopted_by").first()
    if outcome is not None:
        parts = []
        if outcome.adopted and outcome.adopted_by_id:
            parts.append(f"被{outcome.adopted_by.display_name}采纳")
        parts.append(f"已完成（{outcome.completed_on:%Y-%m-%d}）" if outcome.completed else "正在落实")
        out.append(
            {"label": "办理成效：" + "，".join(parts), "at": outcome.updated_at, "note": outcome.actions}
        )
    return sorted(out, key=lambda x: x["at"])


MERGE_TARGET_STATES = ("submitted", "filed", "handling")


def merge_targets(user, proposal=None):
    """Proposals `proposal` may be merged into (并案): visible, open, not merged themselves, not itself.
    A queryset for validation: the merge form never lists it (the picker searches it through
    `merge_target_search`)."""
    qs = Proposal.objects.visible_to(user).filter(status__in=MERGE_TARGET_STATES, merged_into__isnull=True)
    return qs.exclude(pk=proposal.pk) if proposal is not None else qs


def _matching(qs, q: str, limit: int):
    norm = normalise(q or "")
    if norm:
        match = search.contains_q(Proposal, norm, using=qs.db)
        if norm.isdigit() and len(norm) <= 9:  # a 案号 (bounded: no integer overflow on PostgreSQL)
            match |= Q(number=int(norm))
        qs = qs.filter(match)
    return qs.order_by("-created_at", "-pk")[:limit]


def merge_target_search(user, proposal=None, q: str = "", *, limit: int = 20):
    """At most `limit` merge targets whose title, text or number contains `q`, newest first."""
    return _matching(merge_targets(user, proposal), q, limit)


def proposal_search(user, q: str = "", *, limit: int = 20):
    """At most `limit` proposals the user may see, in any state, whose title, text or number contains `q`,
    newest first (a picker's answer: the proposal a research topic led to)."""
    return _matching(Proposal.objects.visible_to(user), q, limit)


def proposal_label(proposal) -> str:
    """第0012号《…》 or #34《…》: what a picker shows of a proposal."""
    mark = f"第{proposal.number:04d}号" if proposal.number else f"#{proposal.pk}"
    return f"{mark}《{proposal.title}》"
