"""Year-end closing (年度归档): store every person's archive of a year as a snapshot with its PDF, and the
ZIP of all PDFs — as a background job (`archives.tasks.close_year`) started from the closing page, or in the
foreground with `manage.py build_archives --year Y [--term N]`. Both run `closing_run_execute`.

Crash-safe and idempotent: each person's archive is written in its own transaction (PDF stored first, then the
row, `update_or_create` on the unique person × year × committee), and a person whose archive this run already
stored (with its file) is skipped. Re-running an unfinished run (queued, running after a crash, failed)
continues where it stopped; the ZIP is built at the end from the stored PDFs, so it always holds every person
of the run exactly once. Progress (done / total, message) lives on the `ClosingRun` row, which the run page
polls.
"""

import tempfile
import zipfile
from collections.abc import Callable
from decimal import Decimal

from django.core.files import File
from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from core import crash, permissions
from core.errors import DomainError

from .models import Archive, ClosingRun, RuleSet, RunStatus

UNFINISHED = (RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.FAILED)

Progress = Callable[[int, int], None]  # (done, total)


# ---- Which persons ----------------------------------------------------------------------------------------


def run_persons(run: ClosingRun):
    """The persons a run archives: not anonymised, of the rule set's committee and below — except those under
    a body below it that has its own rule set for the year (their archives belong to that closing) — and, with
    a term, those who held a role in it. In roster order."""
    from members.models import Person

    org = run.rule_set.owner_org
    qs = Person.objects.filter(owner_org__path__startswith=org.path, anonymised_at__isnull=True)
    deeper = (
        RuleSet.objects.filter(year=run.year, owner_org__path__startswith=org.path)
        .exclude(owner_org=org)
        .values_list("owner_org__path", flat=True)
    )
    for path in deeper:
        qs = qs.exclude(owner_org__path__startswith=path)
    if run.term_id:
        qs = qs.filter(term_roles__term_id=run.term_id).distinct()
    return qs.select_related("sector", "owner_org").order_by("sort_name", "name", "id")


# ---- Starting a run ---------------------------------------------------------------------------------------


def _validate_year(year) -> int:
    from .services import _check_year

    year = _check_year(year)
    if year > timezone.localdate().year:
        raise DomainError(f"{year} 年度尚未开始，不能归档。", field="year")
    return year


def unfinished_run(rule_set: RuleSet, *, year: int, term=None) -> ClosingRun | None:
    """The run of this committee, year and term that has not finished (to continue rather than start anew)."""
    return (
        ClosingRun.objects.filter(
            rule_set=rule_set, year=year, status__in=UNFINISHED, term_id=getattr(term, "pk", term)
        )
        .order_by("-created_at", "-id")
        .first()
    )


def _create(*, rule_set: RuleSet, year: int, term, actor) -> ClosingRun:
    return ClosingRun.objects.create(
        owner_org=rule_set.owner_org,
        year=year,
        term=term,
        rule_set=rule_set,
        status=RunStatus.QUEUED,
        message="排队中，等待后台任务开始。",
        created_by=actor,
    )


def _enqueue(run: ClosingRun) -> None:
    from .tasks import close_year

    transaction.on_commit(lambda: close_year.enqueue(run.pk))


def closing_run_start(*, actor, year, term=None) -> ClosingRun:
    """Start the closing of a year for the actor's committee as a background job. Refused while an
    unfinished run of the same year and term exists (it is continued instead, `closing_run_resume`)."""
    from .selectors import require_rule_set, scope_org

    permissions.require(actor, "create", ClosingRun)
    year = _validate_year(year)
    rule_set = require_rule_set(year, scope_org(actor))
    if not permissions.is_visible(actor, rule_set):  # e.g. the city CPPCC's rules: not this office's to close
        raise DomainError("只能归档本机构的履职档案。")
    with transaction.atomic():
        RuleSet.objects.select_for_update().get(pk=rule_set.pk)  # two starts at once: one run
        if unfinished_run(rule_set, year=year, term=term) is not None:
            raise DomainError(f"{year} 年度已有未完成的归档批次，请打开该批次继续，不要重复发起。")
        run = _create(rule_set=rule_set, year=year, term=term, actor=actor)
        _enqueue(run)
    return run


def closing_run_resume(*, actor, run: ClosingRun) -> ClosingRun:
    """Queue an unfinished run again (after a crash or a failure): it continues where it stopped."""
    permissions.require(actor, "create", run)
    with transaction.atomic():
        run = ClosingRun.objects.select_for_update().get(pk=run.pk)
        if run.status == RunStatus.DONE:
            raise DomainError("该批次已完成，无需继续。")
        run.status = RunStatus.QUEUED
        run.message = "已重新排队，将从中断处继续。"
        run.save(update_fields=["status", "message", "updated_at"])
        _enqueue(run)
    return run


def closing_run_open(*, year, term=None, org=None) -> tuple[ClosingRun, bool]:
    """For the command: the unfinished run of the year (and term) to continue, or a new one. Returns
    (run, continued)."""
    from .selectors import require_rule_set

    year = _validate_year(year)
    rule_set = require_rule_set(year, org)
    with transaction.atomic():
        RuleSet.objects.select_for_update().get(pk=rule_set.pk)
        run = unfinished_run(rule_set, year=year, term=term)
        if run is not None:
            return run, True
        return _create(rule_set=rule_set, year=year, term=term, actor=None), False


# ---- Running it -------------------------------------------------------------------------------------------


def _text(value) -> str:
    return str(value) if isinstance(value, Decimal) else value


def snapshot_data(archive) -> dict:
    """The archive as stored at closing: the breakdown with each rule, unmet minimums and every record."""
    r = archive.result
    return {
        "rule_set": archive.rules.label,
        "lines": [
            {
                "item": line.item.code,
                "label": line.item.label,
                "count": _text(line.count),
                "cosigned": line.cosigned,
                "rule": line.rule.describe() if line.rule else "",
                "explanation": line.explanation,
                "points": _text(line.points),
            }
            for line in r.lines
        ],
        "unmet": [
            {"label": u.label, "required": _text(u.required), "actual": _text(u.actual)} for u in r.unmet
        ],
        "groups": [
            {
                "group": group,
                "entries": [
                    {
                        "item": e.column.item.code,
                        "role": e.column.role,
                        "label": e.column.label,
                        "count": _text(e.count),
                        "records": [
                            {
                                "date": rec.date.isoformat() if rec.date else None,
                                "title": rec.title,
                                "url": rec.url,
                                "note": rec.note,
                                "value": _text(rec.value),
                            }
                            for rec in e.records
                        ],
                    }
                    for e in entries
                ],
            }
            for group, entries in archive.groups
        ],
    }


def _pdf_storage():
    return Archive._meta.get_field("pdf").storage


def _archive_one(run: ClosingRun, person) -> Archive:
    """Compute, render and store one person's archive (the PDF first, then the row in one transaction)."""
    from . import selectors
    from .pdf import archive_pdf

    live = selectors.person_archive(None, person, year=run.year)
    now = timezone.now()
    pdf = archive_pdf(live, generated_at=timezone.localtime(now))
    storage = _pdf_storage()
    name = storage.save(f"archives/pdf/{run.year}/{run.owner_org_id}-{person.pk}.pdf", ContentFile(pdf))
    with transaction.atomic():
        old = (
            Archive.objects.select_for_update()
            .filter(owner_org=run.owner_org, person=person, year=run.year)
            .values_list("pdf", flat=True)
            .first()
        )
        archive, _ = Archive.objects.update_or_create(
            owner_org=run.owner_org,
            person=person,
            year=run.year,
            defaults={
                "rule_set": live.rule_set,
                "rule_set_version": live.rule_set.version,
                "score": live.score,
                "grade": live.grade,
                "data": snapshot_data(live),
                "pdf": name,
                "run": run,
                "closed_at": now,
            },
        )
        done = Archive.objects.filter(run=run).count()
        ClosingRun.objects.filter(pk=run.pk).update(
            done=done, message=f"已生成 {person.name} 的档案。", updated_at=timezone.now()
        )
    if old and old != name:
        storage.delete(old)
    return archive


def _already_stored(run: ClosingRun) -> set[int]:
    """Persons whose archive this run stored, file and all (skipped when the run continues)."""
    storage = _pdf_storage()
    rows = Archive.objects.filter(run=run).exclude(Q(pdf="") | Q(pdf__isnull=True))
    return {pid for pid, name in rows.values_list("person_id", "pdf") if storage.exists(name)}


def zip_name(run: ClosingRun) -> str:
    term = f"第{run.term.number}届_" if run.term_id else ""
    return f"{run.year}年度履职档案_{term}{run.owner_org.name}.zip"


def _write_zip(run: ClosingRun) -> int:
    """The ZIP of every PDF of the run, one per person, named 姓名_编号.pdf; replaces an earlier ZIP."""
    storage = _pdf_storage()
    archives = (
        Archive.objects.filter(run=run)
        .exclude(pdf="")
        .select_related("person")
        .order_by("person__sort_name", "person__name", "person_id")
    )
    n = 0
    old = run.zip_file.name
    with tempfile.TemporaryFile() as tmp:
        with zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as zf:  # PDFs are compressed already
            for a in archives.iterator():
                with storage.open(a.pdf.name, "rb") as f:
                    zf.writestr(f"{a.person.name}_{a.person_id}.pdf", f.read())
                n += 1
        tmp.seek(0)
        run.zip_file.save(f"{run.year}-{run.owner_org_id}-{run.pk}.zip", File(tmp), save=False)
    ClosingRun.objects.filter(pk=run.pk).update(zip_file=run.zip_file.name)
    if old and old != run.zip_file.name:
        storage = run.zip_file.storage
        transaction.on_commit(lambda: storage.delete(old))  # at once outside a transaction
    return n


def closing_run_execute(*, run_id: int, progress: Progress | None = None) -> ClosingRun:
    """Do (or continue) a run: every person's archive once, then the ZIP. Updates done / total / message as
    it goes; on an error the run is marked failed with the reason and can be continued."""
    with transaction.atomic():
        run = (
            ClosingRun.objects.select_for_update(of=("self",))
            .select_related("rule_set__owner_org", "term", "owner_org")
            .get(pk=run_id)
        )
        if run.status == RunStatus.DONE:
            return run
        persons = list(run_persons(run))
        stored = _already_stored(run)
        run.status = RunStatus.RUNNING
        run.started_at = run.started_at or timezone.now()
        run.total = len(persons)
        run.done = len(stored)
        run.message = "继续生成档案……" if stored else "正在生成档案……"
        run.save(update_fields=["status", "started_at", "total", "done", "message", "updated_at"])
    done = len([p for p in persons if p.pk in stored])
    if progress:
        progress(done, len(persons))
    current = None
    try:
        for person in persons:
            if person.pk in stored:
                continue
            current = person
            _archive_one(run, person)
            crash.point("archives.closing.archive_stored")
            done += 1
            if progress:
                progress(done, len(persons))
        current = None
        ClosingRun.objects.filter(pk=run.pk).update(message="正在打包档案压缩包……")
        n = _write_zip(run)
        crash.point("archives.closing.zip_written")
    except Exception as exc:
        who = f"{current.name}的档案" if current is not None else "压缩包"
        ClosingRun.objects.filter(pk=run.pk).update(
            status=RunStatus.FAILED,
            message=f"生成{who}时出错（{exc.__class__.__name__}），已完成的部分已保存，可继续。",
        )
        raise
    ClosingRun.objects.filter(pk=run.pk).update(
        status=RunStatus.DONE,
        done=n,
        total=len(persons),
        finished_at=timezone.now(),
        message=f"已完成：{n} 份档案已归档并打包。",
    )
    run.refresh_from_db()
    return run


# ---- Erasure ----------------------------------------------------------------------------------------------


def person_erase(person) -> None:
    """A deleted person's archived PDFs carry their name: the files go, and every finished ZIP that held one is
    built again without it. The archive rows (score, grade, breakdown without names) stay, so the closed years
    keep counting. Called by `members.services.person_delete` through the `person_erase` hook."""
    archives = list(Archive.objects.filter(person=person).exclude(pdf=""))
    if not archives:
        return
    storage = _pdf_storage()
    names = [a.pdf.name for a in archives]
    Archive.objects.filter(pk__in=[a.pk for a in archives]).update(pdf="")
    runs = ClosingRun.objects.filter(pk__in={a.run_id for a in archives if a.run_id}, status=RunStatus.DONE)
    for run in runs.select_related("owner_org", "term"):
        done = _write_zip(run)
        ClosingRun.objects.filter(pk=run.pk).update(done=done)
    transaction.on_commit(lambda: [storage.delete(name) for name in names])
