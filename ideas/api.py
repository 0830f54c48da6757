import datetime as dt

from ninja import Router, Schema
from ninja.pagination import paginate

from core import permissions
from core.api import CappedLimitOffsetPagination, InputSchema, record_first
from organisations.models import Organisation

from . import services
from .models import Idea, IdeaStatus
from .selectors import idea_list
from .workflows import idea_workflow

PREFIX = "/ideas"
router = Router(tags=["百姓提案"])


class IdeaOut(Schema):
    """No contact details: those are shown only on the page, masked, and revealed with a log row."""

    id: int
    code: str
    title: str
    body: str
    status: str
    status_label: str
    wants_followup: bool
    claimed_by_id: int | None
    claimed_by_name: str
    forwarded_to_id: int | None
    proposal_id: int | None
    outcome_note: str
    created_at: dt.datetime
    closed_at: dt.datetime | None

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_claimed_by_name(obj):
        return obj.claimed_by.name if obj.claimed_by_id else ""


class TransitionIn(InputSchema):
    target: IdeaStatus
    note: str = ""
    forwarded_to_id: int | None = None


class DevelopIn(InputSchema):
    title: str
    body: str


class FollowupIn(InputSchema):
    note: str


@router.get("", response=list[IdeaOut], summary="百姓提案列表")
@paginate(CappedLimitOffsetPagination)
def list_ideas(request, q: str = "", status: str = "", mine: bool = False):
    permissions.require(request.auth, "view", Idea)
    return idea_list(user=request.auth, q=q, status=status, mine=mine)


def _get(request, idea_id):
    return permissions.get_visible_or_404(Idea.objects.select_related("claimed_by"), request.auth, pk=idea_id)


@router.get("/{idea_id}", response=IdeaOut, summary="百姓提案详情")
def get_idea(request, idea_id: int):
    return _get(request, idea_id)


@router.post(
    "/{idea_id}/transition",
    response=IdeaOut,
    summary="流程操作（审核通过、认领、放弃认领、转为发言、转交部门、不予采纳）",
    auth=record_first(_get, workflow=idea_workflow),
)
def transition_idea(request, idea_id: int, payload: TransitionIn):
    idea = request.record
    forwarded_to = None
    if payload.forwarded_to_id is not None:
        forwarded_to = permissions.get_visible_or_404(Organisation, request.auth, pk=payload.forwarded_to_id)
    return services.idea_transition(
        actor=request.auth, idea=idea, target=payload.target, note=payload.note, forwarded_to=forwarded_to
    )


@router.post(
    "/{idea_id}/develop",
    response=IdeaOut,
    summary="认领委员形成提案草稿",
    auth=record_first(_get, "develop"),
)
def develop_idea(request, idea_id: int, payload: DevelopIn):
    idea, _ = services.idea_develop(actor=request.auth, idea=request.record, **payload.dict())
    return idea


@router.post(
    "/{idea_id}/followup",
    response=IdeaOut,
    summary="记录邀请提出人参加调研",
    auth=record_first(_get, "followup"),
)
def followup_idea(request, idea_id: int, payload: FollowupIn):
    return services.idea_invite_followup(actor=request.auth, idea=request.record, note=payload.note)
