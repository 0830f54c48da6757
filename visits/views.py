"""Pages: parse the request, fetch through a selector or `get_visible_or_404`, check with `require`, call one service."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import permissions, pickers
from core.actions import Action, ActionTable, run_and_tell
from core.errors import DomainError
from core.exports import excel_response, stream
from core.forms import add_domain_error
from core.jobs import background_export
from core.pagination import paginate, query_without_page
from core.sensitive import client_ip
from core.workflow import log_for
from members.models import Person
from members.selectors import person_scope
from organisations.models import Organisation

from . import selectors, services
from .forms import (
    ContactForm,
    LiaisonEventForm,
    LiaisonLinkForm,
    MemberRequestForm,
    NoteForm,
    PhotoForm,
    RecordForm,
    RequestForm,
    RuleForm,
    StepForm,
    ThankForm,
    VisitForm,
)
from .models import (
    CoverageRule,
    LiaisonContact,
    LiaisonEvent,
    LiaisonEventKind,
    LiaisonLink,
    Request,
    RequestCategory,
    RequestStatus,
    Visit,
    VisitAssignment,
    VisitMode,
    VisitPhoto,
    VisitPlan,
    VisitStatus,
)
from .workflows import REQUEST_WORKFLOW, VISIT_WORKFLOW


def _log(obj, workflow) -> list[dict]:
    return [
        {
            "at": e.created_at,
            "actor": e.actor_label,
            "target": e.target,
            "label": workflow.labels.get(e.target, e.target),
            "note": e.note,
        }
        for e in log_for(obj, workflow.name)
    ]


def _params(request, names):
    return {k: request.GET.get(k, "").strip() for k in names}


def _year(request) -> int:
    value = request.GET.get("year", "")
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else timezone.localdate().year


# ---- visits ----


def _chosen_colleague(user, value: str):
    """The leader or staff member a list filter names (`?visitor=` / `?owner=`), for its picker to show as
    chosen; the filter's other options are searched, never listed."""
    if not value.isdigit() or len(value) > 18:
        return None
    return selectors.visitors_choices(user).filter(pk=int(value)).first()


_VISIT_FILTERS = ("q", "status", "mode", "year", "visitor", "sort")


@login_required
def visit_list(request):
    permissions.require(request.user, "view", Visit)
    params = _params(request, _VISIT_FILTERS)
    page = paginate(request, selectors.visit_list(user=request.user, **params))
    return render(
        request,
        "visits/visit_list.html",
        {
            "page": page,
            "params": params,
            "query": query_without_page(request),
            "statuses": VisitStatus.choices,
            "modes": VisitMode.choices,
            "visitor_chosen": _chosen_colleague(request.user, params["visitor"]),
            "can_create": permissions.can(request.user, "create", Visit),
            "can_export": permissions.can(request.user, "export", Visit),
        },
    )


@login_required
@background_export
def visit_export(request):
    permissions.require(request.user, "export", Visit)
    params = _params(request, _VISIT_FILTERS)
    rows = (
        (
            v.date,
            v.get_status_display(),
            v.get_mode_display(),
            "、".join(u.display_name for u in v.visitors.all()),
            "、".join(p.name for p in v.persons.all()),
            v.place,
            v.topics,
            v.notes,
            v.request_count,
        )
        for v in stream(selectors.visit_list(user=request.user, **params))
    )
    return excel_response(
        "走访记录.xlsx",
        "走访记录",
        ["日期", "状态", "方式", "走访人", "走访对象", "地点", "谈话主题", "走访记录", "诉求数"],
        rows,
        widths=[12, 8, 12, 24, 30, 20, 30, 60, 8],
        traditional=request.wants_traditional,
    )


def _visit_form_initial(visit: Visit, show_confidential: bool) -> dict:
    initial = {
        "date": visit.date,
        "mode": visit.mode,
        "visitors": list(visit.visitors.all()),
        "persons": list(visit.persons.all()),
        "place": visit.place,
        "topics": visit.topics,
        "notes": visit.notes,
    }
    if show_confidential:
        initial["confidential_notes"] = visit.confidential_notes
    return initial


@login_required
def visit_edit(request, pk: int | None = None):
    user = request.user
    visit = None
    if pk is None:
        permissions.require(user, "create", Visit)
    else:
        visit = permissions.get_visible_or_404(selectors.visit_detail_qs(user), user, pk=pk)
        permissions.require(user, "edit", visit)
    show_confidential = permissions.can(user, "view_confidential", Visit)
    kwargs = {"user": user, "show_confidential": show_confidential, "editing": visit is not None}
    if request.method == "POST":
        form = VisitForm(request.POST, **kwargs)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                if visit is None:
                    visit = services.visit_create(actor=user, **data)
                else:
                    data.setdefault("confidential_notes", None)
                    visit = services.visit_update(actor=user, visit=visit, **data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "走访已保存。")
                return redirect("visits:detail", pk=visit.pk)
    else:
        if visit is not None:
            initial = _visit_form_initial(visit, show_confidential)
        else:
            initial = {
                "date": timezone.localdate(),
                "visitors": [user] if user.role in ("leader", "staff") else [],
            }
            person = request.GET.get("person", "")
            if person.isdigit():
                initial["persons"] = Person.objects.visible_to(user).filter(pk=int(person))
        form = VisitForm(initial=initial, **kwargs)
    return render(request, "visits/visit_form.html", {"form": form, "visit": visit})


@login_required
def visit_detail(request, pk: int):
    user = request.user
    visit = permissions.get_visible_or_404(selectors.visit_detail_qs(user), user, pk=pk)
    permissions.require(user, "view", visit)
    show_confidential = permissions.can(user, "view_confidential", visit)
    planned = visit.status == VisitStatus.PLANNED
    return render(
        request,
        "visits/visit_detail.html",
        {
            "visit": visit,
            "show_confidential": show_confidential,
            "requests": visit.requests.select_related("person", "owner").order_by("id"),
            "log": _log(visit, VISIT_WORKFLOW),
            "can_edit": permissions.can(user, "edit", visit),
            "can_record": planned and permissions.can(user, "record", visit),
            "can_cancel": planned and permissions.can(user, "cancel", visit),
            "can_add_request": visit.status == VisitStatus.DONE and permissions.can(user, "create", Request),
            "record_form": RecordForm(
                initial={"date": min(visit.date, timezone.localdate()), "notes": visit.notes},
                show_confidential=show_confidential,
            ),
            "cancel_form": NoteForm(),
            "photo_form": PhotoForm(),
        },
    )


@login_required
def visit_photo(request, pk: int):
    """Serve a photo only to someone who may view its visit."""
    photo = VisitPhoto.objects.filter(pk=pk).first()
    if photo is None:
        raise Http404("未找到该记录，或您无权查看。")
    visit = permissions.get_visible_or_404(Visit, request.user, pk=photo.visit_id)
    permissions.require(request.user, "view", visit)
    return FileResponse(photo.file.open("rb"), filename=photo.file.name.rsplit("/", 1)[-1])


def _visit_detail_url(request, visit) -> str:
    return reverse("visits:detail", args=[visit.pk])


VISIT_ACTIONS = ActionTable(
    {
        "record": Action(
            label="记录走访",
            perm="record",
            states=(VisitStatus.PLANNED,),
            form=RecordForm,
            form_kwargs=lambda r, v: {"show_confidential": permissions.can(r.user, "view_confidential", v)},
            invalid="请填写实际走访日期。",
            run=lambda r, v, d: services.visit_record(actor=r.user, visit=v, **d),
            success="已记录为已走访。",
        ),
        "cancel": Action(
            label="取消走访",
            perm="cancel",
            states=(VisitStatus.PLANNED,),
            run=lambda r, v, d: services.visit_cancel(actor=r.user, visit=v, reason=r.POST.get("note", "")),
            success="走访已取消。",
        ),
        "photo_add": Action(
            label="上传照片",
            perm="edit",
            form=PhotoForm,
            multipart=True,
            invalid="请选择要上传的照片。",
            run=lambda r, v, d: services.visit_photo_add(
                actor=r.user, visit=v, upload=d["file"], caption=d["caption"]
            ),
            success="照片已上传。",
        ),
    },
    get=lambda request, pk: permissions.get_visible_or_404(Visit, request.user, pk=pk),
    back=_visit_detail_url,
    state_labels=dict(VisitStatus.choices),
)
visit_record = VISIT_ACTIONS.view("record")
visit_cancel = VISIT_ACTIONS.view("cancel")
visit_photo_add = VISIT_ACTIONS.view("photo_add")


# ---- requests ----

_REQUEST_FILTERS = ("q", "status", "category", "owner", "sort", "year")


def _request_params(request):
    params = _params(request, _REQUEST_FILTERS)
    params["overdue"] = request.GET.get("overdue") == "1"
    params["due_soon"] = request.GET.get("due") == "soon"
    params["persons"] = person_scope(request.GET)
    return params


@login_required
def request_list(request, overdue: bool = False):
    user = request.user
    permissions.require(user, "view", Request)
    if user.is_person:
        return my_requests(request)
    params = _request_params(request)
    params["overdue"] = params["overdue"] or overdue
    page = paginate(request, selectors.request_list(user=user, **params))
    return render(
        request,
        "visits/request_list.html",
        {
            "page": page,
            "params": params,
            "query": query_without_page(request),
            "statuses": RequestStatus.choices,
            "categories": RequestCategory.choices,
            "years": range(timezone.localdate().year, timezone.localdate().year - 6, -1),
            "owner_chosen": _chosen_colleague(user, params["owner"]),
            "today": timezone.localdate(),
            "can_create": permissions.can(user, "create", Request),
            "can_export": permissions.can(user, "export", Request),
            "overdue_page": overdue,
        },
    )


@login_required
def request_overdue(request):
    return request_list(request, overdue=True)


def my_requests(request):
    """The member's own requests, phone-sized."""
    user = request.user
    page = paginate(request, selectors.request_list(user=user))
    return render(request, "visits/my_requests.html", {"page": page, "query": query_without_page(request)})


@login_required
@background_export
def request_export(request):
    permissions.require(request.user, "export", Request)
    params = _request_params(request)
    rows = (
        (
            r.created_at,
            r.person.name,
            r.get_category_display(),
            r.title,
            r.description,
            r.get_status_display(),
            r.owner.display_name if r.owner else "",
            r.helping_org.name if r.helping_org else "",
            r.deadline,
            r.resolution,
            "走访" if r.visit_id else "委员直接提出",
        )
        for r in stream(selectors.request_list(user=request.user, **params))
    )
    return excel_response(
        "诉求.xlsx",
        "诉求",
        [
            "登记时间",
            "提出人",
            "类别",
            "诉求摘要",
            "诉求内容",
            "状态",
            "负责人",
            "协助单位",
            "办理期限",
            "办理结果/说明",
            "来源",
        ],
        rows,
        widths=[16, 10, 10, 30, 50, 8, 12, 24, 12, 50, 12],
        traditional=request.wants_traditional,
    )


@login_required
def request_create(request):
    user = request.user
    permissions.require(user, "create", Request)
    if user.is_person:
        return _member_request_create(request)
    visit = None
    persons = None
    visit_id = request.GET.get("visit") or request.POST.get("visit")
    if visit_id:
        visit = permissions.get_visible_or_404(Visit, user, pk=visit_id)
        persons = visit.persons.order_by("name")
    if request.method == "POST":
        form = RequestForm(request.POST, user=user, persons=persons)
        if form.is_valid():
            try:
                req = services.request_create(actor=user, visit=visit, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"诉求“{req.title}”已登记。")
                if visit is not None and "another" in request.POST:
                    return redirect(f"{request.path}?visit={visit.pk}")
                return redirect("visits:request_detail", pk=req.pk)
    else:
        initial = {"deadline": timezone.localdate() + dt.timedelta(days=30)}
        if persons is not None and persons.count() == 1:
            initial["person"] = persons.first()
        form = RequestForm(initial=initial, user=user, persons=persons)
    return render(request, "visits/request_form.html", {"form": form, "visit": visit, "req": None})


def _member_request_create(request):
    user = request.user
    person = Person.objects.filter(user=user).first()
    if person is None:
        raise DomainError("您的账号尚未关联委员/顾问档案，请联系工作人员。")
    if request.method == "POST":
        form = MemberRequestForm(request.POST)
        if form.is_valid():
            try:
                req = services.request_create(actor=user, person=person, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "您的诉求已提交，工作人员会尽快与您联系。")
                return redirect("visits:request_detail", pk=req.pk)
    else:
        form = MemberRequestForm()
    return render(
        request, "visits/request_form.html", {"form": form, "visit": None, "req": None, "member": True}
    )


@login_required
def request_edit(request, pk: int):
    user = request.user
    req = permissions.get_visible_or_404(selectors.request_detail_qs(user), user, pk=pk)
    permissions.require(user, "edit", req)
    if request.method == "POST":
        form = RequestForm(request.POST, user=user, editing=True)
        if form.is_valid():
            try:
                req = services.request_update(actor=user, request=req, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "诉求已保存。")
                return redirect("visits:request_detail", pk=req.pk)
    else:
        form = RequestForm(
            initial={
                f: getattr(req, f)
                for f in ("category", "title", "description", "owner", "helping_org", "deadline")
            },
            user=user,
            editing=True,
        )
    return render(request, "visits/request_form.html", {"form": form, "visit": req.visit, "req": req})


@login_required
def request_detail(request, pk: int):
    user = request.user
    req = permissions.get_visible_or_404(selectors.request_detail_qs(user), user, pk=pk)
    permissions.require(user, "view", req)
    transitions = REQUEST_WORKFLOW.allowed(req, user)
    context = {
        "req": req,
        "timeline": _request_timeline(req),
        "transitions": transitions,
        "today": timezone.localdate(),
        "can_edit": permissions.can(user, "edit", req),
        "can_step": req.is_open and permissions.can(user, "add_step", req),
        "can_thank": permissions.can(user, "thank", req) and not req.thanked_at,
        "can_to_opinion": not req.opinion_report_id and permissions.can(user, "to_opinion", req),
        "can_to_proposal": not req.proposal_id and permissions.can(user, "to_proposal", req),
        "can_help": permissions.can(user, "help", req),
        "step_form": StepForm(),
        "thank_form": ThankForm(),
        **_grown_proposal(user, req),
    }
    template = "visits/request_member.html" if user.is_person else "visits/request_detail.html"
    return render(request, template, context)


def _grown_proposal(user, req: Request) -> dict:
    """What grew out of the request: the proposal it became, followed through merges (并案) to the surviving
    one, with its public milestones, so the member who raised it sees it even when it is someone else's joint
    proposal; a link only for who may open it."""
    if not req.proposal_id:
        return {}
    from proposals.selectors import public_progress, surviving

    grown = surviving(req.proposal)
    return {
        "grown": grown,
        "grown_progress": public_progress(req.proposal),
        "grown_visible": permissions.can(user, "view", grown),
    }


def _request_timeline(req: Request) -> list[dict]:
    """Steps taken and workflow changes in one list, oldest first (what the member sees as progress)."""
    rows = [{"date": s.date, "text": s.text, "order": 1} for s in req.steps.all()]
    for e in _log(req, REQUEST_WORKFLOW):
        text = f"{e['label']}：{e['note']}" if e["note"] else e["label"]
        # On one day: taking up the request, then the steps, then closing it.
        order = 0 if e["target"] == RequestStatus.IN_PROGRESS else 2
        rows.append({"date": timezone.localtime(e["at"]).date(), "text": text, "order": order})
    return sorted(rows, key=lambda r: (r["date"], r["order"]))


def _request_url(request, req) -> str:
    return reverse("visits:request_detail", args=[req.pk])


def _transition_done(request, req, result) -> str:
    target = request.POST.get("target", "")
    return f"诉求状态已更新为“{REQUEST_WORKFLOW.labels.get(target, target)}”，已通知委员。"


REQUEST_ACTIONS = ActionTable(
    {
        "transition": Action(
            label="更新诉求状态",
            perm="",
            # The permission depends on the target: the workflow checks it first, then the state.
            guard=lambda r, req: REQUEST_WORKFLOW.check(req, r.POST.get("target", ""), r.user),
            run=lambda r, req, d: services.request_transition(
                actor=r.user, request=req, target=r.POST.get("target", ""), note=r.POST.get("note", "")
            ),
            success=_transition_done,
        ),
        "step": Action(
            label="记录办理情况",
            perm="add_step",
            form=StepForm,
            invalid="请填写日期和办理情况。",
            run=lambda r, req, d: services.request_step_add(actor=r.user, request=req, **d),
            success="办理情况已记录。",
        ),
        "to_opinion": Action(
            label="转为社情民意信息",
            perm="to_opinion",
            run=lambda r, req, d: services.request_to_opinion(actor=r.user, request=req),
            success="已转为社情民意信息草稿（以委员名义），可在社情民意信息中继续编辑。",
        ),
        "to_proposal": Action(
            label="转为提案草稿",
            perm="to_proposal",
            run=lambda r, req, d: services.request_to_proposal(actor=r.user, request=req),
            success="已转为提案草稿（以委员名义），可在提案中继续修改。",
        ),
        "help": Action(
            label="协助单位答复",
            perm="help",
            run=lambda r, req, d: services.request_help_answer(
                actor=r.user, request=req, text=r.POST.get("text", "")
            ),
            success="答复已发送：委员和负责人都会收到。",
        ),
        "thank": Action(
            label="反馈",
            perm="thank",
            run=lambda r, req, d: services.request_thank(
                actor=r.user, request=req, note=r.POST.get("note", "")
            ),
            success="感谢您的反馈。",
        ),
    },
    get=lambda request, pk: permissions.get_visible_or_404(
        Request.objects.select_related("person"), request.user, pk=pk
    ),
    back=_request_url,
    state_labels=dict(RequestStatus.choices),
)
request_transition = REQUEST_ACTIONS.view("transition")
request_step = REQUEST_ACTIONS.view("step")
request_to_opinion = REQUEST_ACTIONS.view("to_opinion")
request_to_proposal = REQUEST_ACTIONS.view("to_proposal")
request_thank = REQUEST_ACTIONS.view("thank")
request_help = REQUEST_ACTIONS.view("help")


# ---- coverage, rule and plan ----


@login_required
def coverage(request):
    user = request.user
    permissions.require(user, "view", Visit)
    year = _year(request)
    show = request.GET.get("show", "uncovered")
    cov = selectors.coverage(user=user, year=year, show=show, persons=person_scope(request.GET))
    page = paginate(request, cov.persons, per_page=50)
    return render(
        request,
        "visits/coverage.html",
        {
            "cov": cov,
            "page": page,
            "year": year,
            "years": range(timezone.localdate().year, timezone.localdate().year - 5, -1),
            "show": show,
            "query": query_without_page(request),
            "can_edit_rule": permissions.can(user, "edit", CoverageRule),
            "month_values": [m["visits"] for m in cov.per_month],
        },
    )


@login_required
def rule_edit(request):
    user = request.user
    permissions.require(user, "edit", CoverageRule)
    rule = selectors.rule_for(user.organisation)
    if request.method == "POST":
        form = RuleForm(request.POST)
        if form.is_valid():
            try:
                services.coverage_rule_save(actor=user, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "走访规则已保存。")
                return redirect("visits:coverage")
    else:
        form = RuleForm(
            initial={
                "period_days": rule.period_days,
                "visits_per_period": rule.visits_per_period,
                "liaison_period_days": rule.liaison_period_days,
            }
        )
    return render(request, "visits/rule_form.html", {"form": form})


@login_required
def plan(request):
    user = request.user
    permissions.require(user, "view", VisitPlan)
    year = _year(request)
    the_plan = selectors.plan_for(user=user, year=year)
    visitor = request.GET.get("visitor", "").strip()
    page = None
    if the_plan is not None:
        page = paginate(
            request, selectors.plan_assignments(plan=the_plan, year=year, visitor=visitor), per_page=50
        )
    return render(
        request,
        "visits/plan.html",
        {
            "plan": the_plan,
            "year": year,
            "page": page,
            "visitor": visitor,
            "query": query_without_page(request),
            "visitor_chosen": _chosen_colleague(user, visitor),
            # 平均分工 starts with the plan's body's leaders chosen; anyone else is searched.
            "leaders": list(
                selectors.visitors_choices(user).filter(role="leader", organisation_id=the_plan.owner_org_id)[
                    : pickers.LIMIT
                ]
            )
            if the_plan is not None
            else [],
            "progress": selectors.plan_progress(user=user, year=year),
            "can_create": permissions.can(user, "create", VisitPlan),
            "can_edit": the_plan is not None and permissions.can(user, "edit", the_plan),
            "months": range(1, 13),
        },
    )


@login_required
@require_POST
def plan_create(request):
    user = request.user
    permissions.require(user, "create", VisitPlan)
    year = int(request.POST.get("year") or 0) if (request.POST.get("year") or "").isdigit() else 0
    if run_and_tell(
        request,
        lambda: services.visit_plan_create(actor=user, year=year),
        lambda plan: f"{plan.title}已生成，共 {plan.assignments.count()} 人。",
    ):
        return redirect(f"{_plan_url()}?year={year}")
    return redirect("visits:plan")


def _plan_url():
    return reverse("visits:plan")


def _plan_year_url(request, the_plan) -> str:
    return f"{_plan_url()}?year={the_plan.year}"


def _chosen_visitors(request):
    ids = [int(x) for x in request.POST.getlist("visitors") if x.isdigit()]
    return list(selectors.visitors_choices(request.user).filter(pk__in=ids))


PLAN_ACTIONS = ActionTable(
    {
        "divide": Action(
            label="平均分工",
            perm="edit",
            run=lambda r, plan, d: services.visit_plan_divide(
                actor=r.user, plan=plan, visitors=_chosen_visitors(r)
            ),
            success=lambda r, plan, n: f"已把未分工的委员/顾问分给 {len(_chosen_visitors(r))} 位走访人。",
        ),
    },
    get=lambda request, pk: permissions.get_visible_or_404(VisitPlan, request.user, pk=pk),
    back=_plan_year_url,
)
plan_divide = PLAN_ACTIONS.view("divide")


def _assignment_row(request, pk):
    """A plan row, reachable only through a plan the user may see (missing and forbidden: 404)."""
    row = VisitAssignment.objects.select_related("plan", "person").filter(pk=pk).first()
    if row is None:
        raise Http404("未找到该记录，或您无权查看。")
    row.plan = permissions.get_visible_or_404(VisitPlan, request.user, pk=row.plan_id)
    return row


def _assignment_visitor(request):
    visitor_id = request.POST.get("visitor", "")
    if visitor_id == "me":
        return request.user
    if visitor_id.isdigit():
        visitor = selectors.visitors_choices(request.user).filter(pk=int(visitor_id)).first()
        if visitor is None:
            raise Http404("未找到该记录，或您无权查看。")
        return visitor
    return None


def _assignment_set(request, row, data):
    month = request.POST.get("target_month", "")
    return services.visit_assignment_set(
        actor=request.user,
        assignment=row,
        visitor=_assignment_visitor(request),
        target_month=int(month) if month.isdigit() else None,
    )


ASSIGNMENT_ACTIONS = ActionTable(
    {
        "set": Action(
            label="走访分工",
            perm="edit",
            guard=lambda r, row: permissions.require(r.user, "edit", row.plan),
            run=_assignment_set,
            success=lambda r, row, result: f"{row.person.name}：走访分工已更新。",
        ),
    },
    get=_assignment_row,
    back=lambda request, row: _plan_year_url(request, row.plan),
    follow_next=True,
)
assignment_set = ASSIGNMENT_ACTIONS.view("set")


# ---- liaison network ----


@login_required
def liaison_network(request):
    user = request.user
    permissions.require(user, "view", LiaisonLink)
    show = request.GET.get("show", "")
    q = request.GET.get("q", "").strip()
    qs, rule, since = selectors.liaison_network(user=user, show=show, q=q)
    page = paginate(request, qs, per_page=50)
    return render(
        request,
        "visits/liaison_network.html",
        {
            "page": page,
            "show": show,
            "q": q,
            "rule": rule,
            "since": since,
            "query": query_without_page(request),
            "can_create": permissions.can(user, "create", LiaisonLink),
        },
    )


@login_required
def liaison_link_edit(request):
    user = request.user
    permissions.require(user, "create", LiaisonLink)
    initial = {}
    org_id = request.GET.get("organisation", "")
    if org_id.isdigit():
        link = LiaisonLink.objects.visible_to(user).filter(organisation_id=int(org_id)).first()
        initial = {"organisation": int(org_id)}
        if link is not None:
            initial.update(liaison=link.liaison_id, notes=link.notes)
    if request.method == "POST":
        form = LiaisonLinkForm(request.POST, user=user)
        if form.is_valid():
            try:
                link = services.liaison_link_save(actor=user, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"“{link.organisation}”已列入联谊单位。")
                return redirect("organisations:detail", pk=link.organisation_id)
    else:
        form = LiaisonLinkForm(initial=initial, user=user)
    return render(
        request,
        "visits/simple_form.html",
        {"form": form, "title": "联谊单位与本会联络人", "back": "visits:liaison"},
    )


@login_required
def colleague_search(request):
    """A picker's search for visitors, a request's owner, a liaison person, an event's participants or a plan's
    visitor: at most 20 active leaders and staff of the user's body and below (names and roles) as JSON."""
    permissions.require(request.user, "view", Visit)
    found = selectors.colleague_search(request.user, request.GET.get("q", ""))
    return pickers.results(found, label=selectors.colleague_label)


@login_required
def contact_search(request):
    """A picker's search: at most 20 contacts of partner bodies the user may see (names and bodies, never
    phones) as JSON."""
    permissions.require(request.user, "view", LiaisonContact)
    found = selectors.contact_search(request.user, request.GET.get("q", ""))
    return pickers.results(found, label=selectors.contact_label)


@login_required
def contact_edit(request, org_pk: int | None = None, pk: int | None = None):
    user = request.user
    contact = None
    if pk is None:
        permissions.require(user, "create", LiaisonContact)
        org = permissions.get_visible_or_404(Organisation, user, pk=org_pk)
    else:
        contact = permissions.get_visible_or_404(
            LiaisonContact.objects.select_related("organisation"), user, pk=pk
        )
        permissions.require(user, "edit", contact)
        org = contact.organisation
    if request.method == "POST":
        form = ContactForm(request.POST)
        if form.is_valid():
            try:
                if contact is None:
                    services.liaison_contact_create(actor=user, organisation=org, **form.cleaned_data)
                else:
                    services.liaison_contact_update(actor=user, contact=contact, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "联络人已保存。")
                return redirect("organisations:detail", pk=org.pk)
    else:
        initial = {"is_active": True}
        if contact is not None:
            # The clear phone goes into the form only for someone who may reveal it, and that is logged.
            initial = {"name": contact.name, "position": contact.position, "is_active": contact.is_active}
            initial["phone"] = services.liaison_contact_reveal(
                actor=user, contact=contact, ip=client_ip(request)
            )
        form = ContactForm(initial=initial)
    return render(
        request,
        "visits/simple_form.html",
        {"form": form, "title": f"{org.name} · 联络人", "back": "visits:liaison"},
    )


@login_required
@require_POST
def contact_reveal(request, pk: int):
    """Show one contact's phone number in clear (htmx fragment); the reveal is logged."""
    contact = permissions.get_visible_or_404(LiaisonContact, request.user, pk=pk)
    phone = services.liaison_contact_reveal(actor=request.user, contact=contact, ip=client_ip(request))
    return HttpResponse(f"<span>{phone or '—'}</span>")


_EVENT_FILTERS = ("q", "kind", "organisation", "year")


@login_required
def liaison_event_list(request):
    user = request.user
    permissions.require(user, "view", LiaisonEvent)
    params = _params(request, _EVENT_FILTERS)
    page = paginate(request, selectors.liaison_event_list(user=user, **params))
    return render(
        request,
        "visits/liaison_event_list.html",
        {
            "page": page,
            "params": params,
            "query": query_without_page(request),
            "kinds": LiaisonEventKind.choices,
            "can_create": permissions.can(user, "create", LiaisonEvent),
            "can_export": permissions.can(user, "export", LiaisonEvent),
        },
    )


@login_required
@background_export
def liaison_event_export(request):
    permissions.require(request.user, "export", LiaisonEvent)
    params = _params(request, _EVENT_FILTERS)
    rows = (
        (
            e.date,
            e.get_kind_display(),
            e.title,
            "、".join(o.name for o in e.organisations.all()),
            "、".join(u.display_name for u in e.participants.all()),
            e.place,
            e.notes,
        )
        for e in stream(selectors.liaison_event_list(user=request.user, **params))
    )
    return excel_response(
        "联谊活动.xlsx",
        "联谊活动",
        ["日期", "类型", "名称", "联谊单位", "本会参加人员", "地点", "情况记录"],
        rows,
        widths=[12, 10, 36, 40, 24, 20, 60],
        traditional=request.wants_traditional,
    )


@login_required
def liaison_event_edit(request, pk: int | None = None):
    user = request.user
    event = None
    if pk is None:
        permissions.require(user, "create", LiaisonEvent)
    else:
        event = permissions.get_visible_or_404(LiaisonEvent, user, pk=pk)
        permissions.require(user, "edit", event)
    if request.method == "POST":
        form = LiaisonEventForm(request.POST, user=user)
        if form.is_valid():
            try:
                if event is None:
                    event = services.liaison_event_create(actor=user, **form.cleaned_data)
                else:
                    event = services.liaison_event_update(actor=user, event=event, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"联谊活动“{event.title}”已保存。")
                return redirect("visits:liaison_events")
    else:
        if event is not None:
            initial = {
                "date": event.date,
                "kind": event.kind,
                "title": event.title,
                "place": event.place,
                "notes": event.notes,
                "organisations": list(event.organisations.all()),
                "contacts": list(event.contacts.all()),
                "participants": list(event.participants.all()),
                "activity": event.activity_id,
            }
        else:
            initial = {"date": timezone.localdate(), "participants": [user]}
            org_id = request.GET.get("organisation", "")
            if org_id.isdigit():
                initial["organisations"] = [int(org_id)]
        form = LiaisonEventForm(initial=initial, user=user)
    return render(
        request,
        "visits/simple_form.html",
        {"form": form, "title": "联谊活动", "back": "visits:liaison_events"},
    )
