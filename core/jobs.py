"""Large exports as background jobs with a progress bar (issue 13).

An export view decorated with `@background_export` runs as before while its result is small. When the rows it
streams (`core.exports.stream`) number more than `TONGXIN_EXPORT_JOB_ROWS` (default 20,000), the view stops
before writing anything, an `ExportJob` is stored with the view's address and filters, and the user lands on the
job's page: a progress bar (htmx polling a small partial, so it survives a page reload) and, when done, the
download link. The job (django-tasks: the database queue, or Redis/RQ when scaled out) replays the same view for
the same user with the same filters, so the file is exactly what the page would have given, permission checks
included; `stream` advances the progress once per chunk. A job always ends done or failed with a reason; a job
whose process was killed is shown as interrupted after ten minutes without progress, and the user asks again
(nothing half-written is ever offered: the file is stored only when complete). Files are removed by the
retention rule `export_files`.
"""

import contextvars
import functools
import logging

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.http import HttpRequest, QueryDict
from django.shortcuts import redirect
from django.urls import resolve
from django.utils import timezone
from django_tasks import task

from .models import ExportJob, ExportJobStatus

log = logging.getLogger(__name__)

# Set by `background_export` around a view (probe: may this export move to a job?) and by the job (progress).
_probe: contextvars.ContextVar[bool] = contextvars.ContextVar("export_probe", default=False)
_job: contextvars.ContextVar[ExportJob | None] = contextvars.ContextVar("export_job", default=None)


class TooLargeForPage(Exception):
    def __init__(self, total: int):
        self.total = total


def threshold() -> int:
    return int(getattr(settings, "TONGXIN_EXPORT_JOB_ROWS", 20_000))


def before_stream(queryset) -> None:
    """Called by `core.exports.stream` before the first row: in a page request of a decorated view, count the
    rows (one query) and move a large export to a job; in a job, record the total."""
    job = _job.get()
    if job is not None:
        job.total = queryset.count()
        ExportJob.objects.filter(pk=job.pk).update(total=job.total)
    elif _probe.get():
        total = queryset.count()
        if total > threshold():
            raise TooLargeForPage(total)


def advance(rows: int) -> None:
    """Called by `core.exports.stream` after each chunk in a job."""
    job = _job.get()
    if job is not None:
        job.done += rows
        ExportJob.objects.filter(pk=job.pk).update(done=job.done, progressed_at=timezone.now())


def background_export(view):
    """Decorator for an export view whose rows come from `core.exports.stream` (Excel): more rows than the
    threshold go to a background job instead of the response."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        token = _probe.set(_job.get() is None)
        try:
            return view(request, *args, **kwargs)
        except TooLargeForPage as large:
            job = ExportJob.objects.create(
                user=request.user,
                path=request.path,
                query=request.GET.urlencode(),
                traditional=bool(getattr(request, "wants_traditional", False)),
                total=large.total,
            )
            transaction.on_commit(lambda: run_export.enqueue(job.pk))
            return redirect("core:export_job", pk=job.pk)
        finally:
            _probe.reset(token)

    return wrapper


def _replay_request(job: ExportJob) -> HttpRequest:
    request = HttpRequest()
    request.method = "GET"
    request.path = request.path_info = job.path
    request.GET = QueryDict(job.query)
    request.META = {"SERVER_NAME": "localhost", "SERVER_PORT": "80", "REMOTE_ADDR": "127.0.0.1",
                    "QUERY_STRING": job.query, "HTTP_HOST": "localhost"}  # fmt: skip
    request.user = job.user
    request.wants_traditional = job.traditional
    request.session = {}
    return request


@task()
def run_export(job_id: int) -> None:
    """Replay the export view for the job's user; store the file; mark done or failed (with a Chinese reason)."""
    job = ExportJob.objects.select_related("user").filter(pk=job_id).first()
    if job is None or job.status == ExportJobStatus.DONE:
        return
    ExportJob.objects.filter(pk=job.pk).update(
        status=ExportJobStatus.RUNNING, done=0, progressed_at=timezone.now()
    )
    job.done = 0
    token = _job.set(job)
    try:
        match = resolve(job.path)
        response = match.func(_replay_request(job), *match.args, **match.kwargs)
        if response.status_code != 200:
            raise RuntimeError(f"导出失败（{response.status_code}）")
        filename = _filename(response)
        job.file.save(f"export-{job.pk}.xlsx", ContentFile(response.content), save=False)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJobStatus.DONE,
            file=job.file.name,
            filename=filename,
            content_type=response.get("Content-Type", ""),
            done=job.total,
            finished_at=timezone.now(),
        )
    except Exception as exc:  # the job must end in a state the page can show
        log.exception("export job %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportJobStatus.FAILED, error=str(exc)[:300] or "导出失败", finished_at=timezone.now()
        )
    finally:
        _job.reset(token)


def _filename(response) -> str:
    from urllib.parse import unquote

    disposition = response.get("Content-Disposition", "")
    if "filename*=UTF-8''" in disposition:
        return unquote(disposition.split("filename*=UTF-8''", 1)[1])
    return "导出.xlsx"
