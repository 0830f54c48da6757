"""Every write of the activities app: activities, trip stops, invitations (RSVP, leave, waiting list,
check-in, absence), reports and files, kinds, briefings. Keyword-only, atomic, Chinese DomainErrors."""

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal

from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from core import permissions
from core.errors import DomainError
from core.text import search_form
from core.uploads import IMAGE, OFFICE, PDF, validate_upload
from members.models import Person
from notifications.services import notify
from organisations.models import Organisation, ShareCapacity
from organisations.services import share_with, unshare

from .models import (
    HOLDS_PLACE,
    Activity,
    ActivityFile,
    ActivityKind,
    AttachmentKind,
    Briefing,
    BriefingRecipient,
    CheckInMethod,
    Invitation,
    TripStop,
)
from .models import InvitationStatus as S
from .workflows import INVITATION

# ---------------------------------------------------------------- kinds


@transaction.atomic
def activity_kind_create(*, actor, name: str, is_trip: bool = False, order: int = 50) -> ActivityKind:
    """Add a kind of activity (staff extend the list). Names are unique."""
    permissions.require(actor, "create", ActivityKind)
    name = (name or "").strip()
    if not name:
        raise DomainError("请填写类别名称。", field="name")
    if ActivityKind.objects.filter(name=name).exists():
        raise DomainError(f"已有名为“{name}”的活动类别。", field="name")
    return ActivityKind.objects.create(name=name, is_trip=is_trip, order=order)


# ---------------------------------------------------------------- activities

_FIELDS = (
    "kind",
    "title",
    "description",
    "starts_at",
    "ends_at",
    "place",
    "quota",
    "signup_deadline",
    "is_compulsory",
    "is_cancelled",
)


def _validate(activity: Activity) -> None:
    if not (activity.title or "").strip():
        raise DomainError("请填写活动名称。", field="title")
    if activity.kind_id is None:
        raise DomainError("请选择活动类别。", field="kind")
    if activity.starts_at is None or activity.ends_at is None:
        raise DomainError("请填写开始和结束时间。", field="starts_at")
    if activity.ends_at < activity.starts_at:
        raise DomainError("结束时间不能早于开始时间。", field="ends_at")
    if activity.quota is not None and activity.quota <= 0:
        raise DomainError("名额应为正整数，不限名额请留空。", field="quota")
    if activity.signup_deadline and activity.signup_deadline > activity.ends_at:
        raise DomainError("报名截止时间不能晚于活动结束时间。", field="signup_deadline")
    if activity.pk:
        local = [(s.city, s.start_date, s.end_date) for s in activity.stops.all()]
        for city, start, end in local:
            if start < _local_date(activity.starts_at) or end > _local_date(activity.ends_at):
                raise DomainError(
                    f"行程站点“{city}”（{start:%m-%d}至{end:%m-%d}）不在活动日期之内，请先调整站点。",
                    field="starts_at",
                )


def _local_date(value: dt.datetime) -> dt.date:
    return timezone.localtime(value).date()


def _set_co_organisers(activity: Activity, co_organisers: Iterable[Organisation]) -> None:
    wanted = {o.pk: o for o in co_organisers if o.pk != activity.owner_org_id}
    current = {
        s.organisation_id: s.organisation for s in activity.shares() if s.capacity == ShareCapacity.ORGANISER
    }
    for pk, org in wanted.items():
        if pk not in current:
            share_with(activity, org, ShareCapacity.ORGANISER)
    for pk, org in current.items():
        if pk not in wanted:
            unshare(activity, org, ShareCapacity.ORGANISER)


def _search(activity: Activity) -> str:
    return search_form(activity.title, activity.place, activity.kind.name if activity.kind_id else "")


@transaction.atomic
def activity_create(
    *,
    actor,
    kind: ActivityKind,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    owner_org: Organisation | None = None,
    place: str = "",
    description: str = "",
    quota: int | None = None,
    signup_deadline: dt.datetime | None = None,
    is_compulsory: bool = False,
    co_organisers: Iterable[Organisation] = (),
    check: bool = True,
) -> Activity:
    """Create an activity organised by `owner_org` (default: the actor's organisation), shared with each
    co-organiser in capacity "organiser". Checks `create` (unless `check=False`: demo)."""
    if check:
        permissions.require(actor, "create", Activity)
    owner_org = owner_org or getattr(actor, "organisation", None)
    if owner_org is None:
        raise DomainError("请选择主办单位。", field="owner_org")
    if check and actor.role != "admin" and not owner_org.path.startswith(actor.organisation.path):
        raise DomainError("只能以本单位或下级单位名义主办活动。", field="owner_org")
    activity = Activity(
        owner_org=owner_org,
        kind=kind,
        title=(title or "").strip(),
        description=(description or "").strip(),
        starts_at=starts_at,
        ends_at=ends_at,
        place=(place or "").strip(),
        quota=quota,
        signup_deadline=signup_deadline,
        is_compulsory=is_compulsory,
    )
    _validate(activity)
    activity.search_text = _search(activity)
    activity.save()
    _set_co_organisers(activity, co_organisers)
    return activity


@transaction.atomic
def activity_update(
    *, actor, activity: Activity, co_organisers: Iterable[Organisation] | None = None, **changes
):
    """Change an activity's fields (and co-organisers when given). Trip stops must stay within its dates."""
    permissions.require(actor, "edit", activity)
    unknown = set(changes) - set(_FIELDS)
    if unknown:
        raise DomainError(f"不能修改字段：{'、'.join(sorted(unknown))}。")
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    for key, value in changes.items():
        setattr(activity, key, value.strip() if isinstance(value, str) else value)
    _validate(activity)
    activity.search_text = _search(activity)
    activity.save()
    if co_organisers is not None:
        _set_co_organisers(activity, co_organisers)
    return activity


@transaction.atomic
def activity_cancel(*, actor, activity: Activity, reason: str = "") -> Activity:
    """Cancel an activity; everyone invited and not yet excused is told (with the reason)."""
    permissions.require(actor, "edit", activity)
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    if activity.is_cancelled:
        return activity
    if activity.ends_at < timezone.now():
        raise DomainError("活动已结束，不能取消。")
    activity.is_cancelled = True
    activity.save()
    told = Person.objects.filter(
        activity_invitations__activity=activity,
        activity_invitations__status__in=(S.INVITED, S.CONFIRMED, S.WAITLISTED, S.LEAVE_REQUESTED),
    ).select_related("user")
    when = timezone.localtime(activity.starts_at)
    notify(
        list(told),
        "activities.cancelled",
        activity,
        title=f"活动取消：{activity.title}",
        body=f"原定{when:%m月%d日 %H:%M}的活动已取消。{(reason or '').strip()}",
        url=_activity_url(activity),
    )
    return activity


@transaction.atomic
def trip_stop_add(
    *,
    actor,
    activity: Activity,
    city: str,
    start_date: dt.date,
    end_date: dt.date,
    programme: str = "",
    order: int | None = None,
    check: bool = True,
) -> TripStop:
    """Add a stop to a trip. Refused when it falls outside the activity's dates."""
    if check:
        permissions.require(actor, "edit", activity)
    city = (city or "").strip()
    if not city:
        raise DomainError("请填写城市。", field="city")
    if start_date is None or end_date is None:
        raise DomainError("请填写站点的起止日期。", field="start_date")
    if end_date < start_date:
        raise DomainError("站点结束日期不能早于开始日期。", field="end_date")
    first, last = _local_date(activity.starts_at), _local_date(activity.ends_at)
    if start_date < first or end_date > last:
        raise DomainError(
            f"站点“{city}”的日期（{start_date:%Y-%m-%d}至{end_date:%Y-%m-%d}）"
            f"超出活动日期（{first:%Y-%m-%d}至{last:%Y-%m-%d}）。",
            field="start_date",
        )
    if order is None:
        order = activity.stops.count() + 1
    return TripStop.objects.create(
        activity=activity,
        city=city,
        start_date=start_date,
        end_date=end_date,
        programme=programme.strip(),
        order=order,
    )


@transaction.atomic
def trip_stop_delete(*, actor, stop: TripStop) -> None:
    permissions.require(actor, "edit", stop.activity)
    stop.delete()


# ---------------------------------------------------------------- invitations


def _activity_url(activity: Activity) -> str:
    return reverse("activities:detail", args=[activity.pk])


@transaction.atomic
def invitations_create(
    *, actor, activity: Activity, persons, check: bool = True, notify_invitees: bool = True
) -> int:
    """Invite persons (a queryset or ids); persons already invited are skipped. One bulk insert and one
    bulk notification, so inviting thousands by filter stays fast. Returns how many were invited now."""
    if check:
        permissions.require(actor, "invite", activity)
    if activity.is_cancelled:
        raise DomainError("活动已取消，不能再邀请。")
    if activity.ends_at < timezone.now() and check:
        raise DomainError("活动已结束，不能再邀请。")
    if isinstance(persons, list | tuple | set):
        persons = Person.objects.filter(pk__in=[getattr(p, "pk", p) for p in persons])
    if check:
        persons = persons & Person.objects.visible_to(actor)
    already = Invitation.objects.filter(activity=activity).values("person_id")
    new_persons = list(persons.exclude(pk__in=already).select_related("user").order_by())
    if not new_persons:
        return 0
    Invitation.objects.bulk_create(
        [Invitation(activity=activity, person=p, owner_org_id=activity.owner_org_id) for p in new_persons],
        batch_size=500,
    )
    if not notify_invitees:  # demo data of past activities: nobody is told today about last year
        return len(new_persons)
    when = timezone.localtime(activity.starts_at)
    deadline = (
        f"，请于{timezone.localtime(activity.signup_deadline):%m月%d日 %H:%M}前回复"
        if activity.signup_deadline
        else ""
    )
    notify(
        new_persons,
        "activities.invited",
        activity,
        title=f"活动邀请：{activity.title}",
        body=f"{when:%Y年%m月%d日 %H:%M}，{activity.place or '地点待定'}{deadline}。",
        url=reverse("activities:my"),
    )
    return len(new_persons)


def _load(invitation: Invitation) -> Invitation:
    return Invitation.objects.select_related("activity", "activity__owner_org", "person").get(
        pk=invitation.pk
    )


def _places_taken(activity: Activity) -> int:
    return Invitation.objects.filter(activity=activity, status__in=HOLDS_PLACE).count()


def _promote_next(activity: Activity, actor) -> Invitation | None:
    """Give a freed place to the first on the waiting list (same transaction as the withdrawal)."""
    if activity.quota is None or _places_taken(activity) >= activity.quota:
        return None
    nxt = (
        Invitation.objects.filter(activity=activity, status=S.WAITLISTED)
        .select_related("person__user", "activity")
        .order_by("waitlisted_at", "id")
        .first()
    )
    if nxt is None:
        return None
    promoted = INVITATION.transition(
        nxt,
        S.CONFIRMED,
        actor=actor,
        note="有名额空出，候补自动转为确认参加",
        system=True,
        apply=lambda inv: setattr(inv, "waitlisted_at", None),
    )
    notify(
        [nxt.person],
        "activities.promoted",
        activity,
        title=f"候补转正：{activity.title}",
        body="有名额空出，您已由候补转为确认参加。",
        url=reverse("activities:my"),
    )
    return promoted


def _check_answer_window(invitation: Invitation, actor, answer: str) -> None:
    activity = invitation.activity
    now = timezone.now()
    if activity.is_cancelled:
        raise DomainError("活动已取消。")
    if activity.ends_at < now:
        raise DomainError("活动已结束，不能再回复。")
    staff = not actor.is_person
    if staff:
        return
    # Asking for leave, or withdrawing a leave request (confirm from 请假待批), is open until the start.
    if answer == "leave" or (answer == "confirm" and invitation.status == S.LEAVE_REQUESTED):
        if activity.starts_at < now:
            raise DomainError("活动已开始，不能再请假，请直接联系工作人员。")
        return
    if activity.signup_deadline and activity.signup_deadline < now:
        raise DomainError(
            f"报名已于{timezone.localtime(activity.signup_deadline):%m月%d日 %H:%M}截止，不能再回复；"
            "如需请假，请使用“请假”或联系工作人员。"
        )


ANSWERS = {"confirm": "确认参加", "decline": "不参加", "leave": "请假"}


def _for_someone_else(actor, invitation: Invitation) -> bool:
    """Staff recording the answer a member gave by phone or in person (the actor is not the invitee)."""
    return invitation.person.user_id != getattr(actor, "pk", None)


def _answered_for_note(actor, invitation: Invitation, what: str) -> str:
    """The log line of an answer recorded for a member: who recorded it, for whom, what."""
    return f"由工作人员{actor.display_name}代为登记：{invitation.person.name}{what}"


def _tell_answered_for(invitation: Invitation, what: str, note: str) -> None:
    """The member learns what staff recorded for them (in-app, and by email if they chose so)."""
    activity = invitation.activity
    notify(
        [invitation.person],
        "activities.answered_for",
        activity,
        title=f"工作人员已为您登记{what}：{activity.title}",
        body=note,
        url=reverse("activities:my"),
    )


@transaction.atomic
def invitation_respond(
    *, actor, invitation: Invitation, answer: str, reason: str = "", tell: bool = True
) -> Invitation:
    """The invitee (or staff on their behalf) answers: confirm, decline or ask for leave (with a reason).

    Confirming when the quota is full puts the person on the waiting list. A confirmed person who
    declines or asks for leave frees a place, which goes to the first on the waiting list in the same
    transaction. Members may not confirm or decline after the sign-up deadline (leave: until the start).
    An answer staff record for a member names them in the log and the invitation's history ("由工作人员张三代为
    登记：…") and tells the member; a leave request tells the organiser's other staff. `tell=False`: nobody is
    told here (`invitation_answer_for` approving at once tells the member itself).
    """
    invitation = _load(invitation)
    permissions.require(actor, "respond", invitation)  # permission first, then the input
    if answer not in ANSWERS:
        raise DomainError("回复选项不正确。", field="answer")
    # Lock the activity so two last-place confirmations cannot both win.
    activity = Activity.objects.select_for_update().get(pk=invitation.activity_id)
    invitation.activity = activity
    _check_answer_window(invitation, actor, answer)
    now = timezone.now()
    held_place = invitation.status in HOLDS_PLACE
    reason = (reason or "").strip()
    if answer == "confirm":
        if invitation.status in (S.CONFIRMED, S.WAITLISTED):
            return invitation
        full = activity.quota is not None and _places_taken(activity) >= activity.quota
        target = S.WAITLISTED if full else S.CONFIRMED
    elif answer == "decline":
        target = S.DECLINED
    else:
        if not reason:
            raise DomainError("请填写请假理由。", field="reason")
        target = S.LEAVE_REQUESTED
    what = "请假" if answer == "leave" else INVITATION.labels[target]
    for_someone = _for_someone_else(actor, invitation)
    if for_someone:
        note = _answered_for_note(actor, invitation, f"{what}，理由：{reason}" if reason else what)
    else:
        note = reason

    def apply(inv):
        inv.responded_at = now
        inv.waitlisted_at = now if target == S.WAITLISTED else None
        if answer == "leave":
            inv.leave_reason = reason
        inv._change_reason = note or None  # the invitation's history says it too, naming who recorded it
        inv._history_user = actor

    result = INVITATION.transition(invitation, target, actor=actor, note=note, apply=apply)
    if tell and for_someone:
        _tell_answered_for(invitation, what, note)
    if tell and answer == "leave":
        notify(
            _organiser_staff_users(activity).exclude(pk=actor.pk),
            "activities.leave_requested",
            activity,
            title=f"请假申请：{invitation.person.name} · {activity.title}",
            body=note,
            url=reverse("activities:attendance", args=[activity.pk]),
        )
    if held_place:
        _promote_next(activity, actor)
    return result


@transaction.atomic
def invitation_answer_for(
    *, actor, invitation: Invitation, answer: str, reason: str = "", approve: bool = False
) -> Invitation:
    """Staff of the organising body (or admin) record the answer a member gave by phone or in person: 代为确认,
    代为不参加, 代为请假 (with the reason the member gave). The same rules as the member's own answer (not once
    the activity is cancelled or has ended; the sign-up deadline binds members only) and the same workflow
    table; the log and the invitation's history name the staff member and the member, and the member is told.

    A leave recorded so waits for a decision like any other, unless `approve`: then it is approved in the same
    step, as two transitions of the table (请假, 准假), each logged, and the member is told once.
    Checks `manage` first (a member may not use this door even for their own invitation)."""
    invitation = _load(invitation)
    permissions.require(actor, "manage", invitation)  # permission first, then the input
    if not _for_someone_else(actor, invitation):
        raise DomainError("请在“我的活动”中回复本人的邀请。")
    if approve and answer != "leave":
        raise DomainError("只有代为请假时可以同时准假。", field="approve")
    result = invitation_respond(
        actor=actor, invitation=invitation, answer=answer, reason=reason, tell=not approve
    )
    if approve:
        note = _answered_for_note(actor, invitation, f"请假并准假，理由：{result.leave_reason}")

        def apply(inv):
            inv._change_reason, inv._history_user = note, actor

        result = INVITATION.transition(result, S.LEAVE_APPROVED, actor=actor, note=note, apply=apply)
        _tell_answered_for(invitation, "请假（已准假）", note)
    return result


def _organiser_staff_users(activity: Activity):
    from accounts.models import User

    return User.objects.filter(is_active=True, role="staff", organisation=activity.owner_org)


@transaction.atomic
def invitation_decide_leave(*, actor, invitation: Invitation, approve: bool, note: str = "") -> Invitation:
    """Staff approve or refuse a leave request; the person is told. Refused: back to "待回复"."""
    invitation = _load(invitation)
    target = S.LEAVE_APPROVED if approve else S.INVITED
    result = INVITATION.transition(invitation, target, actor=actor, note=note)
    verdict = "已批准" if approve else "未获批准"
    notify(
        [invitation.person],
        "activities.leave_decided",
        invitation.activity,
        title=f"请假{verdict}：{invitation.activity.title}",
        body=note or ("" if approve else "请按时参加活动，或联系工作人员。"),
        url=reverse("activities:my"),
    )
    return result


CHECK_IN_EARLY = dt.timedelta(hours=3)  # the door opens a little before the start
CHECK_IN_LATE = dt.timedelta(hours=3)  # and closes a little after the end


def _check_in_window(activity: Activity, now: dt.datetime, *, late_reason: str = "") -> None:
    """The same window for everyone: from three hours before the start to three hours after the end. Never
    before: nobody can have attended an activity that has not started. After: only staff entering a paper
    sign-in sheet, with a reason that is kept in the log."""
    if activity.is_cancelled:
        raise DomainError("活动已取消，无法签到。")
    if now < activity.starts_at - CHECK_IN_EARLY:
        raise DomainError(
            f"签到尚未开始：活动于{timezone.localtime(activity.starts_at):%m月%d日 %H:%M}开始。"
        )
    if now > activity.ends_at + CHECK_IN_LATE and not late_reason:
        raise DomainError(
            "活动已结束较久，不能再签到；如需按纸质签到表补录，请填写补录理由。", field="reason"
        )


@transaction.atomic
def invitation_check_in(
    *, actor, invitation: Invitation, method: str = CheckInMethod.MANUAL, late_reason: str = ""
) -> Invitation:
    """Check one invitee in, by QR (the member) or for someone (staff, named in the log). Checking in twice is
    harmless (the first time is kept). Within the check-in window only; after it, staff may record a check-in
    from the paper sign-in sheet with `late_reason` (method 按签到表补录, the reason in the log)."""
    invitation = _load(invitation)
    permissions.require(actor, "check_in", invitation)  # permission first, then the window
    if invitation.status == S.CHECKED_IN:
        return invitation
    now = timezone.now()
    late_reason = "" if actor.is_person else (late_reason or "").strip()
    _check_in_window(invitation.activity, now, late_reason=late_reason)
    late = now > invitation.activity.ends_at + CHECK_IN_LATE
    if late:
        method = CheckInMethod.SHEET

    def apply(inv):
        inv.checked_in_at = now
        inv.check_in_method = method

    note = f"补录：{late_reason}" if late else ""
    return INVITATION.transition(invitation, S.CHECKED_IN, actor=actor, note=note, apply=apply)


CHECKIN_SALT = "activities.checkin"
CHECKIN_TOKEN_MAX_AGE = 6 * 3600  # a code shown at the door is good for six hours


def check_in_token(activity: Activity) -> str:
    """A signed, time-stamped code for the activity's QR code."""
    return signing.TimestampSigner(salt=CHECKIN_SALT).sign(str(activity.pk))


def activity_from_token(token: str) -> int:
    """The activity id in a check-in code. Raises DomainError for a forged or expired code."""
    try:
        return int(signing.TimestampSigner(salt=CHECKIN_SALT).unsign(token, max_age=CHECKIN_TOKEN_MAX_AGE))
    except signing.SignatureExpired:
        raise DomainError("签到二维码已过期，请扫描现场最新的二维码。", code="expired")
    except (signing.BadSignature, ValueError):
        raise DomainError("签到二维码无效，请扫描工作人员出示的二维码。", code="forged")


NOT_INVITED = "您不在本次活动的邀请名单中，无法签到；如有疑问请联系工作人员。"


@transaction.atomic
def check_in_with_token(*, user, token: str) -> Invitation:
    """A logged-in member checks in by the QR code. Refused (Chinese message) for a forged or expired
    code, a person not invited, or long after the activity ended. Twice is harmless."""
    activity_id = activity_from_token(token)
    person = getattr(user, "person", None) if user.is_person else None
    invitation = None
    if person is not None:
        invitation = Invitation.objects.filter(activity_id=activity_id, person=person).first()
    if invitation is None:
        raise DomainError(NOT_INVITED, code="not_invited")
    return invitation_check_in(actor=user, invitation=invitation, method=CheckInMethod.QR)


@transaction.atomic
def invitations_check_in_bulk(
    *, actor, activity: Activity, invitation_ids: Iterable[int], reason: str = ""
) -> int:
    """Staff record several check-ins at once from a paper sign-in list, within the check-in window (after
    it, with a `reason`). Returns how many were new."""
    permissions.require(actor, "check_in", activity)
    _check_in_window(activity, timezone.now(), late_reason=(reason or "").strip())
    ids = [int(i) for i in invitation_ids]
    done = 0
    for inv in Invitation.objects.filter(activity=activity, pk__in=ids).exclude(status=S.CHECKED_IN):
        invitation_check_in(actor=actor, invitation=inv, method=CheckInMethod.SHEET, late_reason=reason)
        done += 1
    return done


@transaction.atomic
def invitations_mark_absent(*, actor, activity: Activity) -> int:
    """After the activity, every invitee still open (not checked in, not excused, not declined) is absent."""
    permissions.require(actor, "check_in", activity)
    if activity.ends_at > timezone.now():
        raise DomainError("活动结束后才能记录缺席。")
    from .workflows import OPEN

    done = 0
    for inv in Invitation.objects.filter(activity=activity, status__in=OPEN):
        INVITATION.transition(inv, S.ABSENT, actor=actor, note="活动结束后未签到")
        done += 1
    return done


@transaction.atomic
def invitation_mark_absent(*, actor, invitation: Invitation) -> Invitation:
    return INVITATION.transition(_load(invitation), S.ABSENT, actor=actor)


# ---------------------------------------------------------------- report and files


@transaction.atomic
def activity_report(
    *,
    actor,
    activity: Activity,
    summary: str,
    outcomes: str = "",
    support_amount: Decimal | None = None,
    support_note: str = "",
    check: bool = True,
) -> Activity:
    """Record the report after the activity (summary, outcomes, donations or support given)."""
    if check:
        permissions.require(actor, "report", activity)
    if not (summary or "").strip():
        raise DomainError("请填写活动总结。", field="summary")
    if support_amount is not None and support_amount < 0:
        raise DomainError("金额不能为负数。", field="support_amount")
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    activity.summary = summary.strip()
    activity.outcomes = (outcomes or "").strip()
    activity.support_amount = support_amount
    activity.support_note = (support_note or "").strip()
    activity.reported_at = activity.reported_at or timezone.now()
    activity.save()
    return activity


PHOTO_MAX_BYTES = 20 * 1024 * 1024


@transaction.atomic
def activity_file_add(*, actor, activity: Activity, upload, kind: str, caption: str = "") -> ActivityFile:
    """Attach a photo (images only) or a document (PDF/Office) to the report, through the one validator."""
    permissions.require(actor, "report", activity)
    if kind not in AttachmentKind.values:
        raise DomainError("文件类型不正确。", field="kind")
    kinds = (IMAGE,) if kind == AttachmentKind.PHOTO else (IMAGE, PDF, OFFICE)
    clean = validate_upload(upload, kinds=kinds)
    row = ActivityFile(activity=activity, kind=kind, name=clean.name[:200], caption=(caption or "").strip())
    row.file.save(clean.name, clean, save=False)
    row.save()
    return row


# ---------------------------------------------------------------- briefings


@transaction.atomic
def briefing_publish(
    *,
    actor,
    title: str,
    body: str,
    persons,
    activity: Activity | None = None,
    attachment=None,
    owner_org: Organisation | None = None,
    check: bool = True,
) -> Briefing:
    """Publish a briefing (知情明政) to chosen persons, standalone or attached to an activity; each is told."""
    if check:
        permissions.require(actor, "create", Briefing)
        if activity is not None:
            permissions.require(actor, "edit", activity)
    title, body = (title or "").strip(), (body or "").strip()
    if not title:
        raise DomainError("请填写标题。", field="title")
    if not body:
        raise DomainError("请填写正文。", field="body")
    if isinstance(persons, list | tuple | set):
        persons = Person.objects.filter(pk__in=[getattr(p, "pk", p) for p in persons])
    if check:
        persons = persons & Person.objects.visible_to(actor)
    people = list(persons.select_related("user").order_by())
    if not people:
        raise DomainError("请选择至少一位接收人。", field="persons")
    owner_org = (
        owner_org or (activity.owner_org if activity else None) or getattr(actor, "organisation", None)
    )
    briefing = Briefing(
        owner_org=owner_org,
        title=title,
        body=body,
        activity=activity,
        published_at=timezone.now(),
        search_text=search_form(title),
    )
    if attachment is not None:
        clean = validate_upload(attachment, kinds=(PDF, OFFICE, IMAGE))
        briefing.attachment.save(clean.name, clean, save=False)
        briefing.attachment_name = clean.name[:200]
    briefing.save()
    BriefingRecipient.objects.bulk_create([BriefingRecipient(briefing=briefing, person=p) for p in people])
    notify(
        people,
        "activities.briefing",
        briefing,
        title=f"知情明政：{title}",
        url=reverse("activities:briefing", args=[briefing.pk]),
    )
    return briefing


def briefing_mark_read(*, user, briefing: Briefing) -> bool:
    """Record the first time a recipient opened the briefing. Returns True when it was unread."""
    if not user.is_person:
        return False
    return bool(
        BriefingRecipient.objects.filter(briefing=briefing, person__user=user, read_at__isnull=True).update(
            read_at=timezone.now()
        )
    )
