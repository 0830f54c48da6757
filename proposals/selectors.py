"""Reads that shape proposal queries. Every one starts from `Proposal.objects.visible_to(user)`."""

import datetime as dt

from django.db.models import Case, Count, Exists, OuterRef, Prefetch, Q, Value, When
from django.urls import reverse
from django.utils import timezone

from core.roles import Role
from core.text import normalise
from core.workflow import log_for

from .models import (
    FILED_STATES,
    Assignment,
    AssignmentRole,
    Cosigner,
    CosignerStatus,
    Progress,
    Proposal,
    ProposalStatus,
    Reply,
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
        .order_by("role", "id"),
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
):
    """Visible proposals with their author, session and active handling units (a fixed number of queries).

    Filters: text (title, proposer, origin; either script), status, 大会/平时, handling unit, key only,
    session, deadline (`overdue` / `soon`), `mine` (a member's own or co-signed ones).
    """
    qs = Proposal.objects.visible_to(user).select_related("author", "session__term", "owner_org")
    if q:
        qs = qs.filter(search_text__contains=normalise(q))
    if status:
        qs = qs.filter(status=status)
    if timing:
        qs = qs.filter(timing=timing)
    if unit:
        qs = qs.filter(
            Exists(Assignment.objects.filter(proposal=OuterRef("pk"), unit_id=unit, ended_at__isnull=True))
        )
    if key:
        qs = qs.filter(is_key=True)
    if session:
        qs = qs.filter(session_id=session)
    today = timezone.localdate()
    if due == "overdue":
        qs = qs.filter(status=ProposalStatus.HANDLING, reply_due__lt=today)
    elif due == "soon":
        qs = qs.filter(
            status=ProposalStatus.HANDLING,
            reply_due__gte=today,
            reply_due__lte=today + dt.timedelta(days=NEARLY_DUE_DAYS),
        )
    if mine and user.role in (Role.MEMBER, Role.ADVISOR):
        qs = qs.filter(author__user=user)
    return qs.prefetch_related(_active_assignments()).order_by(*SORTS.get(sort, SORTS["new"]))


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
        ev.append(
            {"at": row.created_at, "kind": "流程", "label": label, "actor": row.actor_label, "note": row.note}
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


def deadline_board(*, user):
    """Overdue and nearly-due proposals grouped by lead (or split) unit, for staff and leaders."""
    today = timezone.localdate()
    base = Proposal.objects.visible_to(user).filter(status=ProposalStatus.HANDLING)
    rows = (
        Assignment.objects.filter(
            proposal__in=base,
            ended_at__isnull=True,
            role__in=[AssignmentRole.LEAD, AssignmentRole.SPLIT],
            proposal__reply_due__lte=today + dt.timedelta(days=NEARLY_DUE_DAYS),
        )
        .select_related("unit", "proposal__session__term")
        .order_by("unit__name", "proposal__reply_due")
    )
    board: dict = {}
    for a in rows:
        entry = board.setdefault(a.unit_id, {"unit": a.unit, "overdue": [], "soon": []})
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
        mine = visible.filter(author__user=user).exclude(status=ProposalStatus.WITHDRAWN).count()
        invited = Cosigner.objects.filter(person__user=user, status=CosignerStatus.INVITED).count()
        to_rate = visible.filter(status=ProposalStatus.REPLIED).count()
        cards = [{"label": "我的提案", "value": mine, "url": url + "?mine=1"}]
        if invited:
            cards.append({"label": "待确认联名", "value": invited, "url": url})
        if to_rate:
            cards.append({"label": "待评价答复", "value": to_rate, "url": url + "?status=replied"})
        return cards
    if user.is_office:
        counts = visible.aggregate(
            waiting=Count("id", filter=Q(status=ProposalStatus.SUBMITTED)),
            handling=Count("id", filter=Q(status=ProposalStatus.HANDLING)),
            overdue=Count("id", filter=Q(status=ProposalStatus.HANDLING, reply_due__lt=timezone.localdate())),
        )
        return [
            {"label": "待审查提案", "value": counts["waiting"], "url": url + "?status=submitted"},
            {"label": "办理中提案", "value": counts["handling"], "url": url + "?status=handling"},
            {"label": "逾期未答复", "value": counts["overdue"], "url": url + "?due=overdue"},
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
        qs = qs.filter(search_text__contains=normalise(q))
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
