"""/api/v1/activities: list (filters), detail, create, update; invitations, RSVP and check-in.
Same selectors, services and permission checks as the pages."""

import datetime as dt

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from core import permissions
from core.api import CappedLimitOffsetPagination, InputSchema, PatchSchema, may, record_first
from members.models import Person
from organisations.models import Organisation

from . import selectors, services
from .models import Activity, ActivityKind, Invitation

PREFIX = "/activities"
router = Router(tags=["活动"])


class StopOut(Schema):
    city: str
    start_date: dt.date
    end_date: dt.date
    programme: str


class ActivityOut(Schema):
    id: int
    title: str
    kind_id: int
    kind: str
    owner_org_id: int
    owner_org: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str
    description: str
    quota: int | None
    signup_deadline: dt.datetime | None
    is_compulsory: bool
    is_cancelled: bool
    n_invited: int | None = None
    n_confirmed: int | None = None
    n_checked_in: int | None = None

    @staticmethod
    def resolve_kind(obj):
        return obj.kind.name

    @staticmethod
    def resolve_owner_org(obj):
        return obj.owner_org.display_name


class ActivityDetailOut(ActivityOut):
    stops: list[StopOut]
    co_organiser_ids: list[int]

    @staticmethod
    def resolve_stops(obj):
        return list(obj.stops.all())

    @staticmethod
    def resolve_co_organiser_ids(obj):
        return [o.pk for o in selectors.co_organisers(obj)]


class StopIn(InputSchema):
    city: str
    start_date: dt.date
    end_date: dt.date
    programme: str = ""


class ActivityIn(InputSchema):
    kind_id: int
    title: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    place: str = ""
    description: str = ""
    quota: int | None = None
    signup_deadline: dt.datetime | None = None
    is_compulsory: bool = False
    owner_org_id: int | None = None
    co_organiser_ids: list[int] = []
    stops: list[StopIn] = []


class ActivityPatch(PatchSchema):
    nullable = frozenset({"quota", "signup_deadline"})

    kind_id: int | None = None
    title: str | None = None
    starts_at: dt.datetime | None = None
    ends_at: dt.datetime | None = None
    place: str | None = None
    description: str | None = None
    quota: int | None = None
    signup_deadline: dt.datetime | None = None
    is_compulsory: bool | None = None
    is_cancelled: bool | None = None
    co_organiser_ids: list[int] | None = None


class InvitationOut(Schema):
    id: int
    activity_id: int
    person_id: int
    person: str
    status: str
    status_label: str
    leave_reason: str
    checked_in_at: dt.datetime | None

    @staticmethod
    def resolve_person(obj):
        return obj.person.name

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class InviteIn(InputSchema):
    """Either `person_ids`, or `filter`: the roster's filters (q, term, role, region, sector, committee,
    association, tag; the term defaults to the current one), e.g. {"region": "mo", "role": "member"}."""

    person_ids: list[int] = []
    filter: dict[str, str] | None = None


class InviteOut(Schema):
    invited: int


class RespondIn(InputSchema):
    answer: str
    reason: str = ""


class LeaveDecisionIn(InputSchema):
    approve: bool
    note: str = ""


class CheckInIn(InputSchema):
    token: str


def _orgs(user, ids):
    return [permissions.get_visible_or_404(Organisation, user, pk=i) for i in ids]


def _kind(kind_id):
    kind = ActivityKind.objects.filter(pk=kind_id).first()
    if kind is None:
        from core.errors import DomainError

        raise DomainError("活动类别不存在。", field="kind_id")
    return kind


@router.get("", response=list[ActivityOut], summary="活动列表")
@paginate(CappedLimitOffsetPagination)
def list_activities(request, q: str = "", kind: int | None = None, year: int | None = None, when: str = ""):
    permissions.require(request.auth, "view", Activity)
    return selectors.activity_list(user=request.auth, q=q, kind=kind, year=year, when=when)


@router.get("/{int:activity_id}", response=ActivityDetailOut, summary="活动详情")
def get_activity(request, activity_id: int):
    return selectors.activity_detail(user=request.auth, pk=activity_id)


@router.post(
    "", response={201: ActivityDetailOut}, summary="新建活动（工作人员）", auth=may("create", Activity)
)
def create_activity(request, payload: ActivityIn):
    from django.db import transaction

    data = payload.dict()
    stops = data.pop("stops")
    co = _orgs(request.auth, data.pop("co_organiser_ids"))
    owner_id = data.pop("owner_org_id")
    owner = permissions.get_visible_or_404(Organisation, request.auth, pk=owner_id) if owner_id else None
    kind = _kind(data.pop("kind_id"))
    with transaction.atomic():
        activity = services.activity_create(
            actor=request.auth, kind=kind, owner_org=owner, co_organisers=co, **data
        )
        for stop in stops:
            services.trip_stop_add(actor=request.auth, activity=activity, **stop)
    return Status(201, selectors.activity_detail(user=request.auth, pk=activity.pk))


def _activity(request, activity_id):
    return permissions.get_visible_or_404(Activity, request.auth, pk=activity_id)


@router.patch(
    "/{int:activity_id}",
    response=ActivityDetailOut,
    summary="修改活动（工作人员）",
    auth=record_first(_activity, "edit"),
)
def update_activity(request, activity_id: int, payload: ActivityPatch):
    activity = request.record
    changes = payload.dict(exclude_unset=True)
    co = changes.pop("co_organiser_ids", None)
    if "kind_id" in changes:
        changes["kind"] = _kind(changes.pop("kind_id"))
    services.activity_update(
        actor=request.auth,
        activity=activity,
        co_organisers=_orgs(request.auth, co) if co is not None else None,
        **changes,
    )
    return selectors.activity_detail(user=request.auth, pk=activity.pk)


@router.get("/{int:activity_id}/invitations", response=list[InvitationOut], summary="邀请名单")
@paginate(CappedLimitOffsetPagination)
def list_invitations(request, activity_id: int, status: str = ""):
    activity = permissions.get_visible_or_404(Activity, request.auth, pk=activity_id)
    return selectors.invitations_of(user=request.auth, activity=activity, status=status)


@router.post(
    "/{int:activity_id}/invitations",
    response={201: InviteOut},
    summary="邀请（按人员或按条件）",
    auth=record_first(_activity, "invite"),
)
def invite(request, activity_id: int, payload: InviteIn):
    activity = request.record
    if payload.filter is not None:
        persons, _ = selectors.persons_by_filter(user=request.auth, params=payload.filter)
    else:
        persons = Person.objects.filter(pk__in=payload.person_ids)
    n = services.invitations_create(actor=request.auth, activity=activity, persons=persons)
    return Status(201, {"invited": n})


def _invitation(request, invitation_id):
    return permissions.get_visible_or_404(
        Invitation.objects.select_related("activity", "person"), request.auth, pk=invitation_id
    )


@router.post(
    "/invitations/{int:invitation_id}/respond",
    response=InvitationOut,
    summary="回复邀请：confirm / decline / leave",
    auth=record_first(_invitation, "respond"),
)
def respond(request, invitation_id: int, payload: RespondIn):
    invitation = request.record
    return services.invitation_respond(
        actor=request.auth, invitation=invitation, answer=payload.answer, reason=payload.reason
    )


@router.post(
    "/invitations/{int:invitation_id}/leave",
    response=InvitationOut,
    summary="审批请假（工作人员）",
    auth=record_first(_invitation, "manage"),
)
def decide_leave(request, invitation_id: int, payload: LeaveDecisionIn):
    invitation = request.record
    return services.invitation_decide_leave(
        actor=request.auth, invitation=invitation, approve=payload.approve, note=payload.note
    )


@router.post(
    "/invitations/{int:invitation_id}/check-in",
    response=InvitationOut,
    summary="工作人员代签到",
    auth=record_first(_invitation, "check_in"),
)
def staff_check_in(request, invitation_id: int, reason: str = ""):
    """Within the check-in window; after it, `?reason=` (a paper sign-in sheet entry) is required."""
    invitation = request.record
    return services.invitation_check_in(actor=request.auth, invitation=invitation, late_reason=reason)


@router.post(
    "/check-in",
    response=InvitationOut,
    summary="扫码签到（二维码中的令牌）",
)
def check_in(request, payload: CheckInIn):
    return services.check_in_with_token(user=request.auth, token=payload.token)
