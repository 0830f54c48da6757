"""Writes to public-opinion reports. Every status change goes through `report_transition` (the workflow table)."""

import datetime as dt

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import permissions
from core.errors import DomainError
from core.numbering import next_in_sequence
from core.text import search_form
from notifications.services import notify

from .models import MAX_CHARS, OpinionReport, ReportLevel, ReportStatus
from .workflows import report_workflow

S = ReportStatus


def _search_text(report: OpinionReport) -> str:
    return search_form(report.title, report.number, report.author.name)


def _clean_text(title: str, situation: str, analysis: str, suggestion: str) -> tuple[str, str, str, str]:
    title = (title or "").strip()
    parts = [(p or "").strip() for p in (situation, analysis, suggestion)]
    if not title:
        raise DomainError("请填写标题。", field="title")
    if len(title) > 200:
        raise DomainError("标题不能超过 200 字。", field="title")
    total = sum(len(p) for p in parts)
    if total > MAX_CHARS:
        raise DomainError(
            f"社情民意信息应一事一报、简明扼要：基本情况、原因分析、意见建议合计不能超过 {MAX_CHARS} 字，"
            f"现为 {total} 字。",
            field="situation",
        )
    return title, *parts


def _check_author(actor, author) -> None:
    """A member writes only under their own name; staff may draft for a member (e.g. from a visit)."""
    if getattr(actor, "is_person", False):
        own = getattr(actor, "person", None)
        if own is None or own.pk != author.pk:
            raise DomainError("委员只能以本人名义撰写社情民意信息。", field="author")


@transaction.atomic
def report_create(
    *,
    actor,
    author,
    title: str,
    situation: str = "",
    analysis: str = "",
    suggestion: str = "",
    owner_org=None,
    submit: bool = False,
) -> OpinionReport:
    """Create a report as a draft (optionally submitting it at once). Owned by `owner_org`, else the author's.

    Checks `can(actor, "create")` and that a member writes under their own name. Nothing is written on error.
    """
    permissions.require(actor, "create", OpinionReport)
    _check_author(actor, author)
    title, situation, analysis, suggestion = _clean_text(title, situation, analysis, suggestion)
    report = OpinionReport(
        owner_org=owner_org or author.owner_org,
        author=author,
        title=title,
        situation=situation,
        analysis=analysis,
        suggestion=suggestion,
    )
    report.search_text = _search_text(report)
    report.full_clean(exclude=["owner_org", "author"])
    report.save()
    if submit:
        report = report_transition(actor=actor, report=report, target=S.SUBMITTED)
    return report


def report_create_draft(*, actor, author, title: str, body: str, owner_org=None) -> OpinionReport:
    """A draft report for `author` from one block of text (kept as 基本情况; the author splits it later).

    Used by other apps (e.g. visits: a member's request becomes a report draft). Same checks as `report_create`.
    """
    return report_create(actor=actor, author=author, title=title, situation=body, owner_org=owner_org)


@transaction.atomic
def report_update(
    *, actor, report: OpinionReport, title: str, situation: str, analysis: str, suggestion: str
) -> OpinionReport:
    """Change the text: the author while it is a draft, staff while they process it. Checks `can(actor, "edit")`."""
    report = OpinionReport.objects.select_for_update().select_related("author").get(pk=report.pk)
    permissions.require(actor, "edit", report)
    report.title, report.situation, report.analysis, report.suggestion = _clean_text(
        title, situation, analysis, suggestion
    )
    report.search_text = _search_text(report)
    report.save()
    return report


def _level(value: str, label: str) -> str:
    if value not in ReportLevel.values:
        raise DomainError(f"请选择{label}。", field="level")
    return value


def _next_number(report: OpinionReport) -> str:
    """Year-sequence per owning organisation (2026-001), the organisation's row locked while numbering."""
    prefix = f"{timezone.localdate().year}-"

    def highest() -> int:
        taken = OpinionReport.objects.filter(owner_org_id=report.owner_org_id, number__startswith=prefix)
        numbers = (n[len(prefix) :] for n in taken.values_list("number", flat=True))
        return max((int(n) for n in numbers if n.isdigit()), default=0)

    return f"{prefix}{next_in_sequence(owner=report.owner_org, highest=highest):03d}"


@transaction.atomic
def report_transition(
    *,
    actor,
    report: OpinionReport,
    target: str,
    note: str = "",
    level: str = "",
    organisation: str = "",
    leader: str = "",
    text: str = "",
    date: dt.date | None = None,
) -> OpinionReport:
    """Move a report one step (the workflow table decides what is allowed and who may do it).

    Side effects by target:
    - submitted: the three parts must all be filled and within the limit; `submitted_at` set.
    - accepted: a number (year-sequence, per owning organisation) is given.
    - sent_up: `level` (required), `organisation` (sent to) and `date` recorded.
    - adopted: `level` (required), `organisation` (adopted by) and `date` recorded.
    - instructed: `level` (required), `leader`, `text` (the 批示) and `date` recorded.
    - draft (returned) and not_adopted: a note is required.
    Always: a log row (actor, from, to, note) and a notification to the author. Nothing written on error.
    """
    when = date or timezone.localdate()
    note = (note or "").strip()

    def apply(r: OpinionReport) -> None:
        if target == S.SUBMITTED:
            if not (r.situation and r.analysis and r.suggestion):
                raise DomainError("报送前请填写基本情况、原因分析和意见建议三部分。", field="situation")
            r.submitted_at = timezone.now()
        elif target == S.ACCEPTED and not r.number:
            r.number = _next_number(r)
        elif target == S.SENT_UP:
            r.sent_up_level = _level(level, "上报层级")
            r.sent_up_to = (organisation or "").strip()[:100]
            r.sent_up_at = when
        elif target == S.ADOPTED:
            r.adopted_level = _level(level, "采用层级")
            r.adopted_by = (organisation or "").strip()[:100]
            r.adopted_at = when
        elif target == S.INSTRUCTED:
            r.instruction_level = _level(level, "批示层级")
            if not (leader or "").strip():
                raise DomainError("请填写批示领导。", field="leader")
            r.instruction_leader = leader.strip()[:100]
            r.instruction_text = (text or "").strip()
            r.instructed_at = when
        r.search_text = search_form(r.title, r.number, report.author.name)

    data = {k: v for k, v in {"level": level, "organisation": organisation, "leader": leader}.items() if v}
    updated = report_workflow.transition(report, target, actor=actor, note=note, data=data, apply=apply)
    label = ReportStatus(target).label
    notify(
        [report.author],
        f"opinions.{target}",
        updated,
        title=f"您的社情民意信息《{updated.title}》{label}",
        body=note,
        url=reverse("opinions:detail", args=[updated.pk]),
    )
    return updated
