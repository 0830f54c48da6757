"""Pages of the activities app: staff pages (list, edit, invite, attendance, report, exports) and the
members' phone-sized pages (my activities, RSVP, check-in by QR, briefings). Views parse, fetch with
visibility, check the action and call one service."""

import calendar as pycal
import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core import signing
from django.http import FileResponse, Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core import permissions, pickers
from core.actions import Action, ActionTable
from core.errors import DomainError, PermissionRefused
from core.exports import excel_response, pdf_response, stream
from core.forms import add_domain_error
from core.http import safe_next
from core.jobs import background_export
from core.pagination import paginate, query_without_page
from core.text import to_traditional
from members.models import Person
from members.selectors import person_scope

from . import ics, selectors, services
from .forms import ActivityForm, AnswerForForm, BriefingForm, FileForm, KindForm, ReportForm, StopForm
from .models import Activity, ActivityFile, ActivityKind, Briefing, Invitation, TripStop
from .models import InvitationStatus as S
from .workflows import INVITATION

_FILTERS = ("q", "kind", "year", "when", "sort", "cancelled")


def _params(request):
    return {k: request.GET.get(k, "").strip() for k in _FILTERS}


def _flash_error(request, exc: DomainError):
    """A refused rule becomes a message on the page; a refused permission stays a 403."""
    if isinstance(exc, PermissionRefused):
        raise exc
    messages.error(request, exc.message)


# ---------------------------------------------------------------- list, export, detail


@login_required
def activity_list_view(request):
    permissions.require(request.user, "view", Activity)
    params = _params(request)
    qs = selectors.activity_list(
        user=request.user,
        **{k: v for k, v in params.items() if k != "sort"},
        sort=params["sort"] or "-starts_at",
    )
    page = paginate(request, qs)
    years = range(timezone.localdate().year + 1, 2021, -1)
    return render(
        request,
        "activities/list.html",
        {
            "page": page,
            "params": params,
            "kinds": ActivityKind.objects.all(),
            "years": years,
            "query": query_without_page(request),
            "can_create": permissions.can(request.user, "create", Activity),
            "can_export": permissions.can(request.user, "export", Activity),
        },
    )


def activity_label(activity) -> str:
    """An activity as a picker shows it: its date and title."""
    return f"{timezone.localtime(activity.starts_at):%Y-%m-%d} {activity.title}"


@login_required
def activity_search(request):
    """A picker's search: at most 20 activities the user may see whose title, place or kind contains `q`
    (`?cancelled=0` leaves out cancelled ones), newest first, as JSON."""
    permissions.require(request.user, "view", Activity)
    found = selectors.activity_list(
        user=request.user,
        q=request.GET.get("q", "").strip(),
        counts=False,
        cancelled=request.GET.get("cancelled", ""),
    )
    return pickers.results(found[: pickers.LIMIT], label=activity_label)


@login_required
@background_export
def activity_export(request):
    permissions.require(request.user, "export", Activity)
    params = _params(request)
    qs = selectors.activity_list(
        user=request.user,
        **{k: v for k, v in params.items() if k != "sort"},
        sort=params["sort"] or "-starts_at",
    )
    rows = (
        (
            a.title,
            a.kind.name,
            a.owner_org.display_name,
            timezone.localtime(a.starts_at),
            timezone.localtime(a.ends_at),
            a.place,
            a.quota,
            a.n_invited,
            a.n_confirmed,
            a.n_checked_in,
            a.n_leave,
            a.n_absent,
        )
        for a in stream(qs)
    )
    return excel_response(
        "活动列表.xlsx",
        "活动",
        ["名称", "类别", "主办单位", "开始", "结束", "地点", "名额", "邀请", "确认", "签到", "请假", "缺席"],
        rows,
        widths=[36, 12, 20, 18, 18, 24, 8, 8, 8, 8, 8, 8],
        traditional=request.wants_traditional,
    )


@login_required
def activity_detail(request, pk: int):
    user = request.user
    activity = selectors.activity_detail(user=user, pk=pk)
    mine = None
    if user.is_person:
        mine = (
            Invitation.objects.visible_to(user)
            .filter(activity=activity, person__user=user)
            .select_related("person")
            .first()
        )
        if mine is not None:  # the answer buttons' checks read it: no second look-up of either
            mine._visible_cache = (user.pk, True)
            mine.activity = activity
    briefings = selectors.briefing_list(user=user).filter(activity=activity)
    return render(
        request,
        "activities/detail.html",
        {
            "activity": activity,
            "stops": activity.stops.all(),
            "co_organisers": selectors.co_organisers(activity),
            "mine": mine,
            "actions": _answer_actions(mine, user) if mine else [],
            "briefings": briefings,
            "files": activity.files.all(),
            "can_edit": permissions.can(user, "edit", activity),
            "can_invite": permissions.can(user, "invite", activity),
            "can_check_in": permissions.can(user, "check_in", activity),
            "can_report": permissions.can(user, "report", activity),
            "can_export": permissions.can(user, "export", activity),
            "can_see_attendance": not user.is_person,
            "ended": activity.ends_at < timezone.now(),
            "stop_form": StopForm(),
        },
    )


def _answer_actions(invitation, user):
    """Which answer buttons a person sees on their invitation."""
    return _answers({t.target for t in INVITATION.allowed(invitation, user)})


def _answers_for_members() -> dict[str, list[str]]:
    """Per status, the answers staff may record for a member (代为确认 / 代为不参加 / 代为请假): the member's own
    answers of the workflow table, so the buttons follow the table (the service checks again)."""
    return {
        status: _answers({t.target for t in INVITATION.targets_from(status) if t.action == "respond"})
        for status in S.values
    }


def _answers(allowed) -> list[str]:
    out = []
    if S.CONFIRMED in allowed or S.WAITLISTED in allowed:
        out.append("confirm")
    if S.DECLINED in allowed:
        out.append("decline")
    if S.LEAVE_REQUESTED in allowed:
        out.append("leave")
    return out


# ---------------------------------------------------------------- create, edit, stops, kinds


def _initial(activity):
    fields = (
        "kind",
        "title",
        "starts_at",
        "ends_at",
        "place",
        "description",
        "quota",
        "signup_deadline",
        "is_compulsory",
    )
    data = {f: getattr(activity, f) for f in fields}
    data["co_organisers"] = selectors.co_organisers(activity)
    return data


@login_required
def activity_edit(request, pk: int | None = None):
    activity = None
    if pk is None:
        permissions.require(request.user, "create", Activity)
    else:
        activity = permissions.get_visible_or_404(Activity, request.user, pk=pk)
        permissions.require(request.user, "edit", activity)
    if request.method == "POST":
        form = ActivityForm(request.POST)
        if form.is_valid():
            data = dict(form.cleaned_data)
            co = data.pop("co_organisers")
            try:
                if activity is None:
                    activity = services.activity_create(actor=request.user, co_organisers=co, **data)
                else:
                    activity = services.activity_update(
                        actor=request.user, activity=activity, co_organisers=co, **data
                    )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"活动“{activity.title}”已保存。")
                return redirect("activities:detail", pk=activity.pk)
    else:
        form = ActivityForm(initial=_initial(activity) if activity else {})
    return render(request, "activities/form.html", {"form": form, "activity": activity})


def _detail_url(request, activity) -> str:
    return reverse("activities:detail", args=[activity.pk])


def _attendance_url(request, activity, result=None) -> str:
    return reverse("activities:attendance", args=[activity.pk])


def _stop_delete(request, activity, data):
    try:
        stop = activity.stops.get(pk=request.resolver_match.kwargs["stop_pk"])
    except TripStop.DoesNotExist:
        raise Http404("未找到该记录，或您无权查看。")
    services.trip_stop_delete(actor=request.user, stop=stop)
    return stop


def _bulk_check_in(request, activity, data):
    if request.POST.get("mark_absent"):
        n = services.invitations_mark_absent(actor=request.user, activity=activity)
        return f"已将 {n} 位未签到者记为缺席。"
    n = services.invitations_check_in_bulk(
        actor=request.user,
        activity=activity,
        invitation_ids=request.POST.getlist("invitation"),
        reason=request.POST.get("reason", ""),
    )
    return f"已按签到表补录 {n} 人签到。"


ACTIVITY_ACTIONS = ActionTable(
    {
        "cancel": Action(
            label="取消活动",
            perm="edit",
            run=lambda r, a, d: services.activity_cancel(
                actor=r.user, activity=a, reason=r.POST.get("reason", "")
            ),
            success=lambda r, a, result: f"活动“{a.title}”已取消，受邀人已收到通知。",
        ),
        "stop_add": Action(
            label="添加站点",
            perm="edit",
            form=StopForm,
            invalid="站点信息不完整：请填写城市和起止日期。",
            run=lambda r, a, d: services.trip_stop_add(actor=r.user, activity=a, **d),
            success=lambda r, a, stop: f"已添加站点“{stop.city}”。",
        ),
        "stop_delete": Action(
            label="删除站点",
            perm="edit",
            run=_stop_delete,
            success=lambda r, a, stop: f"已删除站点“{stop.city}”。",
        ),
        "bulk_check_in": Action(
            label="补录签到",
            perm="check_in",
            run=_bulk_check_in,
            success=lambda r, a, message: message,
            next_url=_attendance_url,
        ),
        "file_add": Action(
            label="上传文件",
            perm="report",
            form=FileForm,
            multipart=True,
            invalid="请选择要上传的文件。",
            run=lambda r, a, d: services.activity_file_add(
                actor=r.user, activity=a, upload=d["file"], kind=d["kind"], caption=d["caption"]
            ),
            success="文件已上传。",
            next_url=lambda r, a, result: reverse("activities:report", args=[a.pk]),
        ),
    },
    get=lambda request, pk: permissions.get_visible_or_404(Activity, request.user, pk=pk),
    back=_detail_url,
)
cancel = ACTIVITY_ACTIONS.view("cancel")
stop_add = ACTIVITY_ACTIONS.view("stop_add")
bulk_check_in = ACTIVITY_ACTIONS.view("bulk_check_in")
file_add = ACTIVITY_ACTIONS.view("file_add")


@login_required
@require_POST
def stop_delete(request, pk: int, stop_pk: int):
    return ACTIVITY_ACTIONS.dispatch(request, pk, "stop_delete")


@login_required
def kind_list(request):
    permissions.require(request.user, "view", ActivityKind)
    form = KindForm(request.POST or None)
    if request.method == "POST":
        permissions.require(request.user, "create", ActivityKind)
        if form.is_valid():
            try:
                kind = services.activity_kind_create(actor=request.user, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"已新增活动类别“{kind.name}”。")
                return redirect("activities:kinds")
    return render(
        request,
        "activities/kinds.html",
        {
            "kinds": ActivityKind.objects.all(),
            "form": form,
            "can_create": permissions.can(request.user, "create", ActivityKind),
        },
    )


# ---------------------------------------------------------------- invitations


@login_required
def invite(request, pk: int):
    """Invite by picking persons (ticked in the list) or everyone matching the roster's filters."""
    activity = permissions.get_visible_or_404(Activity, request.user, pk=pk)
    permissions.require(request.user, "invite", activity)
    source = request.POST if request.method == "POST" else request.GET
    matching, filterset = selectors.persons_by_filter(user=request.user, params=source)
    if request.method == "POST":
        if request.POST.get("mode") == "filter":
            persons = matching
        else:
            persons = Person.objects.filter(pk__in=request.POST.getlist("person"))
        try:
            n = services.invitations_create(actor=request.user, activity=activity, persons=persons)
        except DomainError as exc:
            _flash_error(request, exc)
        else:
            messages.success(
                request, f"已邀请 {n} 人，并已通知。" if n else "没有新的人员需要邀请（已邀请者自动跳过）。"
            )
            return redirect("activities:attendance", pk=activity.pk)
    page = paginate(request, matching, per_page=50)
    invited_ids = set(
        Invitation.objects.filter(activity=activity, person_id__in=[p.pk for p in page]).values_list(
            "person_id", flat=True
        )
    )
    applied = [(k, v) for k, v in filterset.data.items() if k in filterset.form.fields]
    return render(
        request,
        "activities/invite.html",
        {
            "activity": activity,
            "form": filterset.form,
            "applied": applied,
            "page": page,
            "total": page.paginator.count,
            "invited_ids": invited_ids,
            "query": query_without_page(request),
        },
    )


@login_required
def attendance(request, pk: int):
    """Staff: every invitee with status, leave requests to decide, check-in by hand or in bulk."""
    activity = selectors.activity_detail(user=request.user, pk=pk)
    if request.user.is_person:
        raise Http404("未找到该记录，或您无权查看。")
    status = request.GET.get("status", "")
    q = request.GET.get("q", "").strip()
    qs = selectors.invitations_of(user=request.user, activity=activity, status=status, q=q)
    page = paginate(request, qs, per_page=100)
    now = timezone.now()
    ended = activity.ends_at < now
    # Checking in and managing invitations are both the organiser's staff (activities.permissions): one check
    # for the page, none per row.
    can_manage = permissions.can(request.user, "check_in", activity)
    offers = _answers_for_members() if can_manage and not ended and not activity.is_cancelled else {}
    for inv in page:
        inv.answer_for = offers.get(inv.status, [])
    return render(
        request,
        "activities/attendance.html",
        {
            "activity": activity,
            "page": page,
            "status": status,
            "q": q,
            "statuses": S.choices,
            "query": query_without_page(request),
            "can_manage": can_manage,
            "can_export": permissions.can(request.user, "export", activity),
            "ended": ended,
            # The check-in window (activities.services): 代签到 inside it, a paper-sheet entry with a reason after.
            "started": now >= activity.starts_at - services.CHECK_IN_EARLY,
            "late": now > activity.ends_at + services.CHECK_IN_LATE,
        },
    )


@login_required
@background_export
def attendance_export(request, pk: int):
    activity = permissions.get_visible_or_404(Activity, request.user, pk=pk)
    permissions.require(request.user, "export", activity)
    qs = selectors.invitations_of(user=request.user, activity=activity)
    rows = (
        (
            inv.person.name,
            inv.person.get_region_display(),
            inv.get_status_display(),
            inv.leave_reason,
            timezone.localtime(inv.checked_in_at) if inv.checked_in_at else None,
            inv.get_check_in_method_display(),
        )
        for inv in stream(qs)
    )
    return excel_response(
        f"签到表-{activity.title}.xlsx",
        "签到表",
        ["姓名", "地区", "状态", "请假理由", "签到时间", "签到方式"],
        rows,
        widths=[16, 8, 12, 30, 18, 14],
        traditional=request.wants_traditional,
    )


@login_required
def sign_in_sheet(request, pk: int):
    """A printable sign-in sheet (PDF) for paper check-in."""
    activity = permissions.get_visible_or_404(
        Activity.objects.select_related("kind", "owner_org"), request.user, pk=pk
    )
    permissions.require(request.user, "check_in", activity)
    invitations = selectors.invitations_of(user=request.user, activity=activity).exclude(
        status__in=(S.DECLINED, S.LEAVE_APPROVED)
    )
    return pdf_response(
        request,
        "activities/sign_in_sheet.html",
        {"activity": activity, "invitations": invitations},
        f"签到表-{activity.title}.pdf",
        inline=True,
    )


def _get_invitation(request, pk: int) -> Invitation:
    return permissions.get_visible_or_404(
        Invitation.objects.select_related("activity", "person"), request.user, pk=pk
    )


def _staff_check_in(request, invitation, data):
    if request.POST.get("undo"):
        services.invitation_mark_absent(actor=request.user, invitation=invitation)
        return f"已将{invitation.person.name}记为缺席。"
    services.invitation_check_in(
        actor=request.user, invitation=invitation, late_reason=request.POST.get("reason", "")
    )
    return f"已为{invitation.person.name}签到。"


def _decide_leave(request, invitation, data):
    approve = request.POST.get("decision") == "approve"
    services.invitation_decide_leave(
        actor=request.user, invitation=invitation, approve=approve, note=request.POST.get("note", "")
    )
    return f"{invitation.person.name}的请假{'已批准' if approve else '未批准'}。"


INVITATION_ACTIONS = ActionTable(
    {
        "respond": Action(
            label="回复邀请",
            perm="respond",
            run=lambda r, inv, d: services.invitation_respond(
                actor=r.user, invitation=inv, answer=r.POST.get("answer", ""), reason=r.POST.get("reason", "")
            ),
            success=lambda r, inv, result: f"已回复：{result.get_status_display()}。",
        ),
        "decide_leave": Action(
            label="审批请假",
            perm="manage",
            run=_decide_leave,
            success=lambda r, inv, message: message,
            next_url=lambda r, inv, result: safe_next(r, _attendance_url(r, inv.activity)),
        ),
        "answer_for": Action(
            label="代为登记",
            perm="manage",
            form=AnswerForForm,
            run=lambda r, inv, d: services.invitation_answer_for(actor=r.user, invitation=inv, **d),
            success=lambda r, inv, result: (
                f"已代{inv.person.name}登记：{result.get_status_display()}，并已通知本人。"
            ),
            next_url=lambda r, inv, result: safe_next(r, _attendance_url(r, inv.activity)),
        ),
        "check_in": Action(
            label="签到",
            perm="check_in",
            # Undoing a check-in is managing the list; checking in is the check-in right.
            guard=lambda r, inv: permissions.require(
                r.user, "manage" if r.POST.get("undo") else "check_in", inv
            ),
            run=_staff_check_in,
            success=lambda r, inv, message: message,
            next_url=lambda r, inv, result: safe_next(r, _attendance_url(r, inv.activity)),
        ),
    },
    get=lambda request, pk: _get_invitation(request, pk),
    back=lambda request, inv: reverse("activities:detail", args=[inv.activity_id]),
    follow_next=True,
)
respond = INVITATION_ACTIONS.view("respond")
decide_leave = INVITATION_ACTIONS.view("decide_leave")
answer_for = INVITATION_ACTIONS.view("answer_for")
staff_check_in = INVITATION_ACTIONS.view("check_in")


# ---------------------------------------------------------------- QR check-in


@login_required
def qr_code(request, pk: int):
    """Staff show this at the door: a QR code of the signed check-in URL (valid for six hours)."""
    import segno

    activity = permissions.get_visible_or_404(Activity, request.user, pk=pk)
    permissions.require(request.user, "check_in", activity)
    url = request.build_absolute_uri(reverse("activities:checkin", args=[services.check_in_token(activity)]))
    svg = segno.make(url, error="m").svg_inline(scale=8, title="签到二维码")
    return render(request, "activities/qr.html", {"activity": activity, "svg": svg, "url": url})


@login_required
def checkin(request, token: str):
    """What a member's phone opens after scanning: one button to check in (a GET never writes).

    Nothing of an activity is shown unless the user may see it: a forged or tampered code answers 404, the
    genuine code of an activity the user does not see (another body's, one they are not invited to) 403."""
    error, status, activity = None, 200, None
    try:
        activity_id = services.activity_from_token(token)
    except DomainError as exc:
        error, status = exc.message, 400 if exc.code == "expired" else 404
    else:
        activity = Activity.objects.visible_to(request.user).filter(pk=activity_id).first()
        if activity is None:
            error, status = services.NOT_INVITED, 403
    done = None
    if request.method == "POST" and error is None:
        try:
            done = services.check_in_with_token(user=request.user, token=token)
        except DomainError as exc:
            error, status = exc.message, 400
    opens_at = activity.starts_at - services.CHECK_IN_EARLY if activity else None
    return render(
        request,
        "activities/checkin.html",
        {
            "activity": activity,
            "error": error,
            "done": done,
            "token": token,
            "opens_at": opens_at,
            "not_started": opens_at is not None and timezone.now() < opens_at,
        },
        status=status,
    )


# ---------------------------------------------------------------- report and files


@login_required
def report(request, pk: int):
    activity = permissions.get_visible_or_404(Activity, request.user, pk=pk)
    permissions.require(request.user, "report", activity)
    form = ReportForm(
        request.POST or None,
        initial={
            "summary": activity.summary,
            "outcomes": activity.outcomes,
            "support_amount": activity.support_amount,
            "support_note": activity.support_note,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.activity_report(actor=request.user, activity=activity, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "活动报告已保存。")
            return redirect("activities:detail", pk=activity.pk)
    return render(
        request,
        "activities/report.html",
        {"activity": activity, "form": form, "file_form": FileForm(), "files": activity.files.all()},
    )


@login_required
def file_download(request, pk: int):
    row = ActivityFile.objects.select_related("activity").filter(pk=pk).first()
    if row is None:
        raise Http404("未找到该记录，或您无权查看。")
    permissions.get_visible_or_404(Activity, request.user, pk=row.activity_id)
    return FileResponse(row.file.open("rb"), filename=row.name, as_attachment=row.kind != "photo")


# ---------------------------------------------------------------- members' side


@login_required
def my_activities(request, history: bool = False):
    """Phone-sized: a person's upcoming invitations with answer buttons, or their history."""
    permissions.require(request.user, "view", Activity)
    qs = selectors.my_invitations(user=request.user, when="past" if history else "upcoming")
    page = paginate(request, qs)
    for inv in page:
        inv._visible_cache = (request.user.pk, True)  # selected through visible_to: no per-row re-check
        inv.actions = _answer_actions(inv, request.user)
    return render(
        request,
        "activities/my.html",
        {
            "page": page,
            "history": history,
            "query": query_without_page(request),
            "feed_url": request.build_absolute_uri(
                reverse("activities:feed", args=[feed_token(request.user)])
            ),
        },
    )


# ---------------------------------------------------------------- calendar and iCalendar


@login_required
def month_view(request):
    permissions.require(request.user, "view", Activity)
    today = timezone.localdate()
    try:
        year, month = (int(x) for x in request.GET.get("month", "").split("-"))
        dt.date(year, month, 1)
    except ValueError:
        year, month = today.year, today.month
    activities = list(selectors.month_activities(user=request.user, year=year, month=month))
    weeks = []
    for week in pycal.Calendar(firstweekday=0).monthdatescalendar(year, month):
        days = []
        for d in week:
            todays = [
                a
                for a in activities
                if timezone.localtime(a.starts_at).date() <= d <= timezone.localtime(a.ends_at).date()
            ]
            days.append({"date": d, "in_month": d.month == month, "today": d == today, "activities": todays})
        weeks.append(days)
    prev_month = dt.date(year, month, 1) - dt.timedelta(days=1)
    next_month = dt.date(year, month, 28) + dt.timedelta(days=5)
    return render(
        request,
        "activities/calendar.html",
        {
            "weeks": weeks,
            "year": year,
            "month": month,
            "activities": activities,
            "prev": f"{prev_month:%Y-%m}",
            "next": f"{next_month:%Y-%m}",
            "feed_url": request.build_absolute_uri(
                reverse("activities:feed", args=[feed_token(request.user)])
            ),
        },
    )


FEED_SALT = "activities.ics-feed"


def feed_token(user) -> str:
    """A signed token naming the user, so a phone calendar can subscribe without a session."""
    return signing.Signer(salt=FEED_SALT).sign(f"{user.pk}.{user.username}")


def _events(request, activities, traditional: bool):
    conv = to_traditional if traditional else (lambda s: s)
    for a in activities:
        yield {
            "uid": f"activity-{a.pk}@tongxin",
            "start": a.starts_at,
            "end": a.ends_at,
            "updated": a.updated_at,
            "summary": conv(a.title),
            "location": conv(a.place),
            "description": conv(a.description),
            "url": request.build_absolute_uri(reverse("activities:detail", args=[a.pk])),
            "cancelled": a.is_cancelled,
        }


def _ics_response(text: str, filename: str) -> HttpResponse:
    response = HttpResponse(text, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    return response


def feed(request, token: str):
    """The user's iCalendar feed: activities they may see from 60 days ago on (no session needed)."""
    from accounts.models import User

    try:
        pk, username = signing.Signer(salt=FEED_SALT).unsign(token).split(".", 1)
        user = User.objects.select_related("organisation").get(pk=int(pk), username=username, is_active=True)
    except (signing.BadSignature, ValueError, User.DoesNotExist):
        raise Http404("订阅地址无效。")
    since = timezone.now() - dt.timedelta(days=60)
    activities = Activity.objects.visible_to(user).filter(ends_at__gte=since).order_by("starts_at")
    text = ics.calendar("同心 · 我的活动", list(_events(request, activities, user.script == "hant")))
    return _ics_response(text, "tongxin.ics")


@login_required
def activity_ics(request, pk: int):
    activity = permissions.get_visible_or_404(Activity, request.user, pk=pk)
    text = ics.calendar(activity.title, list(_events(request, [activity], request.wants_traditional)))
    return _ics_response(text, f"activity-{activity.pk}.ics")


# ---------------------------------------------------------------- attendance summary per person


def _period(request):
    today = timezone.localdate()
    try:
        start = dt.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = dt.date(today.year, 1, 1)
    try:
        end = dt.date.fromisoformat(request.GET.get("end", ""))
    except ValueError:
        end = dt.date(today.year, 12, 31)
    return start, end


@login_required
def summary(request):
    """Attendance per person over a period; `term`, `region`, `sector` narrow whose invitations (the
    leaders' overview links here from its monthly attendance chart), with the totals of what is counted."""
    permissions.require(request.user, "export", Activity)
    start, end = _period(request)
    persons = person_scope(request.GET)
    qs = selectors.attendance_summary(user=request.user, start=start, end=end, persons=persons)
    page = paginate(request, qs, per_page=50)
    totals = selectors.attendance_totals(user=request.user, start=start, end=end, persons=persons)
    return render(
        request,
        "activities/summary.html",
        {"page": page, "start": start, "end": end, "totals": totals, "query": query_without_page(request)},
    )


@login_required
def summary_export(request):
    permissions.require(request.user, "export", Activity)
    start, end = _period(request)
    persons = person_scope(request.GET)
    rows = (
        (r["person__name"], r["invited"], r["checked_in"], r["leave"], r["absent"], r["declined"])
        for r in selectors.attendance_summary(user=request.user, start=start, end=end, persons=persons)
    )
    return excel_response(
        f"出勤汇总-{start:%Y%m%d}-{end:%Y%m%d}.xlsx",
        "出勤汇总",
        ["姓名", "受邀", "签到", "请假", "缺席", "不参加"],
        rows,
        widths=[16, 8, 8, 8, 8, 8],
        traditional=request.wants_traditional,
    )


# ---------------------------------------------------------------- briefings (知情明政)


@login_required
def briefing_list(request):
    permissions.require(request.user, "view", Briefing)
    q = request.GET.get("q", "").strip()
    page = paginate(request, selectors.briefing_list(user=request.user, q=q))
    return render(
        request,
        "activities/briefings.html",
        {
            "page": page,
            "q": q,
            "query": query_without_page(request),
            "can_create": permissions.can(request.user, "create", Briefing),
        },
    )


@login_required
def briefing_new(request):
    permissions.require(request.user, "create", Briefing)
    activity = None
    if request.GET.get("activity") or request.POST.get("activity"):
        activity = permissions.get_visible_or_404(
            Activity, request.user, pk=request.GET.get("activity") or request.POST.get("activity")
        )
    form = BriefingForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if activity is not None and request.POST.get("to_invitees"):
            persons = Person.objects.filter(activity_invitations__activity=activity)
        else:
            persons, _ = selectors.persons_by_filter(
                user=request.user, params={"region": data["region"], "role": data["role"]}
            )
        try:
            briefing = services.briefing_publish(
                actor=request.user,
                title=data["title"],
                body=data["body"],
                persons=persons,
                activity=activity,
                attachment=data.get("attachment"),
            )
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(
                request, f"已发布“{briefing.title}”，共 {briefing.recipients.count()} 位接收人。"
            )
            return redirect("activities:briefing", pk=briefing.pk)
    return render(request, "activities/briefing_form.html", {"form": form, "activity": activity})


@login_required
def briefing_detail(request, pk: int):
    briefing = permissions.get_visible_or_404(
        Briefing.objects.select_related("activity"), request.user, pk=pk
    )
    services.briefing_mark_read(user=request.user, briefing=briefing)
    readers = None
    if not request.user.is_person:
        readers = selectors.briefing_readers(briefing=briefing)
    return render(request, "activities/briefing.html", {"briefing": briefing, "readers": readers})


@login_required
def briefing_file(request, pk: int):
    briefing = permissions.get_visible_or_404(Briefing, request.user, pk=pk)
    if not briefing.attachment:
        raise Http404("未找到该记录，或您无权查看。")
    return FileResponse(briefing.attachment.open("rb"), filename=briefing.attachment_name, as_attachment=True)


# ---------------------------------------------------------------- leave requests across activities


@login_required
def leave_requests(request):
    """Every pending leave request of the activities the user organises, in one list with bulk 准假/不准假.

    POST: the ticked requests and one decision; each row is decided by its own service call (and its own
    permission check), so one refused row does not undo the others; the page says which rows failed and why."""
    permissions.require(request.user, "manage", Invitation)
    if request.method == "POST":
        decision = request.POST.get("decision")
        if decision not in ("approve", "refuse"):
            messages.error(request, "请选择准假或不准假。")
            return redirect(safe_next(request, reverse("activities:leave_requests")))
        ids = [int(i) for i in request.POST.getlist("invitation") if i.isdigit()]
        if not ids:
            messages.error(request, "请先勾选要审批的请假申请。")
            return redirect(safe_next(request, reverse("activities:leave_requests")))
        done, failed = [], []
        for inv in selectors.leave_queue(user=request.user).filter(pk__in=ids):
            try:
                services.invitation_decide_leave(
                    actor=request.user,
                    invitation=inv,
                    approve=decision == "approve",
                    note=request.POST.get("note", "").strip(),
                )
            except DomainError as exc:
                failed.append(f"{inv.person.name}（{inv.activity.title}）：{exc.message}")
            else:
                done.append(inv.person.name)
        missing = len(ids) - len(done) - len(failed)
        verdict = "准假" if decision == "approve" else "不准假"
        if done:
            messages.success(request, f"已{verdict}{len(done)}人：{'、'.join(done)}。")
        for line in failed:
            messages.error(request, line)
        if missing:
            messages.error(request, f"{missing}条申请已被处理或不在您的审批范围内，未作改动。")
        return redirect(safe_next(request, reverse("activities:leave_requests")))
    page = paginate(request, selectors.leave_queue(user=request.user), per_page=50)
    return render(
        request,
        "activities/leave_requests.html",
        {
            "page": page,
            "rows": list(page),
            "total": page.paginator.count,
            "query": query_without_page(request),
        },
    )
