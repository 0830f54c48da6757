"""JSON API: /api/v1/visits, /api/v1/requests, /api/v1/liaison-events. Same selectors, services and checks as the pages."""

import datetime as dt

from django.utils import timezone
from ninja import Router, Schema, Status
from ninja.pagination import paginate

from accounts.models import User
from core import permissions
from core.api import CappedLimitOffsetPagination, InputSchema, PatchSchema, may, record_first
from core.errors import DomainError
from members.models import Person
from organisations.models import Organisation

from . import selectors, services
from .models import (
    LiaisonContact,
    LiaisonEvent,
    LiaisonEventKind,
    Request,
    RequestCategory,
    RequestStatus,
    Visit,
    VisitMode,
)
from .workflows import REQUEST_WORKFLOW

PREFIX = ""
router = Router(tags=["走访谈心"])


def _request_user(context):
    request = (context or {}).get("request")
    return getattr(request, "auth", None)


class NamedOut(Schema):
    id: int
    name: str


class VisitOut(Schema):
    id: int
    status: str
    status_label: str
    date: dt.date
    mode: str
    mode_label: str
    place: str
    topics: str
    notes: str
    confidential_notes: str | None
    visitors: list[NamedOut]
    persons: list[NamedOut]

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_mode_label(obj):
        return obj.get_mode_display()

    @staticmethod
    def resolve_confidential_notes(obj, context):
        # Leaders only; everyone else gets null (not an empty string that would look like "no notes").
        user = _request_user(context)
        return obj.confidential_notes if permissions.can(user, "view_confidential", Visit) else None

    @staticmethod
    def resolve_visitors(obj):
        return [{"id": u.pk, "name": u.display_name} for u in obj.visitors.all()]

    @staticmethod
    def resolve_persons(obj):
        return [{"id": p.pk, "name": p.name} for p in obj.persons.all()]


class VisitIn(InputSchema):
    date: dt.date
    mode: VisitMode = VisitMode.ONE_TO_ONE
    visitor_ids: list[int]
    person_ids: list[int]
    place: str = ""
    topics: str = ""
    notes: str = ""
    confidential_notes: str = ""
    done: bool = False


class RecordIn(InputSchema):
    date: dt.date | None = None
    notes: str | None = None
    confidential_notes: str | None = None


class NoteIn(InputSchema):
    note: str


def _users(actor, ids: list[int]) -> list[User]:
    found = list(selectors.visitors_choices(actor).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise DomainError("走访人不存在，或不是本机构的领导或工作人员。", field="visitor_ids")
    return found


def _persons(actor, ids: list[int]) -> list[Person]:
    found = list(Person.objects.visible_to(actor).filter(pk__in=ids))
    if len(found) != len(set(ids)):
        raise DomainError("走访对象不存在或您无权查看。", field="person_ids")
    return found


@router.get("/visits", response=list[VisitOut], summary="走访列表")
@paginate(CappedLimitOffsetPagination)
def list_visits(request, q: str = "", status: str = "", mode: str = "", year: str = "", visitor: str = ""):
    permissions.require(request.auth, "view", Visit)
    return selectors.visit_list(user=request.auth, q=q, status=status, mode=mode, year=year, visitor=visitor)


@router.get("/visits/{visit_id}", response=VisitOut, summary="走访详情")
def get_visit(request, visit_id: int):
    visit = permissions.get_visible_or_404(selectors.visit_detail_qs(request.auth), request.auth, pk=visit_id)
    permissions.require(request.auth, "view", visit)
    return visit


@router.post("/visits", response={201: VisitOut}, summary="计划或登记走访", auth=may("create", Visit))
def create_visit(request, payload: VisitIn):
    data = payload.dict()
    visitors = _users(request.auth, data.pop("visitor_ids"))
    persons = _persons(request.auth, data.pop("person_ids"))
    visit = services.visit_create(actor=request.auth, visitors=visitors, persons=persons, **data)
    return Status(201, selectors.visit_detail_qs(request.auth).get(pk=visit.pk))


def _visit(request, pk):
    return permissions.get_visible_or_404(Visit, request.auth, pk=pk)


def _request(request, pk):
    return permissions.get_visible_or_404(Request.objects.select_related("person"), request.auth, pk=pk)


@router.post(
    "/visits/{visit_id}/record",
    response=VisitOut,
    summary="记录为已走访",
    auth=record_first(_visit, "record"),
)
def record_visit(request, visit_id: int, payload: RecordIn):
    visit = request.record
    services.visit_record(actor=request.auth, visit=visit, **payload.dict())
    return selectors.visit_detail_qs(request.auth).get(pk=visit.pk)


@router.post(
    "/visits/{visit_id}/cancel",
    response=VisitOut,
    summary="取消走访",
    auth=record_first(_visit, "cancel"),
)
def cancel_visit(request, visit_id: int, payload: NoteIn):
    visit = request.record
    services.visit_cancel(actor=request.auth, visit=visit, reason=payload.note)
    return selectors.visit_detail_qs(request.auth).get(pk=visit.pk)


# ---- requests ----


class StepOut(Schema):
    date: dt.date
    text: str


class RequestOut(Schema):
    id: int
    person_id: int
    person_name: str
    visit_id: int | None
    category: str
    category_label: str
    title: str
    description: str
    status: str
    status_label: str
    owner_id: int | None
    owner_name: str
    helping_org_id: int | None
    deadline: dt.date | None
    overdue: bool
    resolution: str
    thanks_note: str
    opinion_report_id: int | None
    proposal_id: int | None

    @staticmethod
    def resolve_person_name(obj):
        return obj.person.name

    @staticmethod
    def resolve_category_label(obj):
        return obj.get_category_display()

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_owner_name(obj):
        return obj.owner.display_name if obj.owner_id else ""

    @staticmethod
    def resolve_overdue(obj):
        return bool(obj.is_open and obj.deadline and obj.deadline < timezone.localdate())


class RequestIn(InputSchema):
    person_id: int | None = None  # a member may leave it out: the request is his own
    visit_id: int | None = None
    category: RequestCategory
    title: str
    description: str
    owner_id: int | None = None
    helping_org_id: int | None = None
    deadline: dt.date | None = None


class RequestPatch(PatchSchema):
    nullable = frozenset({"owner_id", "helping_org_id", "deadline"})

    category: RequestCategory | None = None
    title: str | None = None
    description: str | None = None
    owner_id: int | None = None
    helping_org_id: int | None = None
    deadline: dt.date | None = None


class RequestTransitionIn(InputSchema):
    target: RequestStatus
    note: str = ""


class StepIn(InputSchema):
    text: str
    date: dt.date | None = None


def _owner(actor, owner_id):
    if owner_id is None:
        return None
    owner = selectors.visitors_choices(actor).filter(pk=owner_id).first()
    if owner is None:
        raise DomainError("负责人不存在，或不是本机构的工作人员。", field="owner_id")
    return owner


def _org(actor, org_id):
    return None if org_id is None else permissions.get_visible_or_404(Organisation, actor, pk=org_id)


@router.get("/requests", response=list[RequestOut], summary="诉求列表（委员：本人的诉求）")
@paginate(CappedLimitOffsetPagination)
def list_requests(
    request, q: str = "", status: str = "", category: str = "", owner: str = "", overdue: bool = False
):
    permissions.require(request.auth, "view", Request)
    return selectors.request_list(
        user=request.auth, q=q, status=status, category=category, owner=owner, overdue=overdue
    )


@router.get("/requests/{request_id}", response=RequestOut, summary="诉求详情")
def get_request(request, request_id: int):
    req = permissions.get_visible_or_404(
        selectors.request_detail_qs(request.auth), request.auth, pk=request_id
    )
    permissions.require(request.auth, "view", req)
    return req


@router.get("/requests/{request_id}/steps", response=list[StepOut], summary="办理情况")
def request_steps(request, request_id: int):
    req = permissions.get_visible_or_404(Request, request.auth, pk=request_id)
    permissions.require(request.auth, "view", req)
    return list(req.steps.all())


@router.post("/requests", response={201: RequestOut}, summary="登记诉求", auth=may("create", Request))
def create_request(request, payload: RequestIn):
    actor = request.auth
    data = payload.dict()
    person_id = data.pop("person_id")
    if person_id is None:
        person = Person.objects.filter(user=actor).first()
        if person is None:
            raise DomainError("请指定提出人（person_id）。", field="person_id")
    else:
        person = permissions.get_visible_or_404(Person, actor, pk=person_id)
    visit_id = data.pop("visit_id")
    visit = None if visit_id is None else permissions.get_visible_or_404(Visit, actor, pk=visit_id)
    owner = _owner(actor, data.pop("owner_id"))
    helping_org = _org(actor, data.pop("helping_org_id"))
    req = services.request_create(
        actor=actor, person=person, visit=visit, owner=owner, helping_org=helping_org, **data
    )
    return Status(201, selectors.request_detail_qs(actor).get(pk=req.pk))


@router.patch(
    "/requests/{request_id}",
    response=RequestOut,
    summary="修改诉求",
    auth=record_first(_request, "edit"),
)
def update_request(request, request_id: int, payload: RequestPatch):
    actor = request.auth
    req = request.record
    changes = payload.dict(exclude_unset=True)
    if "owner_id" in changes:
        changes["owner"] = _owner(actor, changes.pop("owner_id"))
    if "helping_org_id" in changes:
        changes["helping_org"] = _org(actor, changes.pop("helping_org_id"))
    services.request_update(actor=actor, request=req, **changes)
    return selectors.request_detail_qs(actor).get(pk=req.pk)


@router.post(
    "/requests/{request_id}/transition",
    response=RequestOut,
    summary="诉求办理流程（开始办理、办结、无法解决、重新办理）",
    auth=record_first(_request, workflow=REQUEST_WORKFLOW),
)
def transition_request(request, request_id: int, payload: RequestTransitionIn):
    req = request.record
    services.request_transition(actor=request.auth, request=req, target=payload.target, note=payload.note)
    return selectors.request_detail_qs(request.auth).get(pk=req.pk)


@router.post(
    "/requests/{request_id}/steps",
    response={201: StepOut},
    summary="记录办理情况",
    auth=record_first(_request, "add_step"),
)
def add_step(request, request_id: int, payload: StepIn):
    req = request.record
    return Status(
        201, services.request_step_add(actor=request.auth, request=req, text=payload.text, date=payload.date)
    )


@router.post(
    "/requests/{request_id}/thank",
    response=RequestOut,
    summary="委员对已解决诉求的反馈",
    auth=record_first(_request, "thank"),
)
def thank_request(request, request_id: int, payload: NoteIn):
    req = request.record
    services.request_thank(actor=request.auth, request=req, note=payload.note)
    return selectors.request_detail_qs(request.auth).get(pk=req.pk)


# ---- liaison events ----


class LiaisonEventOut(Schema):
    id: int
    date: dt.date
    kind: str
    kind_label: str
    title: str
    place: str
    notes: str
    activity_id: int | None
    organisations: list[NamedOut]
    participants: list[NamedOut]

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_organisations(obj):
        return [{"id": o.pk, "name": o.name} for o in obj.organisations.all()]

    @staticmethod
    def resolve_participants(obj):
        return [{"id": u.pk, "name": u.display_name} for u in obj.participants.all()]


class LiaisonEventIn(InputSchema):
    date: dt.date
    kind: LiaisonEventKind
    title: str
    organisation_ids: list[int]
    place: str = ""
    notes: str = ""
    contact_ids: list[int] = []
    participant_ids: list[int] = []
    activity_id: int | None = None


@router.get("/liaison-events", response=list[LiaisonEventOut], summary="联谊活动列表")
@paginate(CappedLimitOffsetPagination)
def list_liaison_events(request, q: str = "", kind: str = "", organisation: str = "", year: str = ""):
    permissions.require(request.auth, "view", LiaisonEvent)
    return selectors.liaison_event_list(
        user=request.auth, q=q, kind=kind, organisation=organisation, year=year
    )


@router.post(
    "/liaison-events",
    response={201: LiaisonEventOut},
    summary="登记联谊活动",
    auth=may("create", LiaisonEvent),
)
def create_liaison_event(request, payload: LiaisonEventIn):
    actor = request.auth
    data = payload.dict()
    org_ids = set(data.pop("organisation_ids"))
    orgs = list(Organisation.objects.visible_to(actor).filter(pk__in=org_ids))
    if len(orgs) != len(org_ids):
        raise DomainError("联谊单位不存在。", field="organisation_ids")
    contact_ids = set(data.pop("contact_ids"))
    contacts = list(LiaisonContact.objects.visible_to(actor).filter(pk__in=contact_ids))
    if len(contacts) != len(contact_ids):
        raise DomainError("联络人不存在或您无权查看。", field="contact_ids")
    participants = _users(actor, data.pop("participant_ids"))
    activity_id = data.pop("activity_id")
    activity = None
    if activity_id is not None:
        from activities.models import Activity

        activity = permissions.get_visible_or_404(Activity, actor, pk=activity_id)
    event = services.liaison_event_create(
        actor=actor,
        organisations=orgs,
        contacts=contacts,
        participants=participants,
        activity=activity,
        **data,
    )
    return Status(201, selectors.liaison_event_list(user=actor).get(pk=event.pk))
