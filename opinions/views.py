from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models.functions import Length
from django.shortcuts import redirect, render
from django.urls import reverse

from core import permissions
from core.actions import Action, ActionTable
from core.errors import DomainError
from core.exports import excel_response, stream
from core.forms import add_domain_error
from core.jobs import background_export
from core.pagination import paginate, query_without_page
from core.sorting import apply_sort
from core.workflow import log_for
from members.selectors import person_scope

from . import services
from .forms import ReportForm, TransitionForm
from .models import MAX_CHARS, OpinionReport, ReportLevel, ReportStatus
from .selectors import report_list
from .workflows import report_workflow

_FILTERS = ("q", "status", "level", "adopted_level", "adopted", "year")
_SORTS = {
    "created": "created_at",
    "number": "number",
    "title": "title",
    "author": "author__name",
    "status": ("status", "-created_at"),
    "submitted": "submitted_at",
}


def _filtered(request):
    params = {k: request.GET.get(k, "").strip() for k in _FILTERS}
    year = int(params["year"]) if params["year"].isdigit() else None
    qs = report_list(
        user=request.user,
        q=params["q"],
        status=params["status"],
        level=params["level"],
        adopted_level=params["adopted_level"] if params["adopted_level"] in ReportLevel.values else "",
        adopted=params["adopted"] == "1",
        year=year,
        persons=person_scope(request.GET),
    )
    qs, sort = apply_sort(qs, request, _SORTS, "-created")
    params["sort"] = sort
    return params, qs


@login_required
def report_list_view(request):
    permissions.require(request.user, "view", OpinionReport)
    params, qs = _filtered(request)
    page = paginate(request, qs)
    return render(
        request,
        "opinions/list.html",
        {
            "page": page,
            "params": params,
            "statuses": ReportStatus.choices,
            "levels": ReportLevel.choices,
            "sorts": [
                ("new", "最新"),
                ("old", "最早"),
                ("number", "编号"),
                ("title", "标题"),
                ("status", "状态"),
            ],
            "query": query_without_page(request),
            "can_create": permissions.can(request.user, "create", OpinionReport) and request.user.is_person,
            "can_export": permissions.can(request.user, "export", OpinionReport),
        },
    )


EXPORT_HEADERS = [
    "编号", "标题", "反映人", "状态", "报送时间", "上报层级", "上报单位", "采用层级", "采用单位",
    "批示层级", "批示领导", "字数",
]  # fmt: skip


def export_rows(qs):
    for r in stream(qs):
        yield (
            r.number,
            r.title,
            r.author.name,
            r.get_status_display(),
            r.submitted_at,
            r.get_sent_up_level_display(),
            r.sent_up_to,
            r.get_adopted_level_display(),
            r.adopted_by,
            r.get_instruction_level_display(),
            r.instruction_leader,
            r.chars,
        )


@login_required
@background_export
def report_export(request):
    permissions.require(request.user, "export", OpinionReport)
    _, qs = _filtered(request)
    qs = qs.annotate(chars=Length("situation") + Length("analysis") + Length("suggestion")).defer(
        "situation", "analysis", "suggestion", "search_text", "instruction_text"
    )
    return excel_response(
        "社情民意信息.xlsx",
        "社情民意信息",
        EXPORT_HEADERS,
        export_rows(qs),
        widths=[10, 40, 12, 12, 18, 10, 20, 10, 20, 10, 14, 8],
        traditional=request.wants_traditional,
    )


def _get(request, pk):
    return permissions.get_visible_or_404(OpinionReport.objects.select_related("author"), request.user, pk=pk)


def _timeline(report):
    rows = list(log_for(report, "opinion_report"))
    for row in rows:
        row.label = next((t.label for t in report_workflow.transitions if t.target == row.target), row.target)
    return rows


@login_required
def report_detail(request, pk: int):
    report = _get(request, pk)
    return render(
        request,
        "opinions/detail.html",
        {
            "report": report,
            "log": _timeline(report),
            "actions": report_workflow.allowed(report, request.user),
            "levels": ReportLevel.choices,
            "can_edit": permissions.can(request.user, "edit", report),
            "form": TransitionForm(),
        },
    )


@login_required
def report_edit(request, pk: int | None = None):
    report = None
    if pk is None:
        permissions.require(request.user, "create", OpinionReport)
        author = getattr(request.user, "person", None) if request.user.is_person else None
        if author is None:
            raise DomainError("请从委员的账号撰写，或从走访记录生成草稿。")
    else:
        report = _get(request, pk)
        permissions.require(request.user, "edit", report)
        author = report.author
    if request.method == "POST":
        form = ReportForm(request.POST)
        if form.is_valid():
            submit = "submit" in request.POST
            try:
                if report is None:
                    report = services.report_create(actor=request.user, author=author, **form.cleaned_data)
                else:
                    report = services.report_update(actor=request.user, report=report, **form.cleaned_data)
                if submit:
                    report = services.report_transition(
                        actor=request.user, report=report, target=ReportStatus.SUBMITTED
                    )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "已报送。" if submit else "已保存。")
                return redirect("opinions:detail", pk=report.pk)
    else:
        initial = {}
        if report is not None:
            initial = {f: getattr(report, f) for f in ("title", "situation", "analysis", "suggestion")}
        form = ReportForm(initial=initial)
    can_submit = report is None or report.status == ReportStatus.DRAFT
    return render(
        request,
        "opinions/form.html",
        {"form": form, "report": report, "max_chars": MAX_CHARS, "can_submit": can_submit},
    )


REPORT_ACTIONS = ActionTable(
    {
        "transition": Action(
            label="更新状态",
            perm="",
            # The permission depends on the target: the workflow checks it first, then the state.
            guard=lambda r, report: report_workflow.check(report, r.POST.get("target", ""), r.user),
            form=TransitionForm,
            invalid="提交的数据有误，请检查后重试。",
            run=lambda r, report, d: services.report_transition(actor=r.user, report=report, **d),
            success=lambda r, report, result: f"状态已更新为“{ReportStatus(result.status).label}”。",
        ),
    },
    get=_get,
    back=lambda request, report: reverse("opinions:detail", args=[report.pk]),
    state_labels=dict(ReportStatus.choices),
)
report_transition_view = REPORT_ACTIONS.view("transition")
