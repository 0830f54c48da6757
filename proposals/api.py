"""/api/v1/proposals: list with the page's filters, detail, create, and each workflow step as an endpoint.

Every endpoint fetches through `selectors` (visibility: missing and forbidden are the same 404) and calls
one service; refusals come back as 4xx with the service's Chinese message.
"""

import datetime as dt

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from core import permissions
from core.api import CappedLimitOffsetPagination, InputSchema, may, record_first
from core.errors import DomainError
from members.models import Person
from organisations.models import Organisation

from . import selectors, services
from .models import Proposal

PREFIX = "/proposals"
router = Router(tags=["提案"])


class UnitOut(Schema):
    unit_id: int
    unit: str
    role: str
    role_label: str


class ProposalOut(Schema):
    id: int
    title: str
    number: str
    status: str
    status_label: str
    timing: str
    proposer_kind: str
    proposer: str
    author_id: int
    is_key: bool
    origin_note: str
    submitted_at: dt.datetime | None
    reply_due: dt.date | None
    replied_at: dt.datetime | None
    units: list[UnitOut]

    @staticmethod
    def resolve_number(obj):
        return obj.number_label

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_proposer(obj):
        return obj.proposer_label

    @staticmethod
    def resolve_units(obj):
        active = getattr(obj, "active_assignments", None)
        if active is None:
            active = [a for a in obj.assignments.all() if a.ended_at is None]
        return [
            {
                "unit_id": a.unit_id,
                "unit": a.unit.display_name,
                "role": a.role,
                "role_label": a.get_role_display(),
            }
            for a in active
        ]


class ReplyOut(Schema):
    round: int
    unit: str
    reply_class: str
    body: str
    status: str


class ProposalDetailOut(ProposalOut):
    body: str
    cosigners: list[str]
    replies: list[ReplyOut]
    outcome: dict | None

    @staticmethod
    def resolve_cosigners(obj):
        return [c.person.name for c in selectors.confirmed_cosigners(obj)]

    @staticmethod
    def resolve_replies(obj):
        return [
            {
                "round": r.round,
                "unit": r.unit.display_name,
                "reply_class": r.reply_class,
                "body": r.body,
                "status": r.status,
            }
            for r in selectors.published_replies(obj)
        ]

    @staticmethod
    def resolve_outcome(obj):
        o = getattr(obj, "outcome", None) if selectors._has_outcome(obj) else None
        if o is None:
            return None
        return {
            "adopted": o.adopted,
            "adopted_by": o.adopted_by.display_name if o.adopted_by else "",
            "actions": o.actions,
            "completed": o.completed,
            "completed_on": o.completed_on.isoformat() if o.completed_on else None,
        }


class ProposalIn(InputSchema):
    title: str
    body: str
    timing: str = "regular"
    proposer_kind: str = "member"
    proposer_body: str = ""
    origin_note: str = ""
    author_id: int | None = None


class NoteIn(InputSchema):
    note: str = ""


class NotFileIn(InputSchema):
    reason: str
    note: str


class MergeIn(InputSchema):
    into_id: int
    note: str = ""


class AssignIn(InputSchema):
    lead_id: int | None = None
    co_unit_ids: list[int] = []
    assist_unit_ids: list[int] = []
    split_unit_ids: list[int] = []
    input_due: dt.date | None = None
    note: str = ""


class ReplyIn(InputSchema):
    reply_class: str
    body: str
    contact: str = ""


class ReviewIn(InputSchema):
    approve: bool
    note: str = ""


class RateIn(InputSchema):
    value: str
    comment: str = ""


class ExtendIn(InputSchema):
    new_due: dt.date
    reason: str


class TextIn(InputSchema):
    text: str


class ReasonIn(InputSchema):
    reason: str


class CosignIn(InputSchema):
    accept: bool


class FollowUpIn(InputSchema):
    kind: str
    date: dt.date
    summary: str
    place: str = ""
    participants: str = ""


class OutcomeIn(InputSchema):
    actions: str
    adopted: bool = False
    adopted_by_id: int | None = None
    adopted_level: str = ""
    completed: bool = False
    completed_on: dt.date | None = None
    evidence: str = ""


@router.get("", response=list[ProposalOut], summary="提案列表")
@paginate(CappedLimitOffsetPagination, ids_first=True)
def list_proposals(
    request,
    q: str = "",
    status: str = "",
    timing: str = "",
    unit: int | None = None,
    key: bool = False,
    session: int | None = None,
    due: str = "",
    mine: bool = False,
    sort: str = "new",
):
    permissions.require(request.auth, "view", Proposal)
    return selectors.proposal_list(
        user=request.auth,
        q=q,
        status=status,
        timing=timing,
        unit=unit or "",
        key="1" if key else "",
        session=session or "",
        due=due,
        mine="1" if mine else "",
        sort=sort,
    )


def _get(request, pk):
    return selectors.proposal_detail(user=request.auth, pk=pk)


def _detail(request, pk):
    return Status(200, _get(request, pk))


@router.get("/{pk}", response=ProposalDetailOut, summary="提案详情")
def get_proposal(request, pk: int):
    return _get(request, pk)


@router.post("", response={201: ProposalDetailOut}, summary="起草提案", auth=may("create", Proposal))
def create_proposal(request, payload: ProposalIn):
    user = request.auth
    data = payload.dict()
    author_id = data.pop("author_id")
    if user.is_person:
        author = getattr(user, "person", None)
        if author is None:
            raise DomainError("您的账号尚未关联委员档案。")
    elif author_id is None:
        raise DomainError("请指定提案人（author_id）。", field="author_id")
    else:
        author = permissions.get_visible_or_404(Person, user, pk=author_id)
    try:
        p = services.proposal_create_draft(actor=user, author=author, **data)
    except DomainError as exc:
        if exc.field == "author" and not user.is_person:  # the staff named the author by `author_id`
            exc.field = "author_id"
        raise
    return Status(201, _get(request, p.pk))


def _units(request, ids):
    units = list(Organisation.objects.filter(pk__in=ids))
    if len(units) != len(set(ids)):
        raise DomainError("承办单位不存在。", field="units")
    return units


def _precheck(perm: str):
    """Visible (404), then permission (403) — before the body is parsed (core.api.record_first)."""
    return record_first(_get, perm)


def _step(path: str, summary: str, schema=None, *, perm: str):
    """Declare a workflow endpoint POST /{pk}/<path> that runs `fn(request, proposal, payload)`.

    The order is that of every action (core.actions): visible (404) → `perm` (403) → input (422) → the
    service (its state and rule checks, 400)."""

    def deco(fn):
        if schema is None:

            def endpoint(request, pk: int):
                fn(request, request.record, None)
                return _detail(request, pk)

        else:

            def endpoint(request, pk: int, payload: schema):
                fn(request, request.record, payload)
                return _detail(request, pk)

        endpoint.__name__ = f"proposal_{path.replace('/', '_').replace('-', '_')}"
        router.post(
            f"/{{pk}}/{path}",
            response=ProposalDetailOut,
            summary=summary,
            auth=_precheck(perm),
        )(endpoint)
        return fn

    return deco


@_step("submit", "提交提案", perm="submit")
def _submit(request, p, _):
    services.proposal_submit(actor=request.auth, proposal=p)


@_step("withdraw", "撤回提案", NoteIn, perm="withdraw")
def _withdraw(request, p, body):
    services.proposal_withdraw(actor=request.auth, proposal=p, note=body.note)


@_step("cosign", "回复联名邀请", CosignIn, perm="cosign")
def _cosign(request, p, body):
    services.cosigner_respond(actor=request.auth, proposal=p, accept=body.accept)


@_step("file", "立案", NoteIn, perm="review")
def _file(request, p, body):
    services.proposal_file(actor=request.auth, proposal=p, note=body.note)


@_step("not-file", "不予立案", NotFileIn, perm="review")
def _not_file(request, p, body):
    services.proposal_not_file(actor=request.auth, proposal=p, reason=body.reason, note=body.note)


@_step("merge", "并案", MergeIn, perm="review")
def _merge(request, p, body):
    services.proposal_merge(actor=request.auth, proposal=p, into=_get(request, body.into_id), note=body.note)


@_step("convert", "转为意见建议", NoteIn, perm="review")
def _convert(request, p, body):
    services.proposal_convert(actor=request.auth, proposal=p, note=body.note)


@_step("return", "退回修改", NoteIn, perm="review")
def _return(request, p, body):
    services.proposal_return(actor=request.auth, proposal=p, note=body.note)


@_step("assign", "交办", AssignIn, perm="assign")
def _assign(request, p, body):
    services.proposal_assign(
        actor=request.auth,
        proposal=p,
        lead=_units(request, [body.lead_id])[0] if body.lead_id else None,
        co_units=_units(request, body.co_unit_ids),
        assist_units=_units(request, body.assist_unit_ids),
        split_units=_units(request, body.split_unit_ids),
        input_due=body.input_due,
        note=body.note,
    )


@_step("dispute", "对交办提出异议", ReasonIn, perm="dispute")
def _dispute(request, p, body):
    services.assignment_dispute(actor=request.auth, proposal=p, reason=body.reason)


@_step("extend", "延期", ExtendIn, perm="extend")
def _extend(request, p, body):
    services.proposal_extend(actor=request.auth, proposal=p, new_due=body.new_due, reason=body.reason)


@_step("progress", "填报办理进展", TextIn, perm="progress")
def _progress(request, p, body):
    services.progress_add(actor=request.auth, proposal=p, text=body.text)


@_step("input", "提交会办意见", TextIn, perm="countersign")
def _input(request, p, body):
    services.assignment_submit_input(actor=request.auth, proposal=p, text=body.text)


@_step("followups", "记录跟踪", FollowUpIn, perm="follow_up")
def _followup(request, p, body):
    services.followup_add(actor=request.auth, proposal=p, **body.dict())


@_step("reply", "起草答复", ReplyIn, perm="draft_reply")
def _reply(request, p, body):
    services.reply_save(actor=request.auth, proposal=p, **body.dict())


@_step("countersign", "会签答复", NoteIn, perm="countersign")
def _countersign(request, p, body):
    services.reply_countersign(actor=request.auth, proposal=p, note=body.note)


@_step("reply/submit", "提交答复待审核", perm="submit_reply")
def _reply_submit(request, p, _):
    services.reply_submit(actor=request.auth, proposal=p)


@_step("reply/review", "审核答复", ReviewIn, perm="review_reply")
def _reply_review(request, p, body):
    services.reply_review(actor=request.auth, proposal=p, approve=body.approve, note=body.note)


@_step("rate", "评价答复", RateIn, perm="rate")
def _rate(request, p, body):
    services.reply_rate(actor=request.auth, proposal=p, value=body.value, comment=body.comment)


@_step("close", "办结", NoteIn, perm="close")
def _close(request, p, body):
    services.proposal_close(actor=request.auth, proposal=p, note=body.note)


@_step("outcome", "记录办理成效", OutcomeIn, perm="outcome")
def _outcome(request, p, body):
    data = body.dict()
    by = data.pop("adopted_by_id")
    services.outcome_record(actor=request.auth, proposal=p, adopted_by=_units_or_org(by), **data)


def _units_or_org(pk):
    if pk is None:
        return None
    org = Organisation.objects.filter(pk=pk).first()
    if org is None:
        raise DomainError("采纳单位不存在。", field="adopted_by_id")
    return org
