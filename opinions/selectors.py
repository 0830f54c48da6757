"""Reads of public-opinion reports: the register (page, export, API) and counts for the archive."""

from django.db.models import Count, Q

from core.text import normalise

from .models import OpinionReport, ReportLevel, ReportStatus

SORTS = {
    "new": ("-created_at", "-id"),
    "old": ("created_at", "id"),
    "number": ("number", "id"),
    "title": ("title", "id"),
    "status": ("status", "-created_at"),
}


def report_list(
    *,
    user,
    q: str = "",
    status: str = "",
    level: str = "",
    year: int | None = None,
    author_id: int | None = None,
    sort: str = "new",
    adopted_level: str = "",
    adopted: bool = False,
    persons=None,
):
    """Reports the user may see, filtered; `q` matches title, number or author (either script); `level` is
    adopted or instructed at that level; `adopted_level` adopted (采用, with or without an instruction) at
    that level; `adopted` adopted at any level; `persons` narrows to these authors (ids subquery)."""
    qs = OpinionReport.objects.visible_to(user).select_related("author", "owner_org")
    if persons is not None:
        qs = qs.filter(author__in=persons)
    if adopted or adopted_level:
        qs = qs.filter(ADOPTED)
    if adopted_level:
        qs = qs.filter(adopted_level=adopted_level)
    if q:
        qs = qs.filter(search_text__contains=normalise(q))
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(Q(adopted_level=level) | Q(instruction_level=level))
    if year:  # the year it was submitted (报送), as the performance archive credits it; drafts have none
        qs = qs.filter(submitted_at__year=year)
    if author_id:
        qs = qs.filter(author_id=author_id)
    return qs.order_by(*SORTS.get(sort, SORTS["new"]))


ADOPTED = Q(status__in=[ReportStatus.ADOPTED, ReportStatus.INSTRUCTED])


def report_figures(*, user, year: int | None = None, persons=None) -> dict:
    """The register's counts for a year (the same `year` meaning as the register's filter): submitted (past
    draft), adopted, instructed, and adopted by level. Two queries; each count matches `report_list` with
    the corresponding filter."""
    base = report_list(user=user, year=year, persons=persons).order_by()
    figures = base.aggregate(
        submitted=Count("id", filter=~Q(status=ReportStatus.DRAFT)),
        adopted=Count("id", filter=ADOPTED),
        instructed=Count("id", filter=Q(status=ReportStatus.INSTRUCTED)),
    )
    by_level = dict(base.filter(ADOPTED).values_list("adopted_level").annotate(n=Count("id")).order_by())
    figures["adopted_by_level"] = {level: by_level.get(level, 0) for level in ReportLevel.values}
    return figures


_SUBMITTED = ~Q(opinion_reports__status=ReportStatus.DRAFT)
_ADOPTED = Q(opinion_reports__status__in=[ReportStatus.ADOPTED, ReportStatus.INSTRUCTED])
_INSTRUCTED = Q(opinion_reports__status=ReportStatus.INSTRUCTED)


def report_counts_for(person_ids, *, year: int | None = None) -> dict[int, dict[str, int]]:
    """Per person: reports submitted (anything past draft), adopted (at any level), with a leader's instruction.

    One query whatever the number of persons. `year` limits to reports created that year. The caller (the
    archive) decides who may see these counts; this selector only counts.
    """
    from members.models import Person

    ids = list(person_ids)
    if not ids:
        return {}
    base = Q()
    if year:
        base = Q(opinion_reports__created_at__year=year)
    rows = (
        Person.objects.filter(pk__in=ids)
        .annotate(
            submitted=Count("opinion_reports", filter=base & _SUBMITTED),
            adopted=Count("opinion_reports", filter=base & _ADOPTED),
            instructed=Count("opinion_reports", filter=base & _INSTRUCTED),
        )
        .values("pk", "submitted", "adopted", "instructed")
    )
    return {r["pk"]: {k: r[k] for k in ("submitted", "adopted", "instructed")} for r in rows}


# ---- Counts and records for the performance archive (archives app) ----------------------------------------


def _archive_reports(*, start, end, persons=None):
    """Reports submitted (past draft) with `submitted_at` in [start, end)."""
    qs = OpinionReport.objects.exclude(status=ReportStatus.DRAFT).filter(
        submitted_at__gte=start, submitted_at__lt=end
    )
    if persons is not None:
        qs = qs.filter(author_id__in=persons)
    return qs


def report_counts_by_author(*, start, end, persons=None) -> dict[int, dict[str, int]]:
    """Per author, reports submitted in [start, end) (aware datetimes; a report sent back to draft does not
    count until it is submitted again) and, of those, adopted and instructed by level: keys `submitted`,
    `adopted` (any level), `adopted_<level>`, `instructed` (any level), `instructed_<level>` for national /
    provincial / city. A report is credited to the year it was submitted, whenever it was adopted. One
    grouped query; the caller decides who may see these counts."""
    adopted = Q(status__in=[ReportStatus.ADOPTED, ReportStatus.INSTRUCTED])
    instructed = Q(status=ReportStatus.INSTRUCTED)
    annotations = {
        "submitted": Count("id"),
        "adopted": Count("id", filter=adopted),
        "instructed": Count("id", filter=instructed),
    }
    for level in ReportLevel.values:
        annotations[f"adopted_{level}"] = Count("id", filter=adopted & Q(adopted_level=level))
        annotations[f"instructed_{level}"] = Count("id", filter=instructed & Q(instruction_level=level))
    rows = _archive_reports(start=start, end=end, persons=persons).values("author_id").annotate(**annotations)
    return {r.pop("author_id"): r for r in rows.order_by()}


def report_records(*, start, end, person_id: int, adopted_level: str = "", instruction_level: str = ""):
    """The reports behind one author's count: all submitted in the period, or those adopted / instructed at
    a level ("any" for every level)."""
    qs = _archive_reports(start=start, end=end).filter(author_id=person_id)
    if adopted_level:
        qs = qs.filter(status__in=[ReportStatus.ADOPTED, ReportStatus.INSTRUCTED])
        if adopted_level != "any":
            qs = qs.filter(adopted_level=adopted_level)
    if instruction_level:
        qs = qs.filter(status=ReportStatus.INSTRUCTED)
        if instruction_level != "any":
            qs = qs.filter(instruction_level=instruction_level)
    return qs.order_by("submitted_at", "id")


# ---- Work queues of the home page (core.queues) ------------------------------------------------------------


def acceptance_queue(*, user):
    """Reports submitted and waiting to be accepted (已报送 → 受理), the longest-waiting first."""
    return (
        OpinionReport.objects.visible_to(user)
        .filter(status=ReportStatus.SUBMITTED)
        .select_related("author")
        .order_by("submitted_at", "id")
    )
