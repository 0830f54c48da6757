"""Pages of consultation meetings, topics, speech drafts and research topics. Each view parses the request,
fetches what the user may see (`get_visible_or_404`), checks the action and calls one service."""

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import permissions
from core.errors import DomainError
from core.exports import excel_response, pdf_response
from core.forms import add_domain_error
from core.http import safe_next
from core.pagination import paginate, query_without_page
from core.sorting import apply_sort
from core.workflow import log_for

from . import selectors, services
from .diff import side_by_side
from .forms import (
    CommentForm,
    FollowUpForm,
    MeetingForm,
    MilestoneForm,
    MinutesForm,
    NoteForm,
    OutputForm,
    ResearchForm,
    ResearchTransitionForm,
    ResponseForm,
    SpeechForm,
    SpeechTransitionForm,
    TopicForm,
    TopicTransitionForm,
    WriteForm,
)
from .models import (
    FollowUp,
    Meeting,
    MeetingKind,
    Milestone,
    ParticipantRole,
    ResearchOutput,
    ResearchStatus,
    ResearchTopic,
    Speech,
    SpeechStatus,
    Topic,
    TopicStatus,
)
from .workflows import RESEARCH, SPEECH, TOPIC


def _flash(request, exc: DomainError) -> None:
    if exc.status_code == 403:
        raise exc
    messages.error(request, exc.message)


def _log(obj, workflow) -> list:
    """The workflow log of an object with each step's Chinese label."""
    rows = list(log_for(obj, workflow.name))
    for row in rows:
        t = workflow.find(row.source, row.target)
        row.label = t.label if t else workflow.labels.get(row.target, row.target)
    return rows


def _year(value: str) -> int | None:
    return int(value) if value.isdigit() and 1990 < int(value) < 2200 else None


# ---- meetings ----

_MEETING_SORTS = {"date": "date", "title": "title", "topics": "topic_count"}


def _meetings(request):
    params = {k: request.GET.get(k, "").strip() for k in ("q", "year", "kind")}
    qs = selectors.meeting_list(
        user=request.user, q=params["q"], year=_year(params["year"]), kind=params["kind"]
    )
    qs, sort = apply_sort(qs, request, _MEETING_SORTS, "-date")
    return params, qs, sort


@login_required
def meeting_list(request):
    permissions.require(request.user, "view", Meeting)
    params, qs, sort = _meetings(request)
    return render(
        request,
        "consultations/meeting_list.html",
        {
            "page": paginate(request, qs),
            "params": params,
            "sort": sort,
            "kinds": MeetingKind.choices,
            "query": query_without_page(request),
            "can_create": permissions.can(request.user, "create", Meeting),
            "can_export": permissions.can(request.user, "export", Meeting),
        },
    )


@login_required
def meeting_export(request):
    permissions.require(request.user, "export", Meeting)
    _, qs, _ = _meetings(request)
    rows = (
        (
            m.date,
            m.title,
            m.get_kind_display(),
            m.place,
            m.leaders,
            m.topic_count,
            m.selected_count,
            m.speech_count,
        )
        for m in qs.defer("agenda", "minutes", "search_text")
    )
    return excel_response(
        "协商会议.xlsx",
        "协商会议",
        ["召开日期", "会议名称", "类型", "地点", "出席领导", "收集选题", "入选选题", "发言"],
        rows,
        widths=[12, 40, 14, 24, 30, 10, 10, 8],
        traditional=request.wants_traditional,
    )


def _meeting(request, pk):
    return permissions.get_visible_or_404(Meeting.objects.select_related("activity"), request.user, pk=pk)


@login_required
def meeting_detail(request, pk: int):
    meeting = _meeting(request, pk)
    user = request.user
    topics = list(selectors.topics_of(user=user, meeting=meeting))
    speeches = list(selectors.speeches_of(user=user, meeting=meeting))
    responses: dict[int, list] = {}
    for r in selectors.responses_of(meeting).filter(speech__in=[s.pk for s in speeches]):
        responses.setdefault(r.speech_id, []).append(r)
    for s in speeches:
        s.leader_responses = responses.get(s.pk, [])
    return render(
        request,
        "consultations/meeting_detail.html",
        {
            "meeting": meeting,
            "selected": [t for t in topics if t.status == TopicStatus.SELECTED],
            "topic_count": len(topics),
            "speeches": speeches,
            "followups": list(selectors.followups_of(user=user, meeting=meeting)) if user.is_office else [],
            "collecting": services.topic_collecting(meeting),
            "can_edit": permissions.can(user, "edit", meeting),
            "can_record": permissions.can(user, "record", meeting),
            "can_order": permissions.can(user, "order", meeting),
            "can_propose": permissions.can(user, "create", Topic)
            and (services.topic_collecting(meeting) or user.is_office),
            "can_followup": permissions.can(user, "create", FollowUp),
            "held": meeting.date <= timezone.localdate(),
        },
    )


@login_required
def meeting_edit(request, pk: int | None = None):
    meeting = None
    if pk is None:
        permissions.require(request.user, "create", Meeting)
    else:
        meeting = _meeting(request, pk)
        permissions.require(request.user, "edit", meeting)
    if request.method == "POST":
        form = MeetingForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                if meeting is None:
                    meeting = services.meeting_create(actor=request.user, **form.cleaned_data)
                else:
                    meeting = services.meeting_update(
                        actor=request.user, meeting=meeting, **form.cleaned_data
                    )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "已保存。")
                return redirect("consultations:meeting_detail", pk=meeting.pk)
    else:
        initial = {}
        if meeting is not None:
            initial = {
                f: getattr(meeting, f)
                for f in ("title", "kind", "date", "place", "leaders", "agenda", "topic_deadline", "activity")
            }
        form = MeetingForm(initial=initial, user=request.user)
    return render(
        request,
        "consultations/form.html",
        {
            "form": form,
            "title": "编辑会议" if meeting else "登记协商会议",
            "back": reverse("consultations:meeting_list"),
        },
    )


@login_required
@require_POST
def meeting_activity(request, pk: int):
    meeting = _meeting(request, pk)
    try:
        activity = services.meeting_create_activity(actor=request.user, meeting=meeting)
    except DomainError as exc:
        _flash(request, exc)
        return redirect("consultations:meeting_detail", pk=meeting.pk)
    messages.success(request, "已创建活动记录，可在活动页邀请参会人员并登记考勤。")
    return redirect("activities:detail", pk=activity.pk)


@login_required
def meeting_topics(request, pk: int):
    meeting = _meeting(request, pk)
    user = request.user
    topics = list(selectors.topics_of(user=user, meeting=meeting))
    office = permissions.can(user, "decide", Topic)
    return render(
        request,
        "consultations/meeting_topics.html",
        {
            "meeting": meeting,
            "topics": topics,
            "pairs": selectors.similar_topic_pairs(topics) if office else [],
            "office": office,
            "collecting": services.topic_collecting(meeting),
            "can_propose": permissions.can(user, "create", Topic),
            "statuses": TopicStatus.choices,
        },
    )


@login_required
def topic_propose(request, pk: int):
    meeting = _meeting(request, pk)
    permissions.require(request.user, "create", Topic)
    if request.method == "POST":
        form = TopicForm(request.POST, user=request.user)
        if form.is_valid():
            try:
                services.topic_propose(actor=request.user, meeting=meeting, **form.cleaned_data)
            except DomainError as exc:
                if exc.status_code == 403:
                    raise
                add_domain_error(form, exc)
            else:
                messages.success(request, "选题已提交，感谢您的建议。")
                return redirect("consultations:meeting_topics", pk=meeting.pk)
    else:
        form = TopicForm(user=request.user)
    return render(
        request,
        "consultations/form.html",
        {
            "form": form,
            "title": f"提出选题 · {meeting.title}",
            "back": reverse("consultations:meeting_topics", args=[meeting.pk]),
            "intro": "请说明选题的背景、建议方向和信息来源；工作人员和领导会与大家一起协商选题。",
        },
    )


def _topic(request, pk):
    return permissions.get_visible_or_404(
        Topic.objects.select_related("meeting", "proposer", "merged_into"), request.user, pk=pk
    )


@login_required
def topic_detail(request, pk: int):
    topic = _topic(request, pk)
    user = request.user
    office = permissions.can(user, "decide", topic)
    speeches = list(selectors.speech_rows(Speech.objects.visible_to(user).filter(topic=topic)).order_by("id"))
    others = []
    if office:
        others = list(
            Topic.objects.filter(
                meeting=topic.meeting, status__in=(TopicStatus.PROPOSED, TopicStatus.SELECTED)
            ).exclude(pk=topic.pk)
        )
    return render(
        request,
        "consultations/topic_detail.html",
        {
            "topic": topic,
            "notes": list(selectors.topic_notes(topic)) if office else [],
            "merged_from": list(topic.merged_from.select_related("proposer")) if office else [],
            "actions": TOPIC.allowed(topic, user),
            "others": others,
            "office": office,
            "speeches": speeches,
            "log": _log(topic, TOPIC) if office else [],
            "can_discuss": permissions.can(user, "discuss", topic),
            "can_assign": permissions.can(user, "create", Speech) and topic.status == TopicStatus.SELECTED,
            "speech_form": SpeechForm(user=user) if office else None,
        },
    )


@login_required
@require_POST
def topic_transition(request, pk: int):
    topic = _topic(request, pk)
    form = TopicTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "提交的数据有误，请检查后重试。")
        return redirect("consultations:topic_detail", pk=topic.pk)
    data = form.cleaned_data
    into = None
    if data["into"]:
        into = Topic.objects.visible_to(request.user).filter(pk=data["into"]).first()
    try:
        topic = services.topic_transition(
            actor=request.user, topic=topic, target=data["target"], note=data["note"], into=into
        )
    except DomainError as exc:
        _flash(request, exc)
    else:
        messages.success(request, f"选题状态已更新为“{topic.get_status_display()}”。")
    return redirect(safe_next(request, reverse("consultations:topic_detail", args=[topic.pk])))


@login_required
@require_POST
def topic_note(request, pk: int):
    topic = _topic(request, pk)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.topic_note_add(actor=request.user, topic=topic, text=form.cleaned_data["text"])
        except DomainError as exc:
            _flash(request, exc)
        else:
            messages.success(request, "已记录讨论意见。")
    else:
        messages.error(request, "请填写讨论意见。")
    return redirect("consultations:topic_detail", pk=topic.pk)


@login_required
@require_POST
def speech_create(request, pk: int):
    topic = _topic(request, pk)
    form = SpeechForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(request, "请选择发言人。")
        return redirect("consultations:topic_detail", pk=topic.pk)
    try:
        speech = services.speech_create(actor=request.user, topic=topic, **form.cleaned_data)
    except DomainError as exc:
        _flash(request, exc)
        return redirect("consultations:topic_detail", pk=topic.pk)
    messages.success(request, f"已请 {speech.speaker.name} 撰写发言稿。")
    return redirect("consultations:speech_detail", pk=speech.pk)


# ---- speeches ----


def _speech(request, pk):
    return permissions.get_visible_or_404(
        Speech.objects.select_related("meeting", "topic", "speaker", "approved_revision"), request.user, pk=pk
    )


def _annotated_paragraphs(revision) -> list[dict]:
    """Paragraphs of a revision with their comments; inline comments mark the quoted phrase."""
    by_paragraph: dict[int | None, list] = {}
    for c in revision.comments.all():
        by_paragraph.setdefault(c.paragraph, []).append(c)
    out = []
    for n, text in enumerate(revision.paragraphs, start=1):
        comments = by_paragraph.get(n, [])
        out.append(
            {
                "number": n,
                "pieces": _mark_quotes(text, [c.quote for c in comments if c.quote]),
                "comments": comments,
            }
        )
    return out, by_paragraph.get(None, [])


def _mark_quotes(text: str, quotes: list[str]) -> list[tuple[bool, str]]:
    """Split a paragraph into (marked, text) pieces, marking the first occurrence of each quoted phrase."""
    spans = []
    for q in quotes:
        i = text.find(q)
        if i >= 0:
            spans.append((i, i + len(q)))
    spans.sort()
    pieces, pos = [], 0
    for start, end in spans:
        if start < pos:
            start = pos
        if start >= end:
            continue
        if start > pos:
            pieces.append((False, text[pos:start]))
        pieces.append((True, text[start:end]))
        pos = end
    if pos < len(text):
        pieces.append((False, text[pos:]))
    return pieces


@login_required
def speech_detail(request, pk: int):
    speech = _speech(request, pk)
    user = request.user
    detail = selectors.speech_detail(speech)
    revisions = detail["revisions"]
    shown = revisions[0] if revisions else None
    wanted = request.GET.get("rev", "")
    if wanted.isdigit():
        shown = next((r for r in revisions if r.number == int(wanted)), shown)
    paragraphs, general = _annotated_paragraphs(shown) if shown else ([], [])
    return render(
        request,
        "consultations/speech_detail.html",
        {
            "speech": speech,
            "revisions": revisions,
            "shown": shown,
            "paragraphs": paragraphs,
            "general_comments": general,
            "responses": detail["responses"],
            "followups": detail["followups"] if user.is_office else [],
            "actions": [t for t in SPEECH.allowed(speech, user) if t.target != SpeechStatus.SUBMITTED],
            "can_write": permissions.can(user, "write", speech)
            and speech.status in (SpeechStatus.DRAFTING, SpeechStatus.RETURNED),
            "can_comment": permissions.can(user, "comment", speech)
            and not speech.is_locked
            and shown is not None,
            "can_respond": permissions.can(user, "respond", speech)
            and speech.status in (SpeechStatus.APPROVED, SpeechStatus.DELIVERED),
            "can_export": permissions.can(user, "export", speech) and shown is not None,
            "log": _log(speech, SPEECH),
            "next_number": (revisions[0].number if revisions else 0) + 1,
        },
    )


@login_required
def speech_write(request, pk: int):
    speech = _speech(request, pk)
    permissions.require(request.user, "write", speech)
    last = speech.revisions.order_by("-number").first()
    if request.method == "POST":
        form = WriteForm(request.POST)
        if form.is_valid():
            text, note = form.cleaned_data["text"], form.cleaned_data["note"]
            try:
                if "submit" in request.POST:
                    services.speech_save_text(actor=request.user, speech=speech, text=text)
                    speech = services.speech_transition(
                        actor=request.user, speech=speech, target=SpeechStatus.SUBMITTED, note=note
                    )
                    messages.success(request, f"第{speech.latest_revision.number}稿已提交审阅。")
                    return redirect("consultations:speech_detail", pk=speech.pk)
                services.speech_save_text(actor=request.user, speech=speech, text=text)
            except DomainError as exc:
                if exc.status_code == 403:
                    raise
                add_domain_error(form, exc)
            else:
                messages.success(request, "工作稿已保存（尚未提交）。")
                return redirect("consultations:speech_write", pk=speech.pk)
    else:
        try:
            services._check_writable(speech)
        except DomainError as exc:
            messages.error(request, exc.message)
            return redirect("consultations:speech_detail", pk=speech.pk)
        form = WriteForm(initial={"text": speech.working_text or (last.text if last else "")})
    comments = []
    if last is not None:
        comments = list(last.comments.select_related("author").order_by("paragraph", "id"))
    return render(
        request,
        "consultations/speech_write.html",
        {
            "speech": speech,
            "form": form,
            "last": last,
            "comments": comments,
            "next_number": (last.number if last else 0) + 1,
        },
    )


@login_required
@require_POST
def speech_transition(request, pk: int):
    speech = _speech(request, pk)
    form = SpeechTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "提交的数据有误，请检查后重试。")
        return redirect("consultations:speech_detail", pk=speech.pk)
    try:
        speech = services.speech_transition(actor=request.user, speech=speech, **form.cleaned_data)
    except DomainError as exc:
        _flash(request, exc)
    else:
        messages.success(request, f"发言稿状态已更新为“{speech.get_status_display()}”。")
    return redirect(safe_next(request, reverse("consultations:speech_detail", args=[speech.pk])))


@login_required
@require_POST
def comment_add(request, pk: int):
    speech = _speech(request, pk)
    form = CommentForm(request.POST)
    target = reverse("consultations:speech_detail", args=[speech.pk])
    if not form.is_valid():
        messages.error(request, "请填写审阅意见；段落应为正整数。")
        return redirect(target)
    data = form.cleaned_data
    revision = None
    if data["revision"]:
        revision = speech.revisions.filter(number=data["revision"]).first()
        if revision is None:
            messages.error(request, "该稿次不存在。")
            return redirect(target)
    try:
        services.comment_add(
            actor=request.user,
            speech=speech,
            revision=revision,
            paragraph=data["paragraph"],
            quote=data["quote"],
            text=data["text"],
        )
    except DomainError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "审阅意见已添加。")
    if revision is not None:
        target += f"?rev={revision.number}"
    return redirect(target)


@login_required
def speech_compare(request, pk: int):
    speech = _speech(request, pk)
    revisions = list(speech.revisions.select_related("author").order_by("number"))
    if len(revisions) < 2:
        messages.error(request, "至少需要两稿才能比较。")
        return redirect("consultations:speech_detail", pk=speech.pk)
    by_number = {r.number: r for r in revisions}

    def pick(name, default):
        value = request.GET.get(name, "")
        return by_number.get(int(value)) if value.isdigit() and int(value) in by_number else default

    old = pick("a", revisions[0])
    new = pick("b", revisions[-1])
    comparison = side_by_side(old.text, new.text)
    return render(
        request,
        "consultations/speech_compare.html",
        {"speech": speech, "revisions": revisions, "old": old, "new": new, "comparison": comparison},
    )


@login_required
@require_POST
def leader_response(request, pk: int):
    speech = _speech(request, pk)
    form = ResponseForm(request.POST)
    if form.is_valid():
        try:
            services.leader_response_add(actor=request.user, speech=speech, **form.cleaned_data)
        except DomainError as exc:
            _flash(request, exc)
        else:
            messages.success(request, "已登记领导回应。")
    else:
        messages.error(request, "请填写回应的领导和回应内容。")
    return redirect(safe_next(request, reverse("consultations:speech_detail", args=[speech.pk])))


def _export_revision(request, speech):
    permissions.require(request.user, "export", speech)
    revision = speech.approved_revision or speech.revisions.order_by("-number").first()
    if revision is None:
        raise Http404("还没有可导出的修改稿。")
    return revision


@login_required
def speech_docx(request, pk: int):
    speech = _speech(request, pk)
    revision = _export_revision(request, speech)
    from .word import speech_docx as build_docx  # python-docx loads lxml: only when a document is asked for

    content = build_docx(speech, revision, traditional=request.wants_traditional)
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    )
    from core.exports import _disposition
    from core.text import to_traditional

    name = f"{speech.title}（{speech.speaker.name}）.docx"
    response["Content-Disposition"] = _disposition(
        to_traditional(name) if request.wants_traditional else name
    )
    return response


@login_required
def speech_pdf(request, pk: int):
    speech = _speech(request, pk)
    revision = _export_revision(request, speech)
    return pdf_response(
        request,
        "consultations/speech_pdf.html",
        {"speech": speech, "revision": revision, "paragraphs": revision.paragraphs},
        f"{speech.title}（{speech.speaker.name}）.pdf",
    )


# ---- speaking order, minutes, responses, follow-ups ----


@login_required
def meeting_order(request, pk: int):
    meeting = _meeting(request, pk)
    permissions.require(request.user, "order", meeting)
    speeches = list(
        selectors.speeches_of(user=request.user, meeting=meeting).exclude(status=SpeechStatus.WITHDRAWN)
    )
    if request.method == "POST":
        placed = []
        for s in speeches:
            value = request.POST.get(f"order_{s.pk}", "").strip()
            if value:
                if not value.isdigit() or int(value) < 1:
                    messages.error(request, f"“{s.title}”的发言顺序应为正整数。")
                    return redirect("consultations:meeting_order", pk=meeting.pk)
                placed.append((int(value), s.pk))
        placed.sort()
        try:
            services.speaking_order_set(
                actor=request.user, meeting=meeting, speech_ids=[pk for _, pk in placed]
            )
        except DomainError as exc:
            _flash(request, exc)
        else:
            messages.success(request, "发言顺序已保存。")
            return redirect("consultations:meeting_detail", pk=meeting.pk)
    return render(request, "consultations/meeting_order.html", {"meeting": meeting, "speeches": speeches})


@login_required
def meeting_record(request, pk: int):
    """After the meeting: minutes, delivered speeches and leaders' responses, in one page."""
    meeting = _meeting(request, pk)
    permissions.require(request.user, "record", meeting)
    if request.method == "POST":
        form = MinutesForm(request.POST)
        if form.is_valid():
            try:
                services.meeting_record_minutes(
                    actor=request.user, meeting=meeting, minutes=form.cleaned_data["minutes"]
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "会议纪要已保存。")
                return redirect("consultations:meeting_record", pk=meeting.pk)
    else:
        form = MinutesForm(initial={"minutes": meeting.minutes})
    speeches = [
        s
        for s in selectors.speeches_of(user=request.user, meeting=meeting)
        if s.status in (SpeechStatus.APPROVED, SpeechStatus.DELIVERED)
    ]
    responses: dict[int, list] = {}
    for r in selectors.responses_of(meeting):
        responses.setdefault(r.speech_id, []).append(r)
    for s in speeches:
        s.leader_responses = responses.get(s.pk, [])
    return render(
        request,
        "consultations/meeting_record.html",
        {
            "meeting": meeting,
            "form": form,
            "speeches": speeches,
            "held": meeting.date <= timezone.localdate(),
            "followups": list(selectors.followups_of(user=request.user, meeting=meeting)),
            "followup_form": FollowUpForm(),
        },
    )


@login_required
@require_POST
def followup_create(request, pk: int):
    meeting = _meeting(request, pk)
    form = FollowUpForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        speech = None
        if data["speech"]:
            speech = (
                Speech.objects.visible_to(request.user).filter(pk=data["speech"], meeting=meeting).first()
            )
        try:
            services.followup_create(
                actor=request.user,
                meeting=meeting,
                title=data["title"],
                description=data["description"],
                kind=data["kind"],
                speech=speech,
            )
        except DomainError as exc:
            _flash(request, exc)
        else:
            messages.success(request, "已登记后续事项。")
    else:
        messages.error(request, "请填写事项。")
    return redirect("consultations:meeting_record", pk=meeting.pk)


@login_required
@require_POST
def followup_action(request, pk: int):
    followup = permissions.get_visible_or_404(
        FollowUp.objects.select_related("meeting", "speech"), request.user, pk=pk
    )
    action = request.POST.get("action", "")
    back = reverse("consultations:meeting_record", args=[followup.meeting_id])
    try:
        if action == "proposal":
            proposal = services.followup_to_proposal(actor=request.user, followup=followup)
            messages.success(request, "已生成提案草稿。")
            return redirect("proposals:detail", pk=proposal.pk)
        if action == "research":
            today = timezone.localdate()
            topic = services.followup_to_research(
                actor=request.user,
                followup=followup,
                start_date=today,
                end_date=today + dt.timedelta(days=180),
            )
            messages.success(request, "已立项为课题研究，请补充联动单位和计划。")
            return redirect("consultations:research_edit", pk=topic.pk)
        if action == "done":
            services.followup_done(actor=request.user, followup=followup)
            messages.success(request, "已标记为落实。")
        else:
            messages.error(request, "操作不正确。")
    except DomainError as exc:
        _flash(request, exc)
    return redirect(back)


# ---- members' side ----


@login_required
def my_page(request):
    """A member's or advisor's own consultation work: topics, drafts with comments, research roles, and the
    meetings still collecting topics."""
    user = request.user
    if not user.is_person:
        return redirect("consultations:meeting_list")
    collecting = [
        m
        for m in Meeting.objects.visible_to(user).filter(date__gte=timezone.localdate()).order_by("date")
        if services.topic_collecting(m)
    ]
    return render(
        request,
        "consultations/my.html",
        {
            "topics": list(selectors.my_topics(user=user)),
            "speeches": list(selectors.my_speeches(user=user)),
            "roles": list(selectors.my_research_roles(user=user)),
            "collecting": collecting,
        },
    )


# ---- research topics ----

_RESEARCH_SORTS = {
    "start": "start_date",
    "end": "end_date",
    "title": "title",
    "status": ("status", "-start_date"),
}


def _research(request):
    params = {k: request.GET.get(k, "").strip() for k in ("q", "status", "year", "partner")}
    qs = selectors.research_list(
        user=request.user,
        q=params["q"],
        status=params["status"],
        year=_year(params["year"]),
        partner=params["partner"],
    )
    qs, sort = apply_sort(qs, request, _RESEARCH_SORTS, "-start")
    return params, qs, sort


@login_required
def research_list(request):
    permissions.require(request.user, "view", ResearchTopic)
    params, qs, sort = _research(request)
    page = paginate(request, qs)
    partners = selectors.partners_for([t.pk for t in page])
    for t in page:
        t.partner_list = partners.get(t.pk, [])
    return render(
        request,
        "consultations/research_list.html",
        {
            "page": page,
            "params": params,
            "sort": sort,
            "statuses": ResearchStatus.choices,
            "query": query_without_page(request),
            "can_create": permissions.can(request.user, "create", ResearchTopic),
            "can_export": permissions.can(request.user, "export", ResearchTopic),
        },
    )


@login_required
def research_export(request):
    permissions.require(request.user, "export", ResearchTopic)
    _, qs, _ = _research(request)
    topics = list(qs.defer("summary", "outcome", "search_text"))
    partners = selectors.partners_for([t.pk for t in topics])
    rows = (
        (
            t.title,
            t.lead_body.name,
            "、".join(o.name for o in partners.get(t.pk, [])),
            t.start_date,
            t.end_date,
            t.get_status_display(),
            f"{t.milestones_done}/{t.milestone_count}",
            t.output_count,
            t.adopted_by.name if t.adopted_by else "",
        )
        for t in topics
    )
    return excel_response(
        "课题研究.xlsx",
        "课题研究",
        ["课题名称", "牵头单位", "联动单位", "开始日期", "计划结题", "状态", "进度节点", "成果", "采纳单位"],
        rows,
        widths=[40, 24, 40, 12, 12, 10, 10, 8, 24],
        traditional=request.wants_traditional,
    )


def _topic_research(request, pk):
    return permissions.get_visible_or_404(
        ResearchTopic.objects.select_related("lead_body", "adopted_by"), request.user, pk=pk
    )


@login_required
def research_detail(request, pk: int):
    topic = _topic_research(request, pk)
    user = request.user
    detail = selectors.research_detail(topic)
    can_edit = permissions.can(user, "edit", topic)

    return render(
        request,
        "consultations/research_detail.html",
        {
            "topic": topic,
            **detail,
            "today": timezone.localdate(),
            "actions": RESEARCH.allowed(topic, user),
            "can_edit": can_edit,
            "log": _log(topic, RESEARCH),
            "milestone_form": MilestoneForm() if can_edit else None,
            "output_form": OutputForm(user=user) if can_edit else None,
            "transition_form": ResearchTransitionForm(),
        },
    )


@login_required
def research_edit(request, pk: int | None = None):
    topic = None
    if pk is None:
        permissions.require(request.user, "create", ResearchTopic)
    else:
        topic = _topic_research(request, pk)
        permissions.require(request.user, "edit", topic)
    if request.method == "POST":
        form = ResearchForm(request.POST, user=request.user)
        if form.is_valid():
            data = dict(form.cleaned_data)
            participants = []
            if data.pop("lead_person"):
                participants.append((form.cleaned_data["lead_person"], ParticipantRole.LEAD))
            for p in data.pop("writers"):
                participants.append((p, ParticipantRole.WRITER))
            for p in data.pop("members"):
                participants.append((p, ParticipantRole.MEMBER))
            try:
                if topic is None:
                    topic = services.research_create(actor=request.user, participants=participants, **data)
                else:
                    topic = services.research_update(
                        actor=request.user, topic=topic, participants=participants, **data
                    )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "已保存。")
                return redirect("consultations:research_detail", pk=topic.pk)
    else:
        initial = {"lead_body": getattr(request.user, "organisation", None)}
        if topic is not None:
            roles = list(topic.participants.select_related("person"))
            initial = {
                "title": topic.title,
                "summary": topic.summary,
                "lead_body": topic.lead_body,
                "partners": [
                    o
                    for o in selectors.partners_for([topic.pk]).get(topic.pk, [])
                    if o.pk != topic.lead_body_id
                ],
                "start_date": topic.start_date,
                "end_date": topic.end_date,
                "lead_person": next((r.person for r in roles if r.role == ParticipantRole.LEAD), None),
                "writers": [r.person for r in roles if r.role == ParticipantRole.WRITER],
                "members": [r.person for r in roles if r.role == ParticipantRole.MEMBER],
                "external_participants": topic.external_participants,
            }
        form = ResearchForm(initial=initial, user=request.user)
    return render(
        request,
        "consultations/form.html",
        {
            "form": form,
            "title": "编辑课题" if topic else "登记课题研究",
            "back": reverse("consultations:research_list"),
        },
    )


@login_required
@require_POST
def research_transition(request, pk: int):
    topic = _topic_research(request, pk)
    form = ResearchTransitionForm(request.POST)
    if not form.is_valid():
        messages.error(request, "提交的数据有误，请检查后重试。")
        return redirect("consultations:research_detail", pk=topic.pk)
    try:
        topic = services.research_transition(actor=request.user, topic=topic, **form.cleaned_data)
    except DomainError as exc:
        _flash(request, exc)
    else:
        messages.success(request, f"课题状态已更新为“{topic.get_status_display()}”。")
    return redirect("consultations:research_detail", pk=topic.pk)


@login_required
@require_POST
def milestone_add(request, pk: int):
    topic = _topic_research(request, pk)
    form = MilestoneForm(request.POST)
    if form.is_valid():
        try:
            services.milestone_add(actor=request.user, topic=topic, **form.cleaned_data)
        except DomainError as exc:
            _flash(request, exc)
        else:
            messages.success(request, "已添加进度节点。")
    else:
        messages.error(request, "请填写节点名称和计划完成日期。")
    return redirect("consultations:research_detail", pk=topic.pk)


@login_required
@require_POST
def milestone_done(request, pk: int):
    milestone = Milestone.objects.select_related("topic").filter(pk=pk).first()
    if milestone is None:
        raise Http404("未找到该记录，或您无权查看。")
    permissions.get_visible_or_404(ResearchTopic, request.user, pk=milestone.topic_id)
    try:
        services.milestone_done(actor=request.user, milestone=milestone)
    except DomainError as exc:
        _flash(request, exc)
    else:
        messages.success(request, "节点已完成。")
    return redirect("consultations:research_detail", pk=milestone.topic_id)


@login_required
@require_POST
def output_add(request, pk: int):
    topic = _topic_research(request, pk)
    form = OutputForm(request.POST, request.FILES, user=request.user)
    if form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("file")
        try:
            services.output_add(actor=request.user, topic=topic, upload=upload, **data)
        except DomainError as exc:
            _flash(request, exc)
        else:
            messages.success(request, "已添加成果。")
    else:
        messages.error(request, "请填写成果名称和完成日期。")
    return redirect("consultations:research_detail", pk=topic.pk)


@login_required
def output_file(request, pk: int):
    """An output's file, only after the topic's visibility check."""
    output = ResearchOutput.objects.filter(pk=pk).first()
    if output is None or not output.file:
        raise Http404("未找到该记录，或您无权查看。")
    permissions.get_visible_or_404(ResearchTopic, request.user, pk=output.topic_id)
    return FileResponse(output.file.open("rb"), as_attachment=True, filename=output.file_name)


@login_required
@require_POST
def research_link(request, pk: int):
    from activities.models import Activity
    from proposals.models import Proposal

    topic = _topic_research(request, pk)
    try:
        if request.POST.get("activity", "").isdigit():
            activity = permissions.get_visible_or_404(
                Activity, request.user, pk=int(request.POST["activity"])
            )
            services.research_link_trip(actor=request.user, topic=topic, activity=activity)
            messages.success(request, "已关联实地调研活动。")
        elif request.POST.get("proposal", "").isdigit():
            proposal = permissions.get_visible_or_404(
                Proposal, request.user, pk=int(request.POST["proposal"])
            )
            services.research_link_proposal(actor=request.user, topic=topic, proposal=proposal)
            messages.success(request, "已关联提案。")
        else:
            messages.error(request, "请选择要关联的活动或提案。")
    except DomainError as exc:
        _flash(request, exc)
    return redirect("consultations:research_detail", pk=topic.pk)
