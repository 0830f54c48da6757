"""Every write to consultation meetings, topics, speech drafts and research topics.

Keyword-only, typed, atomic; each checks the permission first (`core.permissions.require`), then the state,
then the input, and raises `core.errors.DomainError` with a Chinese message (nothing written). Statuses change
only through the three transition services (`topic_transition`, `speech_transition`, `research_transition`),
which use the tables in `consultations.workflows`.
"""

import datetime as dt
from collections.abc import Iterable

from django.db import transaction
from django.db.models import Max
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from core import permissions
from core.errors import DomainError
from core.roles import Role
from core.text import search_form
from core.uploads import IMAGE, OFFICE, PDF, validate_upload
from core.workflow import Workflow
from members.models import Person
from notifications.services import notify
from organisations.models import Organisation, OrgLevel, ShareCapacity
from organisations.services import share_with, unshare

from .models import (
    WRITABLE_STATUSES,
    Comment,
    FollowUp,
    FollowUpKind,
    LeaderResponse,
    Meeting,
    MeetingKind,
    Milestone,
    OutputKind,
    ParticipantRole,
    ResearchOutput,
    ResearchParticipant,
    ResearchStatus,
    ResearchTopic,
    Revision,
    Speech,
    SpeechStatus,
    Topic,
    TopicNote,
    TopicStatus,
)
from .workflows import RESEARCH, SPEECH, TOPIC

TEXT_MAX = 30_000  # characters of a speech draft (a ten-minute speech is about 2,500)
COMMENT_MAX = 2_000
OFFICE_ROLES = (Role.STAFF, Role.LEADER)


def _today() -> dt.date:
    return timezone.localdate()


def _newlines(text: str) -> str:
    """A browser's textarea sends CRLF: paragraphs, comparisons and quotes work on plain \\n."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _clean(value: str | None) -> str:
    return (value or "").strip()


def _required(value: str | None, message: str, field: str, limit: int | None = None) -> str:
    value = _clean(value)
    if not value:
        raise DomainError(message, field=field)
    if limit is not None and len(value) > limit:
        raise DomainError(f"不能超过 {limit:,} 个字，现有 {len(value):,} 个字。", field=field)
    return value


def _home_org(actor) -> Organisation:
    org = getattr(actor, "organisation", None)
    if org is None:
        raise DomainError("您的账号没有所属机构，不能登记。")
    return org


def _require_for(workflow: Workflow, actor, obj, target: str) -> None:
    """Check the permission of the transitions that lead to `target` before looking at the state
    (permission first: a member who may not review gets 403 whatever the draft's state)."""
    actions = {t.action for t in workflow.transitions if t.target == target}
    if not actions:
        raise DomainError("操作不正确。", field="target")
    if not any(permissions.can(actor, a, obj) for a in actions):
        permissions.require(actor, sorted(actions)[0], obj)


def _office_users(org: Organisation):
    return User.objects.filter(organisation=org, role__in=OFFICE_ROLES, is_active=True)


def _person_visible(actor, person: Person, field: str) -> Person:
    if person is None or not Person.objects.visible_to(actor).filter(pk=person.pk).exists():
        raise DomainError("人员不存在或您无权查看。", field=field)
    return person


# ---- meetings ----


def _meeting_fields(meeting: Meeting, *, title, kind, date, place, leaders, agenda, topic_deadline) -> None:
    meeting.title = _required(title, "请填写会议名称。", "title", 200)
    if kind not in MeetingKind.values:
        raise DomainError("会议类型不正确。", field="kind")
    if not isinstance(date, dt.date):
        raise DomainError("请填写召开日期。", field="date")
    if topic_deadline is not None and topic_deadline > date:
        raise DomainError("选题征集截止日期不能晚于召开日期。", field="topic_deadline")
    meeting.kind = kind
    meeting.date = date
    meeting.place = _clean(place)[:200]
    meeting.leaders = _clean(leaders)[:500]
    meeting.agenda = _clean(agenda)
    meeting.topic_deadline = topic_deadline
    meeting.search_text = search_form(meeting.title, meeting.place, meeting.leaders)


def _check_activity(actor, activity):
    from activities.models import Activity

    if activity is not None and not Activity.objects.visible_to(actor).filter(pk=activity.pk).exists():
        raise DomainError("活动不存在或您无权查看。", field="activity")
    return activity


@transaction.atomic
def meeting_create(
    *,
    actor,
    title: str,
    date: dt.date,
    kind: str = MeetingKind.SYMPOSIUM,
    place: str = "",
    leaders: str = "",
    agenda: str = "",
    topic_deadline: dt.date | None = None,
    activity=None,
    owner_org: Organisation | None = None,
) -> Meeting:
    """Register a consultation meeting of the actor's body (optionally linked to an existing activity).

    Checks `create`; the linked activity must be visible to the actor; deadline not after the date."""
    permissions.require(actor, "create", Meeting)
    meeting = Meeting(owner_org=owner_org or _home_org(actor))
    _meeting_fields(
        meeting,
        title=title,
        kind=kind,
        date=date,
        place=place,
        leaders=leaders,
        agenda=agenda,
        topic_deadline=topic_deadline,
    )
    meeting.activity = _check_activity(actor, activity)
    meeting.save()
    return meeting


@transaction.atomic
def meeting_update(
    *,
    actor,
    meeting: Meeting,
    title: str,
    date: dt.date,
    kind: str,
    place: str = "",
    leaders: str = "",
    agenda: str = "",
    topic_deadline: dt.date | None = None,
    activity=None,
) -> Meeting:
    """Change a meeting's facts. A meeting with delivered speeches keeps its date (the speeches carry it)."""
    permissions.require(actor, "edit", meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    old_date = meeting.date
    _meeting_fields(
        meeting,
        title=title,
        kind=kind,
        date=date,
        place=place,
        leaders=leaders,
        agenda=agenda,
        topic_deadline=topic_deadline,
    )
    if date != old_date and meeting.speeches.filter(status=SpeechStatus.DELIVERED).exists():
        raise DomainError("已登记发言的会议不能更改召开日期。", field="date")
    meeting.activity = _check_activity(actor, activity)
    meeting.save()
    return meeting


@transaction.atomic
def meeting_create_activity(*, actor, meeting: Meeting):
    """Create the activity record of a meeting (for invitations, leave and check-in) through the activities
    service and link it. Refused when the meeting already has one."""
    from activities.models import ActivityKind
    from activities.services import activity_create

    permissions.require(actor, "edit", meeting)
    if meeting.activity_id:
        raise DomainError("该会议已关联活动记录。")
    kind = (
        ActivityKind.objects.filter(name="座谈调研会").first()
        or ActivityKind.objects.order_by("order").first()
    )
    if kind is None:
        raise DomainError("还没有活动类别，请先在活动中新增类别。")
    start = timezone.make_aware(dt.datetime.combine(meeting.date, dt.time(14, 30)))
    activity = activity_create(
        actor=actor,
        kind=kind,
        title=meeting.title,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2, minutes=30),
        owner_org=meeting.owner_org,
        place=meeting.place,
        description=meeting.agenda,
    )
    Meeting.objects.filter(pk=meeting.pk).update(activity=activity)
    meeting.activity = activity
    return activity


@transaction.atomic
def meeting_record_minutes(*, actor, meeting: Meeting, minutes: str) -> Meeting:
    """Record (or correct) the minutes. Refused before the meeting has taken place."""
    permissions.require(actor, "record", meeting)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.date > _today():
        raise DomainError("会议尚未召开，不能登记会议纪要。", field="minutes")
    meeting.minutes = _required(minutes, "请填写会议纪要。", "minutes", TEXT_MAX)
    meeting.minutes_at = timezone.now()
    meeting.save()
    return meeting


@transaction.atomic
def speaking_order_set(*, actor, meeting: Meeting, speech_ids: list[int]) -> list[Speech]:
    """Set the speaking order: the given speeches speak 1, 2, 3 … in that order; the meeting's other speeches
    lose their place. Only speeches of this meeting that are not withdrawn may be placed."""
    permissions.require(actor, "order", meeting)
    Meeting.objects.select_for_update().get(pk=meeting.pk)
    ids = list(dict.fromkeys(speech_ids))
    speeches = {
        s.pk: s for s in Speech.objects.filter(meeting=meeting).exclude(status=SpeechStatus.WITHDRAWN)
    }
    unknown = [i for i in ids if i not in speeches]
    if unknown:
        raise DomainError("发言顺序中有不属于本次会议或已撤销的发言。", field="speech_ids")
    Speech.objects.filter(meeting=meeting).update(speaking_order=None)
    ordered = []
    for n, pk in enumerate(ids, start=1):
        speech = speeches[pk]
        speech.speaking_order = n
        speech.save(update_fields=["speaking_order", "updated_at"])
        ordered.append(speech)
    return ordered


# ---- topics ----


def topic_collecting(meeting: Meeting, today: dt.date | None = None) -> bool:
    """Members and advisors may propose topics until the deadline (or the meeting day when there is none)."""
    today = today or _today()
    last = meeting.topic_deadline or meeting.date
    return today <= last


@transaction.atomic
def topic_propose(
    *,
    actor,
    meeting: Meeting,
    title: str,
    background: str,
    source: str = "",
    proposer: Person | None = None,
) -> Topic:
    """Propose a topic for a meeting. A member or advisor proposes in his or her own name while the collection
    is open; the office may register a topic for a person (or for the committee, no proposer) until the
    meeting day. The office is told of a member's topic."""
    permissions.require(actor, "create", Topic)
    permissions.require(actor, "view", meeting)
    if actor.is_person:
        own = getattr(actor, "person", None)
        if proposer is not None and (own is None or proposer.pk != own.pk):
            raise DomainError("委员只能以本人名义提出选题。", field="proposer")
        proposer = own
        if proposer is None:
            raise DomainError("您的账号尚未关联委员信息，不能提出选题。")
        if not topic_collecting(meeting):
            raise DomainError("该会议的选题征集已截止。", field="meeting")
    else:
        if meeting.date < _today():
            raise DomainError("会议已经召开，不能再登记选题。", field="meeting")
        if proposer is not None:
            _person_visible(actor, proposer, "proposer")
    topic = Topic(
        owner_org=meeting.owner_org,
        meeting=meeting,
        title=_required(title, "请填写选题。", "title", 200),
        background=_required(background, "请填写选题背景与建议方向。", "background", TEXT_MAX),
        source=_clean(source)[:TEXT_MAX],
        proposer=proposer,
        proposed_by=actor,
    )
    topic.search_text = search_form(topic.title, topic.background, proposer.name if proposer else "")
    topic.save()
    if actor.is_person:
        notify(
            _office_users(meeting.owner_org),
            "consultations.topic_proposed",
            topic,
            title=f"新选题：{topic.title}",
            body=f"{proposer.name} 为“{meeting.title}”提出了选题。",
            url=reverse("consultations:meeting_topics", args=[meeting.pk]),
        )
    return topic


@transaction.atomic
def topic_note_add(*, actor, topic: Topic, text: str) -> TopicNote:
    """Add a remark to the office's discussion of a topic (only while it is being decided)."""
    permissions.require(actor, "discuss", topic)
    if topic.status not in (TopicStatus.PROPOSED, TopicStatus.SELECTED):
        raise DomainError("该选题已有结论，不能再讨论。", field="text")
    return TopicNote.objects.create(
        topic=topic, author=actor, text=_required(text, "请填写讨论意见。", "text", COMMENT_MAX)
    )


def topic_transition(*, actor, topic: Topic, target: str, note: str = "", into: Topic | None = None) -> Topic:
    """The one status change of a topic (table `workflows.TOPIC`).

    - selected / declined (reason) / merged into `into` (same meeting, still in play, reason): the decision and
      its reason are kept on the topic; topics merged into this one follow it into `into`; the proposer is told.
    - withdrawn: by the proposer (or the office) while still proposed.
    - back to proposed (reconsider, reason): refused while the topic has speech drafts.
    """
    _require_for(TOPIC, actor, topic, target)

    def apply(locked: Topic) -> None:
        if target in (TopicStatus.SELECTED, TopicStatus.DECLINED, TopicStatus.MERGED):
            locked.decision_reason = _clean(note)
            locked.decided_at = timezone.now()
        if target == TopicStatus.MERGED:
            if into is None:
                raise DomainError("请选择要合并到的选题。", field="into")
            if into.pk == locked.pk:
                raise DomainError("不能把选题合并到它自己。", field="into")
            if into.meeting_id != locked.meeting_id:
                raise DomainError("只能合并到同一会议的选题。", field="into")
            if into.status not in (TopicStatus.PROPOSED, TopicStatus.SELECTED):
                raise DomainError("只能合并到待讨论或已入选的选题。", field="into")
            locked.merged_into = into
            Topic.objects.filter(merged_into=locked).update(merged_into=into)
        if target == TopicStatus.PROPOSED:
            if locked.speeches.exclude(status=SpeechStatus.WITHDRAWN).exists():
                raise DomainError("该选题已安排发言稿，不能重新讨论；请先撤销发言。")
            locked.decision_reason = ""
            locked.decided_at = None

    topic = TOPIC.transition(topic, target, actor=actor, note=note, apply=apply)
    _tell_proposer(topic)  # notify() writes in-app rows now and sends e-mail after commit
    return topic


def _tell_proposer(topic: Topic) -> None:
    if topic.proposer_id is None or topic.status not in (
        TopicStatus.SELECTED,
        TopicStatus.DECLINED,
        TopicStatus.MERGED,
    ):
        return
    verdict = {
        TopicStatus.SELECTED: "已入选",
        TopicStatus.DECLINED: "未入选",
        TopicStatus.MERGED: f"已合并到“{topic.merged_into.title if topic.merged_into_id else ''}”",
    }[topic.status]
    notify(
        [topic.proposer],
        "consultations.topic_decided",
        topic,
        title=f"您的选题{verdict}：{topic.title}",
        body=topic.decision_reason,
        url=reverse("consultations:my_topics"),
    )


# ---- speeches ----


@transaction.atomic
def speech_create(
    *,
    actor,
    topic: Topic,
    speaker: Person,
    title: str = "",
    due_date: dt.date | None = None,
    text: str = "",
) -> Speech:
    """Ask a speaker to write a draft on a selected topic (one draft per speaker and topic). The speaker is
    told. `text` is an optional starting text for the speaker's working copy (not a revision)."""
    permissions.require(actor, "create", Speech)
    permissions.require(actor, "view", topic)
    if topic.status != TopicStatus.SELECTED:
        raise DomainError("只能为已入选的选题安排发言。", field="topic")
    _person_visible(actor, speaker, "speaker")
    if Speech.objects.filter(topic=topic, speaker=speaker).exists():
        raise DomainError(f"{speaker.name} 已有该选题的发言稿。", field="speaker")
    speech = Speech(
        owner_org=topic.owner_org,
        meeting_id=topic.meeting_id,
        topic=topic,
        speaker=speaker,
        title=_clean(title)[:200] or topic.title,
        due_date=due_date,
        working_text=_clean(text)[:TEXT_MAX],
    )
    speech.search_text = search_form(speech.title, speaker.name)
    speech.save()
    notify(
        [speaker],
        "consultations.speech_assigned",
        speech,
        title=f"请撰写发言稿：{speech.title}",
        body=f"{topic.meeting.title}" + (f"，请于 {due_date:%Y-%m-%d} 前提交第一稿。" if due_date else "。"),
        url=reverse("consultations:speech_detail", args=[speech.pk]),
    )
    return speech


def _check_writable(speech: Speech) -> None:
    if speech.status in (SpeechStatus.APPROVED, SpeechStatus.DELIVERED):
        raise DomainError("发言稿已定稿，不能再修改。", code="locked")
    if speech.status == SpeechStatus.WITHDRAWN:
        raise DomainError("该发言已撤销，不能再修改。", code="locked")
    if speech.status not in WRITABLE_STATUSES:
        raise DomainError(f"第{_last_number(speech)}稿正在审阅中，请等审阅意见后再修改。", code="in_review")


def _last_number(speech: Speech) -> int:
    return speech.revisions.aggregate(n=Max("number"))["n"] or 0


@transaction.atomic
def speech_save_text(*, actor, speech: Speech, text: str) -> Speech:
    """Save the speaker's working copy (not a revision). Only the speaker, only while writing or returned."""
    permissions.require(actor, "write", speech)
    speech = Speech.objects.select_for_update().get(pk=speech.pk)
    _check_writable(speech)
    text = _newlines(text or "").strip()
    if len(text) > TEXT_MAX:
        raise DomainError(f"发言稿不能超过 {TEXT_MAX:,} 个字，现有 {len(text):,} 个字。", field="text")
    speech.working_text = text
    speech.save(update_fields=["working_text", "updated_at"])
    return speech


def speech_transition(
    *, actor, speech: Speech, target: str, note: str = "", text: str | None = None
) -> Speech:
    """The one status change of a speech draft (table `workflows.SPEECH`). Side effects by target:

    - submitted (the speaker; `text` or the working copy): writes the next immutable `Revision` (1, 2, 3 …)
      with `note` as what changed; refused when empty, too long or identical to the previous revision.
      Reviewers of the owning body are told.
    - returned (a reviewer): needs a comment on the current revision or a note; the speaker is told.
    - approved (a reviewer): the current revision becomes the final text (`approved_revision`); locked.
    - delivered (the office): on or after the meeting day; `delivered_on` is the meeting's date.
    - withdrawn (the office, reason): drops the speech and its place in the speaking order.
    """
    _require_for(SPEECH, actor, speech, target)
    created: list[Revision] = []

    def apply(locked: Speech) -> None:
        if target == SpeechStatus.SUBMITTED:
            body = _newlines(locked.working_text if text is None else text or "").strip()
            if not body:
                raise DomainError("发言稿正文不能为空。", field="text")
            if len(body) > TEXT_MAX:
                raise DomainError(
                    f"发言稿不能超过 {TEXT_MAX:,} 个字，现有 {len(body):,} 个字。", field="text"
                )
            last = locked.revisions.order_by("-number").first()
            if last is not None and last.text == body:
                raise DomainError(f"与第{last.number}稿相比没有修改，请修改后再提交。", field="text")
            number = (last.number if last else 0) + 1
            locked.working_text = body
            created.append(
                Revision.objects.create(
                    speech=locked, number=number, text=body, note=_clean(note)[:500], author=actor
                )
            )
        elif target == SpeechStatus.RETURNED:
            last = locked.revisions.order_by("-number").first()
            if not _clean(note) and not (last and last.comments.exists()):
                raise DomainError("退回修改前，请先提出审阅意见或填写说明。", field="note")
        elif target == SpeechStatus.APPROVED:
            last = locked.revisions.order_by("-number").first()
            locked.approved_revision = last
            locked.approved_at = timezone.now()
            locked.approved_by = actor
        elif target == SpeechStatus.DELIVERED:
            if locked.meeting.date > _today():
                raise DomainError("会议尚未召开，不能登记为已发言。")
            locked.delivered_on = locked.meeting.date
        elif target == SpeechStatus.WITHDRAWN:
            locked.speaking_order = None

    # The speech row is locked by the transition, so two submissions of the same speech take turns.
    speech = SPEECH.transition(speech, target, actor=actor, note=note, apply=apply)
    _tell_about_speech(speech, note)  # notify() writes in-app rows now and sends e-mail after commit
    if created:
        speech.latest_revision = created[0]
    return speech


def _tell_about_speech(speech: Speech, note: str) -> None:
    url = reverse("consultations:speech_detail", args=[speech.pk])
    if speech.status == SpeechStatus.SUBMITTED:
        number = _last_number(speech)
        notify(
            _office_users(speech.owner_org),
            "consultations.speech_submitted",
            speech,
            title=f"发言稿待审阅：{speech.title}（第{number}稿）",
            body=f"{speech.speaker.name} 提交了第{number}稿。",
            url=url,
        )
    elif speech.status in (SpeechStatus.RETURNED, SpeechStatus.APPROVED, SpeechStatus.WITHDRAWN):
        label = {
            SpeechStatus.RETURNED: "请根据审阅意见修改",
            SpeechStatus.APPROVED: "已定稿",
            SpeechStatus.WITHDRAWN: "已撤销",
        }[speech.status]
        notify(
            [speech.speaker],
            "consultations.speech_" + speech.status,
            speech,
            title=f"发言稿{label}：{speech.title}",
            body=note or "",
            url=url,
        )


@transaction.atomic
def comment_add(
    *,
    actor,
    speech: Speech,
    text: str,
    revision: Revision | None = None,
    paragraph: int | None = None,
    quote: str = "",
) -> Comment:
    """A reviewer's comment on a revision (default: the latest): on the whole draft, on paragraph N (from 1),
    or inline on a phrase quoted from that paragraph. Refused on a draft the reviewer may not see (404), on a
    locked draft, for a paragraph that does not exist or a phrase not in it."""
    permissions.require(actor, "comment", speech)
    if speech.is_locked:
        raise DomainError("发言稿已定稿或已撤销，不能再提审阅意见。", code="locked")
    if revision is None:
        revision = speech.revisions.order_by("-number").first()
        if revision is None:
            raise DomainError("发言人还没有提交修改稿，暂不能提意见。")
    elif revision.speech_id != speech.pk:
        raise DomainError("该修改稿不属于这份发言稿。", field="revision")
    text = _required(text, "请填写审阅意见。", "text", COMMENT_MAX)
    quote = _clean(quote)
    paragraphs = revision.paragraphs
    if paragraph is not None:
        if not 1 <= paragraph <= len(paragraphs):
            raise DomainError(
                f"第{revision.number}稿只有 {len(paragraphs)} 段，没有第 {paragraph} 段。", field="paragraph"
            )
        if quote and quote not in paragraphs[paragraph - 1]:
            raise DomainError("引用的原文不在该段中，请从该段复制。", field="quote")
    elif quote:
        where = [i for i, p in enumerate(paragraphs, start=1) if quote in p]
        if not where:
            raise DomainError("引用的原文不在该稿中，请从正文复制。", field="quote")
        paragraph = where[0]
    if len(quote) > 300:
        raise DomainError("引用的原文不能超过 300 个字。", field="quote")
    return Comment.objects.create(
        revision=revision, paragraph=paragraph, quote=quote, text=text, author=actor
    )


@transaction.atomic
def leader_response_add(*, actor, speech: Speech, leader: str, text: str) -> LeaderResponse:
    """Record a leader's answer to a speech at the meeting (approved or delivered speeches; meeting held)."""
    permissions.require(actor, "respond", speech)
    if speech.status not in (SpeechStatus.APPROVED, SpeechStatus.DELIVERED):
        raise DomainError("只能为已定稿的发言登记领导回应。")
    if speech.meeting.date > _today():
        raise DomainError("会议尚未召开，不能登记领导回应。")
    return LeaderResponse.objects.create(
        speech=speech,
        leader=_required(leader, "请填写回应的领导。", "leader", 100),
        text=_required(text, "请填写回应内容。", "text", TEXT_MAX),
        recorded_by=actor,
    )


# ---- follow-up items ----


@transaction.atomic
def followup_create(
    *,
    actor,
    meeting: Meeting,
    title: str,
    description: str = "",
    kind: str = FollowUpKind.OTHER,
    speech: Speech | None = None,
) -> FollowUp:
    """Note something to follow up after a meeting, optionally from one of its speeches."""
    permissions.require(actor, "create", FollowUp)
    permissions.require(actor, "view", meeting)
    if kind not in FollowUpKind.values:
        raise DomainError("事项类型不正确。", field="kind")
    if speech is not None and speech.meeting_id != meeting.pk:
        raise DomainError("该发言不属于本次会议。", field="speech")
    return FollowUp.objects.create(
        owner_org=meeting.owner_org,
        meeting=meeting,
        speech=speech,
        title=_required(title, "请填写事项。", "title", 200),
        description=_clean(description),
        kind=kind,
    )


def _lock_followup(followup: FollowUp) -> FollowUp:
    # Lock the item's row only (the speech is a nullable join, which PostgreSQL cannot lock).
    locked = (
        FollowUp.objects.select_for_update(of=("self",))
        .select_related("meeting", "speech")
        .get(pk=followup.pk)
    )
    if locked.proposal_id or locked.research_topic_id:
        raise DomainError("该事项已转为提案或课题。")
    return locked


@transaction.atomic
def followup_to_proposal(
    *, actor, followup: FollowUp, author: Person | None = None, title: str = "", body: str = ""
):
    """Turn a follow-up item into a proposal draft (`proposals.services.proposal_create_draft`, which checks
    its own rules) by the speaker (or `author`), and keep the link."""
    from proposals.services import proposal_create_draft

    permissions.require(actor, "edit", followup)
    followup = _lock_followup(followup)
    author = author or (followup.speech.speaker if followup.speech_id else None)
    if author is None:
        raise DomainError("请选择提案人。", field="author")
    if not body and followup.speech_id and followup.speech.approved_revision_id:
        body = followup.speech.approved_revision.text
    proposal = proposal_create_draft(
        actor=actor,
        author=author,
        title=_clean(title) or followup.title,
        body=_clean(body) or followup.description,
        owner_org=followup.owner_org,
        origin_note=f"源自{followup.meeting.title}"[:200],
    )
    followup.proposal = proposal
    followup.kind = FollowUpKind.PROPOSAL
    followup.done_at = timezone.now()
    followup.save()
    return proposal


@transaction.atomic
def followup_to_research(
    *,
    actor,
    followup: FollowUp,
    start_date: dt.date,
    end_date: dt.date,
    lead_body: Organisation | None = None,
    partners: Iterable[Organisation] = (),
) -> ResearchTopic:
    """Turn a follow-up item into a research topic (the speaker leads it) and keep the link."""
    permissions.require(actor, "edit", followup)
    followup = _lock_followup(followup)
    participants = [(followup.speech.speaker, ParticipantRole.LEAD)] if followup.speech_id else []
    topic = research_create(
        actor=actor,
        title=followup.title,
        summary=followup.description,
        lead_body=lead_body or followup.owner_org,
        start_date=start_date,
        end_date=end_date,
        partners=partners,
        participants=participants,
        owner_org=followup.owner_org,
    )
    followup.research_topic = topic
    followup.kind = FollowUpKind.RESEARCH
    followup.done_at = timezone.now()
    followup.save()
    return topic


@transaction.atomic
def followup_link(
    *, actor, followup: FollowUp, proposal=None, research_topic: ResearchTopic | None = None
) -> FollowUp:
    """Link a follow-up item to an existing proposal or research topic (both must be visible)."""
    from proposals.models import Proposal

    permissions.require(actor, "edit", followup)
    followup = _lock_followup(followup)
    if proposal is not None:
        if not Proposal.objects.visible_to(actor).filter(pk=proposal.pk).exists():
            raise DomainError("提案不存在或您无权查看。", field="proposal")
        followup.proposal = proposal
        followup.kind = FollowUpKind.PROPOSAL
    if research_topic is not None:
        if not ResearchTopic.objects.visible_to(actor).filter(pk=research_topic.pk).exists():
            raise DomainError("课题不存在或您无权查看。", field="research_topic")
        followup.research_topic = research_topic
        followup.kind = FollowUpKind.RESEARCH
    if proposal is None and research_topic is None:
        raise DomainError("请选择提案或课题。")
    followup.done_at = timezone.now()
    followup.save()
    return followup


@transaction.atomic
def followup_done(*, actor, followup: FollowUp) -> FollowUp:
    """Mark an item as carried out (without a proposal or research topic)."""
    permissions.require(actor, "edit", followup)
    followup = FollowUp.objects.select_for_update().get(pk=followup.pk)
    if followup.done_at:
        raise DomainError("该事项已落实。")
    followup.done_at = timezone.now()
    followup.save()
    return followup


# ---- research topics ----


def _research_fields(
    topic: ResearchTopic, *, title, summary, lead_body, start_date, end_date, external
) -> None:
    topic.title = _required(title, "请填写课题名称。", "title", 200)
    topic.summary = _clean(summary)[:TEXT_MAX]
    if lead_body is None:
        raise DomainError("请选择牵头单位。", field="lead_body")
    if not isinstance(start_date, dt.date):
        raise DomainError("请填写开始日期。", field="start_date")
    if not isinstance(end_date, dt.date):
        raise DomainError("请填写计划结题日期。", field="end_date")
    if end_date < start_date:
        raise DomainError("计划结题日期不能早于开始日期。", field="end_date")
    topic.lead_body = lead_body
    topic.start_date = start_date
    topic.end_date = end_date
    topic.external_participants = _clean(external)[:500]
    topic.search_text = search_form(topic.title, topic.summary, lead_body.name, lead_body.short_name)


def _set_partners(topic: ResearchTopic, partners: Iterable[Organisation]) -> None:
    """Partner bodies — and the lead body when another body keeps the record — see the topic as partners."""
    wanted = {o.pk: o for o in partners}
    if topic.lead_body_id != topic.owner_org_id:
        wanted[topic.lead_body_id] = topic.lead_body
    wanted.pop(topic.owner_org_id, None)
    for share in topic.shares().filter(capacity=ShareCapacity.PARTNER):
        if share.organisation_id not in wanted:
            unshare(topic, share.organisation, ShareCapacity.PARTNER)
    for org in wanted.values():
        share_with(topic, org, ShareCapacity.PARTNER)


def _set_participants(actor, topic: ResearchTopic, participants) -> None:
    seen: dict[int, str] = {}
    for person, role in participants:
        if role not in ParticipantRole.values:
            raise DomainError("参与角色不正确。", field="participants")
        _person_visible(actor, person, "participants")
        if person.pk in seen:
            raise DomainError(f"{person.name} 重复出现在参与人中。", field="participants")
        seen[person.pk] = role
    if sum(1 for r in seen.values() if r == ParticipantRole.LEAD) > 1:
        raise DomainError("每个课题只能有一位课题负责人。", field="participants")
    ResearchParticipant.objects.filter(topic=topic).exclude(person_id__in=seen).delete()
    have = {p.person_id: p for p in ResearchParticipant.objects.filter(topic=topic)}
    # Demote a changed lead first, so the one-lead constraint holds at every statement.
    for pid, row in have.items():
        if row.role != seen[pid] and row.role == ParticipantRole.LEAD:
            row.role = seen[pid]
            row.save()
    for pid, role in seen.items():
        row = have.get(pid)
        if row is None:
            ResearchParticipant.objects.create(topic=topic, person_id=pid, role=role)
        elif row.role != role:
            row.role = role
            row.save()


@transaction.atomic
def research_create(
    *,
    actor,
    title: str,
    lead_body: Organisation,
    start_date: dt.date,
    end_date: dt.date,
    summary: str = "",
    partners: Iterable[Organisation] = (),
    participants: Iterable[tuple[Person, str]] = (),
    external_participants: str = "",
    owner_org: Organisation | None = None,
) -> ResearchTopic:
    """Register a research topic kept by the actor's body, with its lead body, partner bodies (shared as
    partners so their users see it) and participants (at most one lead person)."""
    permissions.require(actor, "create", ResearchTopic)
    topic = ResearchTopic(owner_org=owner_org or _home_org(actor))
    _research_fields(
        topic,
        title=title,
        summary=summary,
        lead_body=lead_body,
        start_date=start_date,
        end_date=end_date,
        external=external_participants,
    )
    topic.save()
    _set_partners(topic, partners)
    _set_participants(actor, topic, participants)
    return topic


@transaction.atomic
def research_update(
    *,
    actor,
    topic: ResearchTopic,
    title: str,
    lead_body: Organisation,
    start_date: dt.date,
    end_date: dt.date,
    summary: str = "",
    partners: Iterable[Organisation] | None = None,
    participants: Iterable[tuple[Person, str]] | None = None,
    external_participants: str = "",
) -> ResearchTopic:
    """Change a research topic's facts, partners and participants. Its dates must still hold its milestones."""
    permissions.require(actor, "edit", topic)
    topic = ResearchTopic.objects.select_for_update().get(pk=topic.pk)
    _research_fields(
        topic,
        title=title,
        summary=summary,
        lead_body=lead_body,
        start_date=start_date,
        end_date=end_date,
        external=external_participants,
    )
    outside = topic.milestones.exclude(due_date__range=(start_date, end_date)).first()
    if outside is not None:
        raise DomainError(
            f"进度节点“{outside.title}”（{outside.due_date:%Y-%m-%d}）不在新的课题日期范围内。",
            field="end_date",
        )
    topic.save()
    if partners is not None or topic.lead_body_id != topic.owner_org_id:
        current = [s.organisation for s in topic.shares().filter(capacity=ShareCapacity.PARTNER)]
        _set_partners(topic, current if partners is None else partners)
    if participants is not None:
        _set_participants(actor, topic, participants)
    return topic


def research_transition(
    *,
    actor,
    topic: ResearchTopic,
    target: str,
    note: str = "",
    adopted_by: Organisation | None = None,
    adopted_level: str = "",
    adopted_on: dt.date | None = None,
    outcome: str = "",
) -> ResearchTopic:
    """The one status change of a research topic (table `workflows.RESEARCH`). Adopted needs the adopting
    body and the outcome (what changed); its level defaults to the body's level."""
    _require_for(RESEARCH, actor, topic, target)

    def apply(locked: ResearchTopic) -> None:
        if target == ResearchStatus.ADOPTED:
            if adopted_by is None:
                raise DomainError("请选择采纳单位。", field="adopted_by")
            level = adopted_level or adopted_by.level
            if level not in OrgLevel.values:
                raise DomainError("采纳层级不正确。", field="adopted_level")
            locked.adopted_by = adopted_by
            locked.adopted_level = level
            locked.adopted_on = adopted_on or _today()
            locked.outcome = _required(outcome, "请填写成效（采纳后发生了什么变化）。", "outcome", TEXT_MAX)

    return RESEARCH.transition(topic, target, actor=actor, note=note, apply=apply)


@transaction.atomic
def milestone_add(
    *,
    actor,
    topic: ResearchTopic,
    title: str,
    due_date: dt.date,
    note: str = "",
    done_on: dt.date | None = None,
) -> Milestone:
    """Add a step to a topic's plan. Its due date must lie within the topic's dates."""
    permissions.require(actor, "edit", topic)
    if topic.status in (ResearchStatus.CANCELLED,):
        raise DomainError("课题已终止，不能再添加进度节点。")
    if not isinstance(due_date, dt.date):
        raise DomainError("请填写计划完成日期。", field="due_date")
    if due_date > topic.end_date:
        raise DomainError(
            f"节点日期不能晚于课题的计划结题日期（{topic.end_date:%Y-%m-%d}）。", field="due_date"
        )
    if due_date < topic.start_date:
        raise DomainError(
            f"节点日期不能早于课题的开始日期（{topic.start_date:%Y-%m-%d}）。", field="due_date"
        )
    if done_on is not None and done_on > _today():
        raise DomainError("实际完成日期不能在今天之后。", field="done_on")
    return Milestone.objects.create(
        topic=topic,
        title=_required(title, "请填写节点名称。", "title", 200),
        due_date=due_date,
        done_on=done_on,
        note=_clean(note)[:500],
    )


@transaction.atomic
def milestone_done(*, actor, milestone: Milestone, done_on: dt.date | None = None) -> Milestone:
    """Mark a milestone done (today by default; never in the future)."""
    permissions.require(actor, "edit", milestone.topic)
    done_on = done_on or _today()
    if done_on > _today():
        raise DomainError("实际完成日期不能在今天之后。", field="done_on")
    milestone.done_on = done_on
    milestone.save()
    return milestone


@transaction.atomic
def research_link_trip(*, actor, topic: ResearchTopic, activity) -> None:
    """Link a field trip (an activity the actor sees) to the topic."""
    permissions.require(actor, "edit", topic)
    _check_activity(actor, activity)
    topic.field_trips.add(activity)


@transaction.atomic
def research_link_proposal(*, actor, topic: ResearchTopic, proposal) -> None:
    """Record that the topic led to a proposal (one the actor sees)."""
    from proposals.models import Proposal

    permissions.require(actor, "edit", topic)
    if not Proposal.objects.visible_to(actor).filter(pk=proposal.pk).exists():
        raise DomainError("提案不存在或您无权查看。", field="proposal")
    topic.proposals.add(proposal)


@transaction.atomic
def output_add(
    *,
    actor,
    topic: ResearchTopic,
    title: str,
    completed_on: dt.date,
    kind: str = OutputKind.REPORT,
    summary: str = "",
    upload=None,
    authors: Iterable[Person] = (),
) -> ResearchOutput:
    """Add an output (report, article …) with its authors and an optional file (PDF, Word/Excel, image),
    checked by `core.uploads.validate_upload`. Not dated before the topic started nor in the future."""
    permissions.require(actor, "edit", topic)
    if kind not in OutputKind.values:
        raise DomainError("成果类型不正确。", field="kind")
    title = _required(title, "请填写成果名称。", "title", 200)
    if not isinstance(completed_on, dt.date):
        raise DomainError("请填写完成日期。", field="completed_on")
    if completed_on < topic.start_date:
        raise DomainError("成果完成日期不能早于课题开始日期。", field="completed_on")
    if completed_on > _today():
        raise DomainError("成果完成日期不能在今天之后。", field="completed_on")
    authors = list({p.pk: p for p in authors}.values())
    for person in authors:
        _person_visible(actor, person, "authors")
    clean = validate_upload(upload, kinds=(PDF, OFFICE, IMAGE)) if upload is not None else None
    output = ResearchOutput(
        topic=topic, kind=kind, title=title, summary=_clean(summary), completed_on=completed_on
    )
    if clean is not None:
        output.file.save(clean.name, clean, save=False)
    output.save()
    if authors:
        output.authors.set(authors)
    return output
