"""Reads of public-opinion reports: the register (page, export, API) and counts for the archive."""

from django.db.models import Count, Q

from core.text import normalise

from .models import OpinionReport, ReportStatus

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
):
    """Reports the user may see, filtered; `q` matches title, number or author (either script)."""
    qs = OpinionReport.objects.visible_to(user).select_related("author", "owner_org")
    if q:
        qs = qs.filter(search_text__contains=normalise(q))
    if status:
        qs = qs.filter(status=status)
    if level:
        qs = qs.filter(Q(adopted_level=level) | Q(instruction_level=level))
    if year:
        qs = qs.filter(created_at__year=year)
    if author_id:
        qs = qs.filter(author_id=author_id)
    return qs.order_by(*SORTS.get(sort, SORTS["new"]))


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
