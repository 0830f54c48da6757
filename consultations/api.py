"""JSON API: /api/v1/consultations (meetings, topics, speech drafts with revisions and comments, the word-level
comparison) and /api/v1/research-topics. Same selectors, services and permission checks as the pages."""

import datetime as dt

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from core import permissions
from core.api import CappedLimitOffsetPagination, InputSchema, may, record_first
from core.errors import DomainError
from members.models import Person
from organisations.models import Organisation

from . import selectors, services
from .diff import side_by_side
from .models import (
    Meeting,
    MeetingKind,
    OutputKind,
    ParticipantRole,
    ResearchTopic,
    Speech,
    Topic,
)
from .workflows import RESEARCH, SPEECH, TOPIC

PREFIX = ""
router = Router(tags=["协商议政与课题研究"])


class NamedOut(Schema):
    id: int
    name: str


class MeetingOut(Schema):
    id: int
    title: str
    kind: str
    kind_label: str
    date: dt.date
    place: str
    leaders: str
    agenda: str
    topic_deadline: dt.date | None
    activity_id: int | None
    minutes: str

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()


class MeetingRowOut(MeetingOut):
    topic_count: int
    selected_count: int
    speech_count: int


class MeetingIn(InputSchema):
    title: str
    date: dt.date
    kind: MeetingKind = MeetingKind.SYMPOSIUM
    place: str = ""
    leaders: str = ""
    agenda: str = ""
    topic_deadline: dt.date | None = None
    activity_id: int | None = None


class TopicOut(Schema):
    id: int
    meeting_id: int
    title: str
    background: str
    source: str
    proposer: NamedOut | None
    status: str
    status_label: str
    decision_reason: str
    merged_into_id: int | None

    @staticmethod
    def resolve_proposer(obj):
        return {"id": obj.proposer.pk, "name": obj.proposer.name} if obj.proposer_id else None

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class TopicIn(InputSchema):
    title: str
    background: str
    source: str = ""
    proposer_id: int | None = None


class TransitionIn(InputSchema):
    target: str
    note: str = ""
    into_id: int | None = None


class SpeechIn(InputSchema):
    speaker_id: int
    title: str = ""
    due_date: dt.date | None = None


class CommentOut(Schema):
    id: int
    paragraph: int | None
    quote: str
    text: str
    author: str
    created_at: dt.datetime

    @staticmethod
    def resolve_author(obj):
        return obj.author.display_name


class RevisionOut(Schema):
    number: int
    text: str
    note: str
    author: str
    created_at: dt.datetime
    comments: list[CommentOut]

    @staticmethod
    def resolve_author(obj):
        return obj.author.display_name

    @staticmethod
    def resolve_comments(obj):
        return list(obj.comments.all())


class ResponseOut(Schema):
    leader: str
    text: str


class SpeechOut(Schema):
    id: int
    meeting_id: int
    topic_id: int
    title: str
    speaker: NamedOut
    status: str
    status_label: str
    speaking_order: int | None
    due_date: dt.date | None
    approved_revision: int | None
    delivered_on: dt.date | None
    revision_count: int

    @staticmethod
    def resolve_speaker(obj):
        return {"id": obj.speaker.pk, "name": obj.speaker.name}

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()

    @staticmethod
    def resolve_approved_revision(obj):
        return obj.approved_revision.number if obj.approved_revision_id else None

    @staticmethod
    def resolve_revision_count(obj):
        return getattr(obj, "revision_count", None) or obj.revisions.count()


class SpeechDetailOut(SpeechOut):
    working_text: str | None
    revisions: list[RevisionOut]
    responses: list[ResponseOut]

    @staticmethod
    def resolve_working_text(obj, context):
        # The working copy is the speaker's own; reviewers read the submitted revisions.
        user = getattr((context or {}).get("request"), "auth", None)
        return obj.working_text if permissions.can(user, "write", obj) else None

    @staticmethod
    def resolve_revisions(obj):
        return obj.api_detail["revisions"]

    @staticmethod
    def resolve_responses(obj):
        return obj.api_detail["responses"]


class RevisionIn(InputSchema):
    text: str
    note: str = ""


class WorkingTextIn(InputSchema):
    text: str


class CommentIn(InputSchema):
    text: str
    revision: int | None = None
    paragraph: int | None = None
    quote: str = ""


class ResponseIn(InputSchema):
    leader: str
    text: str


class CompareRowOut(Schema):
    kind: str
    left_number: int | None
    right_number: int | None
    left: list[tuple[int, str]]
    right: list[tuple[int, str]]


class CompareOut(Schema):
    old: int
    new: int
    inserted: int
    deleted: int
    rows: list[CompareRowOut]


class PartnerOut(Schema):
    id: int
    name: str
    level: str


class ParticipantOut(Schema):
    person: NamedOut
    role: str
    role_label: str


class MilestoneOut(Schema):
    id: int
    title: str
    due_date: dt.date
    done_on: dt.date | None
    note: str


class OutputOut(Schema):
    id: int
    kind: str
    title: str
    summary: str
    completed_on: dt.date
    has_file: bool
    authors: list[NamedOut]


class ResearchOut(Schema):
    id: int
    title: str
    summary: str
    lead_body: NamedOut
    start_date: dt.date
    end_date: dt.date
    status: str
    status_label: str
    adopted_by: NamedOut | None
    adopted_level: str
    adopted_on: dt.date | None
    outcome: str

    @staticmethod
    def resolve_lead_body(obj):
        return {"id": obj.lead_body_id, "name": obj.lead_body.name}

    @staticmethod
    def resolve_adopted_by(obj):
        return {"id": obj.adopted_by_id, "name": obj.adopted_by.name} if obj.adopted_by_id else None

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class ResearchDetailOut(ResearchOut):
    partners: list[PartnerOut]
    participants: list[ParticipantOut]
    milestones: list[MilestoneOut]
    outputs: list[OutputOut]
    proposal_ids: list[int]
    field_trip_ids: list[int]

    @staticmethod
    def resolve_partners(obj):
        return [{"id": o.pk, "name": o.name, "level": o.level} for o in obj.api_detail["partners"]]

    @staticmethod
    def resolve_participants(obj):
        return [
            {
                "person": {"id": p.person_id, "name": p.person.name},
                "role": p.role,
                "role_label": p.get_role_display(),
            }
            for p in obj.api_detail["participants"]
        ]

    @staticmethod
    def resolve_milestones(obj):
        return obj.api_detail["milestones"]

    @staticmethod
    def resolve_outputs(obj):
        return [_output(o, list(o.authors.all())) for o in obj.api_detail["outputs"]]

    @staticmethod
    def resolve_proposal_ids(obj):
        return [p.pk for p in obj.api_detail["proposals"]]

    @staticmethod
    def resolve_field_trip_ids(obj):
        return [a.pk for a in obj.api_detail["trips"]]


def _output(o, authors) -> dict:
    return {
        "id": o.pk,
        "kind": o.kind,
        "title": o.title,
        "summary": o.summary,
        "completed_on": o.completed_on,
        "has_file": bool(o.file),
        "authors": [{"id": a.pk, "name": a.name} for a in authors],
    }


class ParticipantIn(InputSchema):
    person_id: int
    role: ParticipantRole = ParticipantRole.MEMBER


class ResearchIn(InputSchema):
    title: str
    lead_body_id: int
    start_date: dt.date
    end_date: dt.date
    summary: str = ""
    partner_ids: list[int] = []
    participants: list[ParticipantIn] = []
    external_participants: str = ""


class ResearchTransitionIn(InputSchema):
    target: str
    note: str = ""
    adopted_by_id: int | None = None
    adopted_level: str = ""
    adopted_on: dt.date | None = None
    outcome: str = ""


class MilestoneIn(InputSchema):
    title: str
    due_date: dt.date
    note: str = ""


class OutputIn(InputSchema):
    title: str
    completed_on: dt.date
    kind: OutputKind = OutputKind.REPORT
    summary: str = ""
    author_ids: list[int] = []


def _person(user, pk: int | None, field: str) -> Person | None:
    if pk is None:
        return None
    person = Person.objects.visible_to(user).filter(pk=pk).first()
    if person is None:
        raise DomainError("人员不存在或您无权查看。", field=field)
    return person


def _org(pk: int | None, field: str) -> Organisation | None:
    if pk is None:
        return None
    org = Organisation.objects.filter(pk=pk).first()
    if org is None:
        raise DomainError("机构不存在。", field=field)
    return org


def _activity(user, pk: int | None):
    from activities.models import Activity

    if pk is None:
        return None
    activity = Activity.objects.visible_to(user).filter(pk=pk).first()
    if activity is None:
        raise DomainError("活动不存在或您无权查看。", field="activity_id")
    return activity


# ---- meetings ----


@router.get("/consultations", response=list[MeetingRowOut], summary="协商会议列表")
@paginate(CappedLimitOffsetPagination)
def list_meetings(request, q: str = "", year: int | None = None, kind: str = ""):
    permissions.require(request.auth, "view", Meeting)
    return selectors.meeting_list(user=request.auth, q=q, year=year, kind=kind).order_by("-date", "-id")


@router.post(
    "/consultations", response={201: MeetingOut}, summary="登记协商会议", auth=may("create", Meeting)
)
def create_meeting(request, payload: MeetingIn):
    data = payload.dict()
    activity = _activity(request.auth, data.pop("activity_id"))
    meeting = services.meeting_create(actor=request.auth, activity=activity, **data)
    return Status(201, meeting)


@router.get("/consultations/{meeting_id}", response=MeetingOut, summary="协商会议详情")
def get_meeting(request, meeting_id: int):
    return permissions.get_visible_or_404(Meeting, request.auth, pk=meeting_id)


@router.get("/consultations/{meeting_id}/topics", response=list[TopicOut], summary="会议的选题")
def meeting_topics(request, meeting_id: int):
    meeting = permissions.get_visible_or_404(Meeting, request.auth, pk=meeting_id)
    return list(selectors.topics_of(user=request.auth, meeting=meeting))


def _meeting(request, pk):
    return permissions.get_visible_or_404(Meeting, request.auth, pk=pk)


def _consultation_topic(request, pk):
    return permissions.get_visible_or_404(Topic, request.auth, pk=pk)


def _may_create(model):
    return lambda request, record: permissions.require(request.auth, "create", model)


@router.post(
    "/consultations/{meeting_id}/topics",
    response={201: TopicOut},
    summary="提出选题",
    auth=record_first(_meeting, _may_create(Topic)),
)
def propose_topic(request, meeting_id: int, payload: TopicIn):
    meeting = request.record
    data = payload.dict()
    proposer = _person(request.auth, data.pop("proposer_id"), "proposer_id")
    topic = services.topic_propose(actor=request.auth, meeting=meeting, proposer=proposer, **data)
    return Status(201, topic)


@router.get(
    "/consultations/{meeting_id}/speeches",
    response=list[SpeechOut],
    summary="会议的发言",
)
def meeting_speeches(request, meeting_id: int):
    meeting = permissions.get_visible_or_404(Meeting, request.auth, pk=meeting_id)
    return list(selectors.speeches_of(user=request.auth, meeting=meeting).select_related("approved_revision"))


@router.post(
    "/consultations/topics/{topic_id}/transition",
    response=TopicOut,
    summary="选题决定",
    auth=record_first(_consultation_topic, workflow=TOPIC),
)
def topic_transition(request, topic_id: int, payload: TransitionIn):
    topic = request.record
    into = None
    if payload.into_id is not None:
        into = Topic.objects.visible_to(request.auth).filter(pk=payload.into_id).first()
        if into is None:
            raise DomainError("要合并到的选题不存在。", field="into_id")
    return services.topic_transition(
        actor=request.auth, topic=topic, target=payload.target, note=payload.note, into=into
    )


@router.post(
    "/consultations/topics/{topic_id}/speeches",
    response={201: SpeechOut},
    summary="安排发言人",
    auth=record_first(_consultation_topic, _may_create(Speech)),
)
def create_speech(request, topic_id: int, payload: SpeechIn):
    topic = request.record
    speaker = _person(request.auth, payload.speaker_id, "speaker_id")
    speech = services.speech_create(
        actor=request.auth, topic=topic, speaker=speaker, title=payload.title, due_date=payload.due_date
    )
    return Status(201, speech)


# ---- speech drafts ----


def _speech(request, speech_id: int) -> Speech:
    return permissions.get_visible_or_404(
        Speech.objects.select_related("speaker", "approved_revision", "meeting"), request.auth, pk=speech_id
    )


def _speech_detail(request, speech: Speech) -> Speech:
    speech.api_detail = selectors.speech_detail(speech)
    return speech


@router.get(
    "/consultations/speeches/{speech_id}",
    response=SpeechDetailOut,
    summary="发言稿（含各稿与审阅意见）",
)
def get_speech(request, speech_id: int):
    return _speech_detail(request, _speech(request, speech_id))


@router.get(
    "/consultations/speeches/{speech_id}/revisions",
    response=list[RevisionOut],
    summary="发言稿的各稿",
)
def list_revisions(request, speech_id: int):
    return selectors.speech_detail(_speech(request, speech_id))["revisions"]


@router.post(
    "/consultations/speeches/{speech_id}/revisions",
    response={201: SpeechDetailOut},
    summary="提交新一稿（发言人本人）",
    auth=record_first(_speech, "write"),
)
def submit_revision(request, speech_id: int, payload: RevisionIn):
    speech = services.speech_transition(
        actor=request.auth,
        speech=request.record,
        target="submitted",
        text=payload.text,
        note=payload.note,
    )
    return Status(201, _speech_detail(request, _speech(request, speech.pk)))


@router.put(
    "/consultations/speeches/{speech_id}/working-text",
    response=SpeechDetailOut,
    summary="保存工作稿",
    auth=record_first(_speech, "write"),
)
def save_working_text(request, speech_id: int, payload: WorkingTextIn):
    speech = services.speech_save_text(actor=request.auth, speech=request.record, text=payload.text)
    return _speech_detail(request, _speech(request, speech.pk))


@router.post(
    "/consultations/speeches/{speech_id}/comments",
    response={201: CommentOut},
    summary="审阅意见",
    auth=record_first(_speech, "comment"),
)
def add_comment(request, speech_id: int, payload: CommentIn):
    speech = request.record
    revision = None
    if payload.revision is not None:
        revision = speech.revisions.filter(number=payload.revision).first()
        if revision is None:
            raise DomainError("该稿次不存在。", field="revision")
    comment = services.comment_add(
        actor=request.auth,
        speech=speech,
        revision=revision,
        paragraph=payload.paragraph,
        quote=payload.quote,
        text=payload.text,
    )
    return Status(201, comment)


@router.post(
    "/consultations/speeches/{speech_id}/transition",
    response=SpeechDetailOut,
    summary="退回、定稿、登记发言、撤销",
    auth=record_first(_speech, workflow=SPEECH),
)
def speech_transition(request, speech_id: int, payload: TransitionIn):
    if payload.target == "submitted":
        raise DomainError("提交新一稿请使用 POST /consultations/speeches/{id}/revisions。", field="target")
    speech = services.speech_transition(
        actor=request.auth, speech=request.record, target=payload.target, note=payload.note
    )
    return _speech_detail(request, _speech(request, speech.pk))


@router.get(
    "/consultations/speeches/{speech_id}/compare",
    response=CompareOut,
    summary="两稿按词对比",
)
def compare(request, speech_id: int, a: int | None = None, b: int | None = None):
    speech = _speech(request, speech_id)  # who may see the speech first, then what is asked of it
    if a is None or b is None:
        raise DomainError("请用 ?a= 和 ?b= 指定要对比的两稿稿次。", field="a" if a is None else "b")
    revisions = {r.number: r for r in speech.revisions.filter(number__in=[a, b])}
    if a not in revisions or b not in revisions:
        raise DomainError("要对比的稿次不存在。", field="a" if a not in revisions else "b")
    result = side_by_side(revisions[a].text, revisions[b].text)
    return {
        "old": a,
        "new": b,
        "inserted": result.inserted,
        "deleted": result.deleted,
        "rows": [r.__dict__ for r in result.rows],
    }


@router.post(
    "/consultations/speeches/{speech_id}/responses",
    response={201: ResponseOut},
    summary="登记领导回应",
    auth=record_first(_speech, "respond"),
)
def add_response(request, speech_id: int, payload: ResponseIn):
    response = services.leader_response_add(
        actor=request.auth, speech=request.record, leader=payload.leader, text=payload.text
    )
    return Status(201, response)


# ---- research topics ----


@router.get("/research-topics", response=list[ResearchOut], summary="课题研究列表")
@paginate(CappedLimitOffsetPagination)
def list_research(request, q: str = "", status: str = "", year: int | None = None, partner: str = ""):
    permissions.require(request.auth, "view", ResearchTopic)
    return selectors.research_list(
        user=request.auth, q=q, status=status, year=year, partner=partner
    ).order_by("-start_date", "-id")


def _research_detail(topic: ResearchTopic) -> ResearchTopic:
    topic.api_detail = selectors.research_detail(topic)
    return topic


def _topic(request, topic_id: int) -> ResearchTopic:
    return permissions.get_visible_or_404(
        ResearchTopic.objects.select_related("lead_body", "adopted_by"), request.auth, pk=topic_id
    )


@router.get("/research-topics/{topic_id}", response=ResearchDetailOut, summary="课题详情")
def get_research(request, topic_id: int):
    return _research_detail(_topic(request, topic_id))


@router.post(
    "/research-topics",
    response={201: ResearchDetailOut},
    summary="登记课题",
    auth=may("create", ResearchTopic),
)
def create_research(request, payload: ResearchIn):
    partners = [_org(pk, "partner_ids") for pk in payload.partner_ids]
    participants = [
        (_person(request.auth, p.person_id, "participants"), p.role) for p in payload.participants
    ]
    topic = services.research_create(
        actor=request.auth,
        title=payload.title,
        lead_body=_org(payload.lead_body_id, "lead_body_id"),
        start_date=payload.start_date,
        end_date=payload.end_date,
        summary=payload.summary,
        partners=partners,
        participants=participants,
        external_participants=payload.external_participants,
    )
    return Status(201, _research_detail(_topic(request, topic.pk)))


@router.post(
    "/research-topics/{topic_id}/transition",
    response=ResearchDetailOut,
    summary="课题状态变更",
    auth=record_first(_topic, workflow=RESEARCH),
)
def research_transition(request, topic_id: int, payload: ResearchTransitionIn):
    topic = services.research_transition(
        actor=request.auth,
        topic=request.record,
        target=payload.target,
        note=payload.note,
        adopted_by=_org(payload.adopted_by_id, "adopted_by_id"),
        adopted_level=payload.adopted_level,
        adopted_on=payload.adopted_on,
        outcome=payload.outcome,
    )
    return _research_detail(_topic(request, topic.pk))


@router.post(
    "/research-topics/{topic_id}/milestones",
    response={201: MilestoneOut},
    summary="添加进度节点",
    auth=record_first(_topic, "edit"),
)
def add_milestone(request, topic_id: int, payload: MilestoneIn):
    milestone = services.milestone_add(actor=request.auth, topic=request.record, **payload.dict())
    return Status(201, milestone)


@router.post(
    "/research-topics/{topic_id}/outputs",
    response={201: OutputOut},
    summary="添加成果（文件请在页面上传）",
    auth=record_first(_topic, "edit"),
)
def add_output(request, topic_id: int, payload: OutputIn):
    data = payload.dict()
    authors = [_person(request.auth, pk, "author_ids") for pk in data.pop("author_ids")]
    output = services.output_add(actor=request.auth, topic=request.record, authors=authors, **data)
    return Status(201, _output(output, authors))
