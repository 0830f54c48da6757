import importlib.util

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import permissions
from core.actions import Action, ActionTable
from core.crypto import mask
from core.errors import DomainError
from core.exports import excel_response, stream
from core.forms import add_domain_error
from core.jobs import background_export
from core.pagination import paginate, query_without_page
from core.phones import mask_phone
from core.sensitive import client_ip
from core.sorting import apply_sort
from core.workflow import log_for

from . import services
from .forms import DevelopForm, TransitionForm
from .models import Idea, IdeaStatus
from .selectors import SORTS, idea_list
from .workflows import idea_workflow


def _filtered(request):
    params = {k: request.GET.get(k, "").strip() for k in ("q", "status", "mine")}
    qs = idea_list(user=request.user, q=params["q"], status=params["status"], mine=params["mine"] == "1")
    qs, sort = apply_sort(qs, request, SORTS, "-created")
    return params, qs, sort


@login_required
def idea_list_view(request):
    permissions.require(request.user, "view", Idea)
    params, qs, sort = _filtered(request)
    return render(
        request,
        "ideas/list.html",
        {
            "page": paginate(request, qs),
            "params": params,
            "sort": sort,
            "statuses": IdeaStatus.choices,
            "query": query_without_page(request),
            "can_export": permissions.can(request.user, "export", Idea),
        },
    )


EXPORT_HEADERS = [
    "查询码",
    "标题",
    "提出人",
    "状态",
    "认领委员",
    "转交部门",
    "办理结果说明",
    "提交时间",
    "办结时间",
]


@login_required
@background_export
def idea_export(request):
    permissions.require(request.user, "export", Idea)
    _, qs, _ = _filtered(request)
    qs = qs.defer("citizen_phone", "body", "search_text")  # no decryption or long text for the sheet
    rows = (
        (
            i.code,
            i.title,
            i.citizen_name,
            i.get_status_display(),
            i.claimed_by.name if i.claimed_by else "",
            str(i.forwarded_to) if i.forwarded_to else "",
            i.outcome_note,
            i.created_at,
            i.closed_at,
        )
        for i in stream(qs)
    )
    return excel_response(
        "百姓提案.xlsx",
        "百姓提案",
        EXPORT_HEADERS,
        rows,
        widths=[14, 36, 10, 12, 10, 20, 36, 18, 18],
        traditional=request.wants_traditional,
    )


def _get(request, pk):
    return permissions.get_visible_or_404(
        Idea.objects.select_related("claimed_by", "forwarded_to", "owner_org", "proposal"),
        request.user,
        pk=pk,
    )


def proposals_ready() -> bool:
    """Developing an idea needs the proposals app's draft service (landed separately)."""
    if importlib.util.find_spec("proposals.services") is None:
        return False
    from proposals import services as proposal_services

    return hasattr(proposal_services, "proposal_create_draft") and hasattr(Idea, "proposal")


def _timeline(idea):
    rows = list(log_for(idea, "idea"))
    for row in rows:
        row.label = next((t.label for t in idea_workflow.transitions if t.target == row.target), row.target)
    return rows


@login_required
def idea_detail(request, pk: int, revealed: dict | None = None):
    idea = _get(request, pk)
    user = request.user
    actions = [t for t in idea_workflow.allowed(idea, user) if t.target != IdeaStatus.PROPOSAL]
    can_develop = (
        proposals_ready() and permissions.can(user, "develop", idea) and idea.status == IdeaStatus.CLAIMED
    )
    is_claimant = (
        idea.claimed_by_id and getattr(getattr(user, "person", None), "pk", None) == idea.claimed_by_id
    )
    return render(
        request,
        "ideas/detail.html",
        {
            "idea": idea,
            "log": _timeline(idea),
            "actions": actions,
            "can_develop": can_develop,
            "can_reveal": permissions.can(user, "reveal_sensitive", idea),
            "can_followup": permissions.can(user, "followup", idea) and idea.wants_followup,
            "can_answer": permissions.can(user, "answer", idea),
            "show_citizen": user.is_office or is_claimant,
            "masked_phone": mask_phone(idea.citizen_phone),
            "masked_email": mask(idea.citizen_email, 2, 6),
            "revealed": revealed,
            "form": TransitionForm(),
        },
    )


def _transition_done(request, idea, result) -> str:
    return f"状态已更新为“{IdeaStatus(result.status).label}”。"


IDEA_ACTIONS = ActionTable(
    {
        "transition": Action(
            label="更新状态",
            perm="",
            # The permission depends on the target: the workflow checks it first, then the state.
            guard=lambda r, idea: idea_workflow.check(idea, r.POST.get("target", ""), r.user),
            form=TransitionForm,
            invalid="提交的数据有误，请检查后重试。",
            run=lambda r, idea, d: services.idea_transition(actor=r.user, idea=idea, **d),
            success=_transition_done,
        ),
        "answer": Action(
            label="答复",
            perm="answer",
            run=lambda r, idea, d: services.idea_answer(actor=r.user, idea=idea, text=r.POST.get("text", "")),
            success="答复已发送：提出人和政协工作人员都会收到。",
        ),
        "followup": Action(
            label="邀请参加调研",
            perm="followup",
            run=lambda r, idea, d: services.idea_invite_followup(
                actor=r.user, idea=idea, note=r.POST.get("note", "")
            ),
            success="已记录调研邀请。",
        ),
    },
    get=_get,
    back=lambda request, idea: reverse("ideas:detail", args=[idea.pk]),
    state_labels=dict(IdeaStatus.choices),
)
idea_transition_view = IDEA_ACTIONS.view("transition")
idea_followup_view = IDEA_ACTIONS.view("followup")
idea_answer_view = IDEA_ACTIONS.view("answer")


@login_required
def idea_develop_view(request, pk: int):
    idea = _get(request, pk)
    permissions.require(request.user, "develop", idea)
    if not proposals_ready():
        raise DomainError("提案模块尚未启用，暂不能形成提案草稿。")
    if request.method == "POST":
        form = DevelopForm(request.POST)
        if form.is_valid():
            try:
                idea, proposal = services.idea_develop(actor=request.user, idea=idea, **form.cleaned_data)
            except DomainError as exc:
                if exc.status_code == 403:
                    raise
                add_domain_error(form, exc)
            else:
                messages.success(request, f"已形成提案草稿《{proposal.title}》，可继续修改后提交。")
                return redirect("proposals:edit", pk=proposal.pk)  # straight on with the draft
    else:
        form = DevelopForm(initial={"title": f"关于{idea.title}的提案", "body": idea.body})
    return render(request, "ideas/develop.html", {"form": form, "idea": idea})


@login_required
@require_POST
def idea_reveal_view(request, pk: int):
    idea = _get(request, pk)
    revealed = services.idea_reveal_contact(actor=request.user, idea=idea, ip=client_ip(request))
    return idea_detail(request, pk, revealed=revealed)
