import datetime

from django.apps import apps
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, render

from . import permissions
from .hooks import collect
from .middleware import refuse


@login_required
def home(request):
    """What needs the user now (`home_sections(request)`), then real counts for the user's scope
    (`home_cards(user)`), both contributed by each app's AppConfig."""
    sections = sorted(collect("home_sections", request), key=lambda s: s.get("order", 100))
    return render(
        request, "core/home.html", {"sections": sections, "cards": collect("home_cards", request.user)}
    )


@login_required
def history(request, app_label: str, model_name: str, pk: int):
    """Who changed what, when, for any object with a history the user may view."""
    try:
        model = apps.get_model(app_label, model_name)
    except LookupError:
        raise Http404("未找到该记录，或您无权查看。")
    if not hasattr(model, "history"):
        raise Http404("未找到该记录，或您无权查看。")
    obj = permissions.get_visible_or_404(model, request.user, pk=pk)
    permissions.require(request.user, "view", obj)
    records = list(obj.history.select_related("history_user").order_by("-history_date", "-history_id")[:200])
    rows = []
    for i, record in enumerate(records):
        previous = records[i + 1] if i + 1 < len(records) else None
        changes = []
        if previous is not None:
            delta = record.diff_against(previous)
            for change in delta.changes:
                field = model._meta.get_field(change.field)
                changes.append(
                    {
                        "field": field.verbose_name,
                        "old": _show(field, change.old),
                        "new": _show(field, change.new),
                    }
                )
        rows.append({"record": record, "changes": changes})
    return render(
        request, "core/history.html", {"obj": obj, "rows": rows, "verbose_name": model._meta.verbose_name}
    )


@login_required
def access_log(request):
    """PIPL: who revealed or exported which protected value of whom, when. Admins only; filter by viewer,
    subject, kind (查看明文 / 导出) and date."""
    from .exports import excel_response
    from .models import AccessKind, SensitiveAccessLog
    from .pagination import paginate, query_without_page

    permissions.require(request.user, "view", SensitiveAccessLog)
    qs = SensitiveAccessLog.objects.select_related("user").order_by("-created_at", "-id")
    viewer = request.GET.get("viewer", "").strip()
    subject = request.GET.get("subject", "").strip()
    date_from = request.GET.get("from", "").strip()
    kind = request.GET.get("kind", "")
    if kind in AccessKind.values:
        qs = qs.filter(kind=kind)
    else:
        kind = ""
    if viewer:
        qs = qs.filter(user__username__icontains=viewer) | qs.filter(user__full_name__icontains=viewer)
    if subject:
        qs = qs.filter(subject_label__icontains=subject)
    if date_from:
        try:
            qs = qs.filter(created_at__date__gte=datetime.date.fromisoformat(date_from))
        except ValueError:
            messages.error(request, "起始日期格式不正确，应为 YYYY-MM-DD。")
    if request.GET.get("format") == "xlsx":
        permissions.require(request.user, "export", SensitiveAccessLog)
        rows = (
            (
                r.created_at,
                r.user.display_name,
                r.get_kind_display(),
                r.subject_label,
                r.field,
                r.detail,
                r.ip_address or "",
            )
            for r in qs
        )
        return excel_response(
            "敏感信息访问记录.xlsx",
            "访问记录",
            ["时间", "查看人", "操作", "数据主体", "字段", "说明", "IP 地址"],
            rows,
            widths=[20, 20, 10, 30, 20, 30, 16],
            traditional=request.wants_traditional,
        )
    page = paginate(request, qs, per_page=50)
    return render(
        request,
        "core/access_log.html",
        {
            "page": page,
            "viewer": viewer,
            "subject": subject,
            "date_from": date_from,
            "kind": kind,
            "kinds": AccessKind.choices,
            "query": query_without_page(request),
        },
    )


def _show(field, value):
    from .crypto import EncryptedTextField

    if isinstance(field, EncryptedTextField):
        return "（已加密，不显示）"
    if field.choices:
        return dict(field.flatchoices).get(value, value)
    return "" if value is None else value


def csrf_failure(request, reason=""):
    return refuse(request, 403, "页面已过期或请求来源无法验证（CSRF 校验失败）。请刷新页面后重试。")


def error_404(request, exception=None):
    return refuse(request, 404, "未找到该页面或记录，或您无权查看。")


def error_403(request, exception=None):
    return refuse(request, 403, getattr(exception, "message", None) or "您没有权限访问此页面。")


def error_500(request):
    return refuse(request, 500, "服务器出错了，请稍后再试；问题已记录。")


def error_400(request, exception=None):
    return refuse(request, 400, "请求有误，请检查后重试。")


@login_required
def export_job(request, pk: int):
    """A background export: the progress bar (the partial polls itself until the job ends) and the download."""
    from .models import ExportJob

    job = get_object_or_404(ExportJob, pk=pk, user=request.user)
    template = (
        "core/_export_job_progress.html" if request.headers.get("HX-Request") else "core/export_job.html"
    )
    return render(request, template, {"job": job})


@login_required
def export_job_download(request, pk: int):
    from django.http import FileResponse

    from .models import ExportJob, ExportJobStatus

    job = get_object_or_404(ExportJob, pk=pk, user=request.user, status=ExportJobStatus.DONE)
    if not job.file:
        raise Http404
    return FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename or "导出.xlsx")


@login_required
def export_jobs(request):
    """The user's own background exports, newest first (files are kept for a few days)."""
    from .models import ExportJob

    jobs = ExportJob.objects.filter(user=request.user).order_by("-created_at", "-id")[:50]
    return render(request, "core/export_jobs.html", {"jobs": jobs})
