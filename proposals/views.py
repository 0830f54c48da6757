"""Proposal pages. Each view parses the request, fetches through the selectors (visibility), checks
`permissions`, and calls one service. Workflow actions share one view and a table of actions."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import permissions, pickers
from core.actions import Action, ActionTable
from core.errors import DomainError, PermissionRefused
from core.exports import excel_response, pdf_response, stream
from core.jobs import background_export
from core.pagination import paginate, query_without_page
from core.roles import Role
from core.versions import check_version, keep_version_of_conflict, version_of
from members.selectors import person_scope
from organisations.models import Organisation, ShareCapacity

from . import forms, selectors, services, similarity
from .models import (
    EDITABLE_STATES,
    FILED_STATES,
    AssignmentRole,
    Attachment,
    Proposal,
    ProposalStatus,
    ProposalTiming,
    RatingValue,
    ReplyClass,
    ReplyStatus,
)

FILTERS = (
    "q",
    "status",
    "timing",
    "unit",
    "unit_role",
    "key",
    "session",
    "due",
    "mine",
    "sort",
    "year",
    "reply_class",
    "rating",
    "outcome",
)


def _filtered(request):
    params = {k: request.GET.get(k, "").strip() for k in FILTERS}
    for k in ("unit", "session", "year"):
        if params[k] and not params[k].isdigit():
            params[k] = ""
    qs = selectors.proposal_list(user=request.user, persons=person_scope(request.GET), **params)
    return params, qs


@login_required
def proposal_list_view(request):
    permissions.require(request.user, "view", Proposal)
    params, qs = _filtered(request)
    page = paginate(request, qs, per_page=20, ids_first=True)  # a search matching thousands joins only 20
    return render(
        request,
        "proposals/list.html",
        {
            "page": page,
            "params": params,
            "statuses": Proposal._meta.get_field("status").choices,
            "timings": ProposalTiming.choices,
            "reply_classes": ReplyClass.choices,
            "ratings": RatingValue.choices,
            "years": range(timezone.localdate().year, 2017, -1),
            # The handling-unit filter is a picker (hundreds of departments): only the chosen one is rendered.
            "unit_chosen": Organisation.objects.filter(is_handling_unit=True, pk=params["unit"]).first()
            if params["unit"]
            else None,
            "sessions": services.plenary_sessions(request.user.organisation),
            "query": query_without_page(request),
            "can_create": permissions.can(request.user, "create", Proposal),
            "can_export": permissions.can(request.user, "export", Proposal),
            "is_office": request.user.is_office,
            "today": timezone.localdate(),
        },
    )


@login_required
@background_export
def proposal_export(request):
    """The register (提案登记表) with the same filters as the list; a fixed number of queries."""
    permissions.require(request.user, "export", Proposal)
    _, qs = _filtered(request)

    def rows():
        for p in stream(qs):
            units = getattr(p, "active_assignments", [])
            yield (
                p.number_label,
                p.title,
                p.proposer_label,
                p.get_proposer_kind_display(),
                p.get_timing_display(),
                p.get_status_display(),
                "是" if p.is_key else "",
                "、".join(
                    a.unit.display_name
                    for a in units
                    if a.role in (AssignmentRole.LEAD, AssignmentRole.SPLIT)
                ),
                "、".join(
                    a.unit.display_name for a in units if a.role in (AssignmentRole.CO, AssignmentRole.ASSIST)
                ),
                p.submitted_at,
                p.reply_due,
                p.replied_at,
            )

    return excel_response(
        "提案登记表.xlsx",
        "提案登记表",
        [
            "案号",
            "案由",
            "提案人",
            "提出方式",
            "类别",
            "状态",
            "重点提案",
            "主办/分办单位",
            "会办/协办单位",
            "提交时间",
            "答复期限",
            "答复时间",
        ],
        rows(),
        widths=[26, 40, 16, 10, 10, 12, 8, 24, 24, 18, 12, 18],
        traditional=request.wants_traditional,
    )


def _author_for(request, form):
    if request.user.role in (Role.MEMBER, Role.ADVISOR):
        person = getattr(request.user, "person", None)
        if person is None:
            raise DomainError("您的账号尚未关联委员档案，请联系工作人员。")
        return person
    return form.cleaned_data["author"]


@login_required
def proposal_edit(request, pk: int | None = None):
    proposal = None
    if pk is None:
        permissions.require(request.user, "create", Proposal)
    else:
        proposal = selectors.proposal_detail(user=request.user, pk=pk)
        permissions.require(request.user, "edit", proposal)
    staff_user = request.user if request.user.role in (Role.ADMIN, Role.STAFF) and proposal is None else None
    if request.method == "POST":
        form = forms.ProposalForm(request.POST, staff_user=staff_user)
        if form.is_valid():
            data = {k: v for k, v in form.cleaned_data.items() if k not in ("author", "version")}
            try:
                if proposal is None:
                    proposal = services.proposal_create_draft(
                        actor=request.user, author=_author_for(request, form), **data
                    )
                else:
                    with transaction.atomic():
                        check_version(proposal, form.cleaned_data["version"])
                        proposal = services.proposal_update(actor=request.user, proposal=proposal, **data)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                keep_version_of_conflict(form, exc)
            else:
                messages.success(request, "提案草稿已保存。")
                return redirect("proposals:detail", pk=proposal.pk)
    else:
        initial = {}
        if proposal is not None:
            initial = {
                f: getattr(proposal, f)
                for f in ("title", "body", "timing", "proposer_kind", "proposer_body", "origin_note")
            }
            initial["version"] = version_of(proposal)
        form = forms.ProposalForm(initial=initial, staff_user=staff_user)
    return render(request, "proposals/form.html", {"form": form, "proposal": proposal})


@login_required
@require_POST
def similar_check(request):
    """While drafting: the most similar existing proposals for the text typed so far (htmx partial)."""
    permissions.require(request.user, "create", Proposal)
    title = request.POST.get("title", "")[:200]
    body = request.POST.get("body", "")[:20000]
    matches = (
        similarity.similar_proposals(title=title, body=body, limit=6)
        if (title.strip() or body.strip())
        else []
    )
    return render(request, "proposals/_similar.html", {"matches": _annotate_visible(request.user, matches)})


def _annotate_visible(user, matches):
    visible = set(
        Proposal.objects.visible_to(user)
        .filter(pk__in=[m.proposal.pk for m in matches])
        .values_list("pk", flat=True)
    )
    # Others' proposals that were never filed (submitted, not filed, converted …) are left out unless the
    # user may see them; filed ones show their title and score only.
    out = []
    for m in matches:
        m.visible = m.proposal.pk in visible
        if m.visible or m.proposal.status in FILED_STATES:
            out.append(m)
    return out


def _pending_invite(user, proposal):
    pid = getattr(getattr(user, "person", None), "pk", None) if user.is_person else None
    return any(c.person_id == pid and c.status == "invited" for c in proposal.cosigners.all())


def _has_active_assignment(request, proposal):
    return any(a.ended_at is None for a in proposal.assignments.all())


ACTIONS: dict[str, Action] = {
    "submit": Action(
        label="提交提案",
        perm="submit",
        form=forms.NoteForm,
        run=lambda r, p, d: services.proposal_submit(actor=r.user, proposal=p),
        states=EDITABLE_STATES,
        confirm="提交后不能再修改，确定提交？",
    ),
    "invite": Action(
        label="邀请联名",
        perm="edit",
        form=forms.InviteForm,
        form_kwargs=lambda r, p: {"proposal": p},
        run=lambda r, p, d: services.cosigners_invite(
            actor=r.user, proposal=p, persons=d["persons"], deadline=d["deadline"]
        ),
        states=EDITABLE_STATES,
    ),
    "attach": Action(
        label="上传附件",
        perm="edit",
        form=forms.AttachmentForm,
        run=lambda r, p, d: services.attachment_add(actor=r.user, proposal=p, upload=d["file"]),
        states=EDITABLE_STATES,
        multipart=True,
    ),
    "cosponsor": Action(
        label="添加联合提出单位（跨层级联名）",
        perm="edit",
        form=forms.CosponsorForm,
        run=lambda r, p, d: services.cosponsor_add(actor=r.user, proposal=p, organisation=d["organisation"]),
        states=EDITABLE_STATES,
    ),
    "cosign": Action(
        label="回复联名邀请",
        perm="cosign",
        form=forms.CosignForm,
        offered=lambda r, p: _pending_invite(r.user, p),
        run=lambda r, p, d: services.cosigner_respond(actor=r.user, proposal=p, accept=d["accept"]),
        states=(ProposalStatus.DRAFT, ProposalStatus.RETURNED, ProposalStatus.SUBMITTED),
    ),
    "withdraw": Action(
        label="撤回提案",
        perm="withdraw",
        form=forms.NoteForm,
        run=lambda r, p, d: services.proposal_withdraw(actor=r.user, proposal=p, note=d["note"]),
        states=(ProposalStatus.DRAFT, ProposalStatus.RETURNED, ProposalStatus.SUBMITTED),
        confirm="撤回后不能恢复，确定撤回？",
        danger=True,
    ),
    "file": Action(
        label="立案",
        perm="review",
        form=forms.FileForm,
        form_kwargs=lambda r, p: {"proposal": p},
        run=lambda r, p, d: services.proposal_file(
            actor=r.user, proposal=p, note=d["note"], session=d["session"]
        ),
        states=(ProposalStatus.SUBMITTED,),
    ),
    "merge": Action(
        label="并案",
        perm="review",
        form=forms.MergeForm,
        form_kwargs=lambda r, p: {"user": r.user, "proposal": p},
        run=lambda r, p, d: services.proposal_merge(actor=r.user, proposal=p, into=d["into"], note=d["note"]),
        states=(ProposalStatus.SUBMITTED,),
        confirm="确定并案？",
    ),
    "convert": Action(
        label="转为意见建议",
        perm="review",
        form=forms.RequiredNoteForm,
        run=lambda r, p, d: services.proposal_convert(actor=r.user, proposal=p, note=d["note"]),
        states=(ProposalStatus.SUBMITTED,),
    ),
    "return": Action(
        label="退回修改",
        perm="review",
        form=forms.RequiredNoteForm,
        run=lambda r, p, d: services.proposal_return(actor=r.user, proposal=p, note=d["note"]),
        states=(ProposalStatus.SUBMITTED,),
    ),
    "not_file": Action(
        label="不予立案",
        perm="review",
        form=forms.NotFileForm,
        run=lambda r, p, d: services.proposal_not_file(
            actor=r.user, proposal=p, reason=d["reason"], note=d["note"]
        ),
        states=(ProposalStatus.SUBMITTED,),
        confirm="确定不予立案？",
        danger=True,
    ),
    "key": Action(
        label="确定为重点提案",
        perm="designate_key",
        form=forms.KeyForm,
        run=lambda r, p, d: services.proposal_designate_key(
            actor=r.user, proposal=p, supervisors=d["supervisors"], note=d["note"]
        ),
        states=(ProposalStatus.FILED, ProposalStatus.HANDLING),
        offered=lambda r, p: not p.is_key,
    ),
    "assign": Action(
        label="交办",
        perm="assign",
        form=forms.AssignForm,
        run=lambda r, p, d: services.proposal_assign(
            actor=r.user,
            proposal=p,
            lead=d["lead"],
            co_units=d["co_units"],
            assist_units=d["assist_units"],
            split_units=d["split_units"],
            input_due=d["input_due"],
            note=d["note"],
        ),
        states=(ProposalStatus.FILED,),
    ),
    "dispute": Action(
        label="对交办提出异议（7日内）",
        perm="dispute",
        form=forms.ReasonForm,
        run=lambda r, p, d: services.assignment_dispute(actor=r.user, proposal=p, reason=d["reason"]),
        states=(ProposalStatus.HANDLING,),
    ),
    "reassign": Action(
        label="处理异议 / 调整承办单位",
        perm="assign",
        form=forms.ReassignForm,
        form_kwargs=lambda r, p: {"proposal": p},
        offered=_has_active_assignment,
        run=lambda r, p, d: services.assignment_resolve(
            actor=r.user, assignment=d["assignment"], new_unit=d["new_unit"], note=d["note"]
        ),
        states=(ProposalStatus.HANDLING,),
    ),
    "input": Action(
        label="提交会办意见",
        perm="countersign",
        form=forms.TextForm,
        run=lambda r, p, d: services.assignment_submit_input(actor=r.user, proposal=p, text=d["text"]),
        states=(ProposalStatus.HANDLING,),
    ),
    "extend": Action(
        label="延期",
        perm="extend",
        form=forms.ExtendForm,
        run=lambda r, p, d: services.proposal_extend(
            actor=r.user, proposal=p, new_due=d["new_due"], reason=d["reason"]
        ),
        states=(ProposalStatus.HANDLING,),
    ),
    "progress": Action(
        label="填报办理进展",
        perm="progress",
        form=forms.TextForm,
        run=lambda r, p, d: services.progress_add(actor=r.user, proposal=p, text=d["text"]),
        states=(ProposalStatus.HANDLING, ProposalStatus.REPLY_REVIEW),
    ),
    "followup": Action(
        label="记录跟踪（调研、座谈、视察）",
        perm="follow_up",
        form=forms.FollowUpForm,
        form_kwargs=lambda r, p: {"user": r.user, "proposal": p},
        run=lambda r, p, d: services.followup_add(actor=r.user, proposal=p, **d),
        states=(
            ProposalStatus.FILED,
            ProposalStatus.HANDLING,
            ProposalStatus.REPLY_REVIEW,
            ProposalStatus.REPLIED,
            ProposalStatus.CLOSED,
        ),
    ),
    "supervise": Action(
        label="记录督办情况",
        perm="supervise",
        form=forms.DatedNoteForm,
        offered=lambda r, p: p.is_key,
        run=lambda r, p, d: services.supervision_add(
            actor=r.user, proposal=p, date=d["date"], note=d["note"]
        ),
        states=(
            ProposalStatus.FILED,
            ProposalStatus.HANDLING,
            ProposalStatus.REPLY_REVIEW,
            ProposalStatus.REPLIED,
        ),
    ),
    "reply": Action(
        label="起草答复",
        perm="draft_reply",
        form=forms.ReplyForm,
        run=lambda r, p, d: services.reply_save(actor=r.user, proposal=p, **d),
        states=(ProposalStatus.HANDLING,),
    ),
    "countersign": Action(
        label="会签答复",
        perm="countersign",
        form=forms.NoteForm,
        run=lambda r, p, d: services.reply_countersign(actor=r.user, proposal=p, note=d["note"]),
        states=(ProposalStatus.HANDLING,),
    ),
    "submit_reply": Action(
        label="提交答复待审核",
        perm="submit_reply",
        form=forms.NoteForm,
        run=lambda r, p, d: services.reply_submit(actor=r.user, proposal=p),
        states=(ProposalStatus.HANDLING,),
        confirm="提交后不能再修改答复，确定提交？",
    ),
    "review_reply": Action(
        label="审核答复",
        perm="review_reply",
        form=forms.ReviewReplyForm,
        run=lambda r, p, d: services.reply_review(
            actor=r.user, proposal=p, approve=d["approve"], note=d["note"]
        ),
        states=(ProposalStatus.REPLY_REVIEW,),
    ),
    "rate": Action(
        label="评价答复",
        perm="rate",
        form=forms.RateForm,
        run=lambda r, p, d: services.reply_rate(
            actor=r.user, proposal=p, value=d["value"], comment=d["comment"]
        ),
        states=(ProposalStatus.REPLIED,),
    ),
    "close": Action(
        label="办结",
        perm="close",
        form=forms.NoteForm,
        run=lambda r, p, d: services.proposal_close(actor=r.user, proposal=p, note=d["note"]),
        states=(ProposalStatus.REPLIED,),
        confirm="确定办结？",
    ),
    "outcome": Action(
        label="记录办理成效",
        perm="outcome",
        form=forms.OutcomeForm,
        run=lambda r, p, d: services.outcome_record(actor=r.user, proposal=p, **d),
        states=(ProposalStatus.HANDLING, ProposalStatus.REPLIED, ProposalStatus.CLOSED),
    ),
}


def _render_failed(request, proposal, name, form, message):
    """A refused action: the detail page again, the failed form with its errors in place, status 400."""
    messages.error(request, f"“{ACTIONS[name].label}”未完成：{message}")
    proposal = selectors.proposal_detail(user=request.user, pk=proposal.pk)
    return _render_detail(request, proposal, failed=(name, form) if form is not None else None)


TABLE = ActionTable(
    ACTIONS,
    get=lambda request, pk: selectors.proposal_for_action(user=request.user, pk=pk),
    back=lambda request, proposal: reverse("proposals:detail", args=[proposal.pk]),
    failed=_render_failed,
    state_labels=dict(ProposalStatus.choices),
    prefix_forms=True,
    on_demand=True,  # 21 fields folded on the page: each form is built when its action is opened
)
proposal_act = TABLE.view()


@login_required
def proposal_detail(request, pk: int):
    proposal = selectors.proposal_detail(user=request.user, pk=pk)
    return _render_detail(request, proposal)


def _render_detail(request, proposal, failed=None):
    # Only the opened action's form is built (`?open=`, or the one sent back with errors); the page loads the
    # others when the user opens them.
    opened = request.GET.get("open", "") if failed is None else ""
    actions = TABLE.available(request, proposal, opened=opened)
    if failed is not None:
        actions = [(n, a, failed[1] if n == failed[0] else f) for n, a, f in actions]
    shares = proposal.shares()
    return render(
        request,
        "proposals/detail.html",
        {
            "p": proposal,
            "actions": actions,
            "opened": opened,
            "show_similar": _shows_similar(request.user, proposal),
            "cosponsors": [s.organisation for s in shares if s.capacity == ShareCapacity.CO_SPONSOR],
            "timeline": selectors.timeline(proposal),
            "replies": selectors.published_replies(proposal)
            if not request.user.is_office and request.user.role != Role.UNIT
            else list(proposal.replies.all()),
            "show_contact": request.user.role != Role.PARTNER,
            "unit_roles": _unit_roles(request.user, proposal),
            "today": timezone.localdate(),
            "ReplyStatus": ReplyStatus,
        },
        status=400 if request.method == "POST" else 200,
    )


def _shows_similar(user, proposal) -> bool:
    """The office while reviewing (draft to filed), the author while writing: who sees the similar proposals."""
    return bool(
        user.is_office
        and proposal.status
        in (ProposalStatus.DRAFT, ProposalStatus.SUBMITTED, ProposalStatus.FILED, ProposalStatus.RETURNED)
        or (proposal.status in EDITABLE_STATES and permissions.can(user, "edit", proposal))
    )


@login_required
def proposal_similar(request, pk: int):
    """The proposal page's 相似提案 section, which the page loads after itself (htmx): the lookup reads the
    similarity index, whose postings grow with the number of proposals, so it does not hold the page up. Empty
    when there is nothing to show (the page then shows no section)."""
    proposal = permissions.get_visible_or_404(
        Proposal.objects.select_related("owner_org"), request.user, pk=pk
    )
    if not _shows_similar(request.user, proposal):
        raise PermissionRefused()
    matches = _annotate_visible(
        request.user, similarity.similar_proposals(title=proposal.title, body=proposal.body, exclude=proposal)
    )
    if not matches:
        return HttpResponse("")
    suggestions = selectors.suggested_units(proposal, matches) if request.user.is_office else []
    return render(
        request, "proposals/_similar_section.html", {"matches": matches, "suggestions": suggestions}
    )


def _unit_roles(user, proposal):
    if user.role != Role.UNIT:
        return []
    return [a for a in proposal.assignments.all() if a.unit_id == user.organisation_id and a.ended_at is None]


@login_required
def attachment_download(request, pk: int, attachment_id: int):
    proposal = selectors.proposal_detail(user=request.user, pk=pk)
    try:
        att = proposal.attachments.get(pk=attachment_id)
    except Attachment.DoesNotExist:
        raise Http404("未找到该附件。")
    return FileResponse(att.file.open("rb"), as_attachment=True, filename=att.name)


@login_required
def proposal_pdf(request, pk: int):
    """The formal proposal sheet: 案由, 提案人, 联名人, 正文, 办理情况, 答复."""
    proposal = selectors.proposal_detail(user=request.user, pk=pk)
    return pdf_response(
        request,
        "proposals/pdf.html",
        {
            "p": proposal,
            "cosigners": selectors.confirmed_cosigners(proposal),
            "replies": selectors.published_replies(proposal),
            "assignments": [a for a in proposal.assignments.all() if a.ended_at is None],
            "now": timezone.now(),
        },
        f"提案-{proposal.number_label or proposal.pk}.pdf",
    )


@login_required
def unit_work(request):
    """A handling unit's own list: assigned proposals with deadlines."""
    if request.user.role != Role.UNIT:
        return redirect("proposals:list")
    # Soonest deadline first, 50 a page: a department handling hundreds of proposals a year is not one page.
    page = paginate(request, selectors.unit_worklist(user=request.user), per_page=50)
    return render(
        request,
        "proposals/unit_work.html",
        {"page": page, "query": query_without_page(request), "today": timezone.localdate()},
    )


@login_required
def deadlines(request):
    """Overdue and nearly-due proposals by unit, for staff and leaders."""
    permissions.require(request.user, "export", Proposal)
    return render(
        request,
        "proposals/deadlines.html",
        {
            "board": selectors.deadline_board(user=request.user),
            "today": timezone.localdate(),
            "days": selectors.NEARLY_DUE_DAYS,
            "rows": selectors.BOARD_ROWS,
        },
    )


def person_section(request, person):
    """The `person_sections` hook: a person's proposals and their outcomes."""
    rows = list(selectors.person_proposals(user=request.user, person=person)[:50])
    if not rows:
        return []
    html = render_to_string(
        "proposals/_person_section.html", {"rows": rows, "person": person}, request=request
    )
    return [{"title": "提案及成效", "html": html}]


def public_replies(request):
    """Public page (no login): replies to proposals, without anyone's contact details."""
    q = request.GET.get("q", "").strip()
    page = paginate(request, selectors.public_replies(q=q), per_page=20)
    return render(
        request, "proposals/public_replies.html", {"page": page, "q": q, "query": query_without_page(request)}
    )


@login_required
def proposal_search(request):
    """A picker's search for the merge target: at most 20 open proposals the user may see as JSON
    (`?merge_for=<id>` leaves that proposal out; `?all=1`: proposals in any state, e.g. one a research topic
    led to)."""
    permissions.require(request.user, "view", Proposal)
    if request.GET.get("all") == "1":
        found = selectors.proposal_search(request.user, request.GET.get("q", ""))
        return pickers.results(found, label=selectors.proposal_label)
    merge_for = request.GET.get("merge_for", "")
    proposal = None
    if merge_for.isdigit() and len(merge_for) <= 18:
        proposal = permissions.get_visible_or_404(Proposal, request.user, pk=int(merge_for))
    found = selectors.merge_target_search(request.user, proposal, request.GET.get("q", ""))
    return pickers.results(found, label=selectors.proposal_label)


@login_required
def supervisor_search(request):
    """A picker's search for a key proposal's supervising leaders: at most 20 active leaders as JSON, for whoever
    may designate key proposals (their names and bodies only)."""
    from accounts.selectors import leader_label, leader_search

    permissions.require(request.user, "designate_key", Proposal)
    return pickers.results(leader_search(request.GET.get("q", "")), label=leader_label)


@login_required
def cosigner_search(request, pk: int):
    """A picker's search for co-signers: at most 20 persons of the proposal's body's roster (with or without a
    login), names and sectors only; for whoever may edit the proposal."""
    from members.selectors import person_directory_search, person_label

    proposal = permissions.get_visible_or_404(
        Proposal.objects.select_related("owner_org"), request.user, pk=pk
    )
    permissions.require(request.user, "edit", proposal)
    found = person_directory_search(
        proposal.owner_org, request.GET.get("q", ""), exclude=[proposal.author_id]
    )
    return pickers.results(found, label=person_label)
