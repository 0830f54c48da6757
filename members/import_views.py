"""The import page: upload → preview (fix the column mapping, see each row's fate) → commit."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core import permissions
from core.errors import DomainError

from . import selectors, services
from .forms import ImportUploadForm
from .importer import FIELDS, ImportRefused, analyse, default_columns, find_header, read_rows
from .models import ImportBatch, Person

PREVIEW_LIMIT = 300  # rows with errors are always listed; of the others, the first ones


def _mapping(params) -> dict[int, str] | None:
    mapping = {}
    for key, value in params.items():
        if key.startswith("col_") and key[4:].isdigit():
            mapping[int(key[4:])] = value
    return mapping or None


@login_required
def import_upload(request):
    permissions.require(request.user, "import", Person)
    if request.method == "POST":
        form = ImportUploadForm(request.POST, request.FILES, user=request.user)
        if form.is_valid():
            try:
                batch = services.import_batch_create(
                    actor=request.user, upload=form.cleaned_data["file"], term=form.cleaned_data["term"]
                )
            except DomainError as exc:
                form.add_error("file", exc.message)
            else:
                return redirect("members:import_preview", pk=batch.pk)
    else:
        form = ImportUploadForm(initial={"term": selectors.own_current_term(request.user)}, user=request.user)
    recent = ImportBatch.objects.visible_to(request.user).select_related("created_by", "term")[:10]
    return render(request, "members/import_upload.html", {"form": form, "recent": recent})


@login_required
def import_preview(request, pk: int):
    permissions.require(request.user, "import", Person)
    batch = permissions.get_visible_or_404(ImportBatch.objects.select_related("term"), request.user, pk=pk)
    context = {"batch": batch, "fields": [(k, v[0]) for k, v in FIELDS.items()]}
    if batch.committed_at is not None:
        return render(request, "members/import_preview.html", context)
    mapping = _mapping(request.GET)
    data = batch.file.read() if batch.file else b""
    try:
        analysis = analyse(data, user=request.user, term=batch.term, filename=batch.filename, mapping=mapping)
    except ImportRefused as exc:
        context["refused"] = exc.message
        context["columns"] = _columns_or_none(data, batch.filename, mapping)
        return render(request, "members/import_preview.html", context)
    shown = (
        analysis.blocking + [r for r in analysis.rows if r.fate not in ("error", "ambiguous")][:PREVIEW_LIMIT]
    )
    shown.sort(key=lambda r: r.row)
    context.update(
        {
            "analysis": analysis,
            "columns": analysis.columns,
            "shown": shown,
            "hidden_count": len(analysis.rows) - len(shown),
            "mapping": {c.index: c.field for c in analysis.columns},
        }
    )
    return render(request, "members/import_preview.html", context)


def _columns_or_none(data, filename, mapping):
    try:
        _, rows = read_rows(data, filename)
        columns = default_columns(rows[find_header(rows)])
    except ImportRefused:
        return None
    for c in columns:
        if mapping and c.index in mapping:
            c.field = mapping[c.index] if mapping[c.index] in FIELDS else ""
    return columns


@login_required
@require_POST
def import_commit(request, pk: int):
    permissions.require(request.user, "import", Person)
    batch = permissions.get_visible_or_404(ImportBatch, request.user, pk=pk)
    mapping = _mapping(request.POST)
    try:
        counts = services.import_batch_commit(
            actor=request.user,
            batch=batch,
            mapping=mapping,
            skip_errors=request.POST.get("skip_errors") == "1",
        )
    except DomainError as exc:
        messages.error(request, exc.message)
        query = "&".join(f"col_{k}={v}" for k, v in (mapping or {}).items())
        return redirect(f"{request.path.rsplit('/commit/', 1)[0]}/?{query}")
    messages.success(
        request,
        f"导入完成：新增 {counts['created']} 人，更新 {counts['updated']} 人，无变化 {counts['unchanged']} 人"
        + (f"，跳过有错误的 {counts['skipped']} 行" if counts["skipped"] else "")
        + "。",
    )
    return redirect("members:list")
