"""Reads of consultation meetings, topics, speech drafts and research topics. Every list starts from
`visible_to(user)` and is shaped here (select_related / prefetch_related / annotate) so pages, exports and the
API run a fixed number of queries whatever the number of rows.

The counting functions at the end (`speech_counts_for`, `research_counts_for` and the records behind them)
serve the performance archive and statistics: one grouped query each; the caller decides who may see them.
The archive's items `speech` and `research_output` read `speech_counts_by_person` / `speech_records` and
`research_output_counts_by_person` / `research_output_records` (periods [start, end) as for every item).
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable

from django.contrib.contenttypes.models import ContentType
from django.db.models import Count, F, Max, Prefetch, Q
from django.utils import timezone

from core.text import normalise, words
from organisations.models import Share, ShareCapacity

from .models import (
    Comment,
    FollowUp,
    LeaderResponse,
    Meeting,
    Milestone,
    ResearchOutput,
    ResearchParticipant,
    ResearchStatus,
    ResearchTopic,
    Speech,
    SpeechStatus,
    Topic,
    TopicStatus,
)

# ---- meetings ----


def meeting_list(*, user, q: str = "", year: int | None = None, kind: str = ""):
    """Meetings the user sees, with topic and speech counts (annotated, no per-row queries)."""
    qs = Meeting.objects.visible_to(user)
    if q:
        qs = qs.filter(search_text__contains=normalise(q))
    if year:
        qs = qs.filter(date__year=year)
    if kind:
        qs = qs.filter(kind=kind)
    return qs.select_related("activity").annotate(
        topic_count=Count("topics", distinct=True),
        selected_count=Count("topics", filter=Q(topics__status=TopicStatus.SELECTED), distinct=True),
        speech_count=Count("speeches", filter=~Q(speeches__status=SpeechStatus.WITHDRAWN), distinct=True),
    )


def topics_of(*, user, meeting: Meeting):
    """The topics of a meeting the user sees (a member: own and selected ones), oldest first."""
    return (
        Topic.objects.visible_to(user)
        .filter(meeting=meeting)
        .select_related("proposer", "merged_into")
        .annotate(note_count=Count("notes", distinct=True))
        .order_by("id")
    )


def topic_notes(topic: Topic):
    return topic.notes.select_related("author").order_by("created_at", "id")


def similar_topic_pairs(topics: Iterable[Topic], *, threshold: float = 0.3, limit: int = 10) -> list[dict]:
    """Pairs of topics still in play that share many words (jieba, both scripts), most similar first: the
    candidates for merging. Jaccard similarity of the word sets of title (twice) and background; computed in
    Python because a meeting has tens of topics, not thousands."""
    live = [t for t in topics if t.status in (TopicStatus.PROPOSED, TopicStatus.SELECTED)]
    bags = {t.pk: set(words(f"{t.title} {t.title} {t.background}")) for t in live}
    pairs = []
    for i, a in enumerate(live):
        for b in live[i + 1 :]:
            wa, wb = bags[a.pk], bags[b.pk]
            if not wa or not wb:
                continue
            score = len(wa & wb) / len(wa | wb)
            if score >= threshold:
                pairs.append({"a": a, "b": b, "score": round(score * 100)})
    pairs.sort(key=lambda p: -p["score"])
    return pairs[:limit]


def speech_rows(qs):
    """Shape a speech queryset for a list: meeting, topic, speaker and the revision count in the same query."""
    return qs.select_related("meeting", "topic", "speaker").annotate(
        revision_count=Count("revisions", distinct=True),
        last_revision_at=Max("revisions__created_at"),
        response_count=Count("responses", distinct=True),
    )


def speeches_of(*, user, meeting: Meeting):
    """The meeting's speeches the user sees, in speaking order (unplaced ones last)."""
    qs = Speech.objects.visible_to(user).filter(meeting=meeting)
    return speech_rows(qs).order_by(F("speaking_order").asc(nulls_last=True), "id")


def speech_detail(speech: Speech) -> dict:
    """Revisions (newest first) with their comments, the leaders' responses, the follow-ups: four queries."""
    revisions = list(
        speech.revisions.select_related("author")
        .prefetch_related(Prefetch("comments", queryset=Comment.objects.select_related("author")))
        .order_by("-number")
    )
    responses = list(speech.responses.select_related("recorded_by").order_by("id"))
    followups = list(speech.followups.select_related("proposal", "research_topic").order_by("id"))
    return {"revisions": revisions, "responses": responses, "followups": followups}


def responses_of(meeting: Meeting):
    return LeaderResponse.objects.filter(speech__meeting=meeting).order_by("speech_id", "id")


def followups_of(*, user, meeting: Meeting):
    return (
        FollowUp.objects.visible_to(user)
        .filter(meeting=meeting)
        .select_related("speech__speaker", "proposal", "research_topic")
        .order_by("id")
    )


# ---- members' side ----


def my_topics(*, user):
    person = getattr(user, "person", None) if user.is_person else None
    if person is None:
        return Topic.objects.none()
    return (
        Topic.objects.visible_to(user)
        .filter(proposer=person)
        .select_related("meeting", "merged_into")
        .order_by("-meeting__date", "-id")
    )


def my_speeches(*, user):
    person = getattr(user, "person", None) if user.is_person else None
    if person is None:
        return Speech.objects.none()
    qs = Speech.objects.visible_to(user).filter(speaker=person)
    return (
        speech_rows(qs)
        .annotate(
            comment_count=Count("revisions__comments", distinct=True),
        )
        .order_by("-meeting__date", "-id")
    )


def my_research_roles(*, user):
    person = getattr(user, "person", None) if user.is_person else None
    if person is None:
        return ResearchParticipant.objects.none()
    return (
        ResearchParticipant.objects.filter(
            person=person, topic__in=ResearchTopic.objects.visible_to(user).values("pk")
        )
        .select_related("topic", "topic__lead_body")
        .order_by("-topic__start_date", "-id")
    )


# ---- work queues (home page) ----


def speeches_to_revise(*, user):
    """A speaker's drafts waiting for him or her: returned with comments, or not yet submitted; oldest first."""
    person = getattr(user, "person", None) if user.is_person else None
    if person is None:
        return Speech.objects.none()
    qs = Speech.objects.visible_to(user).filter(
        speaker=person, status__in=(SpeechStatus.RETURNED, SpeechStatus.DRAFTING)
    )
    return speech_rows(qs).order_by("updated_at", "id")


def speeches_awaiting_review(*, user):
    """Submitted drafts of the bodies the user reviews, the longest-waiting first."""
    qs = Speech.objects.visible_to(user).filter(status=SpeechStatus.SUBMITTED)
    return speech_rows(qs).order_by("last_revision_at", "id")


# ---- research topics ----


def research_list(*, user, q: str = "", status: str = "", year: int | None = None, partner: str = ""):
    """Research topics the user sees, with their lead body and counts (annotated)."""
    qs = ResearchTopic.objects.visible_to(user)
    if q:
        qs = qs.filter(search_text__contains=normalise(q))
    if status:
        qs = qs.filter(status=status)
    if year:
        qs = qs.filter(start_date__year__lte=year, end_date__year__gte=year)
    if partner.isdigit():
        ct = ContentType.objects.get_for_model(ResearchTopic)
        shared = Share.objects.filter(
            content_type=ct, organisation_id=int(partner), capacity=ShareCapacity.PARTNER
        ).values("object_id")
        qs = qs.filter(Q(pk__in=shared) | Q(lead_body_id=int(partner)))
    return qs.select_related("lead_body", "adopted_by").annotate(
        output_count=Count("outputs", distinct=True),
        participant_count=Count("participants", distinct=True),
        milestone_count=Count("milestones", distinct=True),
        milestones_done=Count("milestones", filter=Q(milestones__done_on__isnull=False), distinct=True),
    )


def partners_for(topic_ids: Iterable[int]) -> dict[int, list]:
    """Partner bodies of many research topics in one query: {topic id: [Organisation …]}."""
    ct = ContentType.objects.get_for_model(ResearchTopic)
    out: dict[int, list] = defaultdict(list)
    for share in (
        Share.objects.filter(content_type=ct, object_id__in=list(topic_ids), capacity=ShareCapacity.PARTNER)
        .select_related("organisation")
        .order_by("organisation__path")
    ):
        out[share.object_id].append(share.organisation)
    return out


def research_detail(topic: ResearchTopic) -> dict:
    return {
        "partners": partners_for([topic.pk]).get(topic.pk, []),
        "participants": list(topic.participants.select_related("person").order_by("role", "id")),
        "milestones": list(topic.milestones.order_by("due_date", "id")),
        "outputs": list(topic.outputs.prefetch_related("authors").order_by("completed_on", "id")),
        "trips": list(topic.field_trips.order_by("starts_at")),
        "proposals": list(topic.proposals.select_related("author").order_by("id")),
        "followups": list(topic.source_followups.select_related("meeting").order_by("id")),
    }


def overdue_milestones(*, user, today: dt.date | None = None):
    today = today or timezone.localdate()
    return Milestone.objects.filter(
        topic__in=ResearchTopic.objects.visible_to(user).values("pk"),
        done_on__isnull=True,
        due_date__lt=today,
    ).select_related("topic")


# ---- counting for the archive and statistics ----


def _delivered(start: dt.date | None, end: dt.date | None):
    qs = Speech.objects.filter(status=SpeechStatus.DELIVERED)
    if start:
        qs = qs.filter(delivered_on__gte=start)
    if end:
        qs = qs.filter(delivered_on__lte=end)
    return qs


def speech_counts_for(
    person_ids: Iterable[int] | None = None, *, start: dt.date | None = None, end: dt.date | None = None
) -> dict[int, int]:
    """Speeches given (approved drafts delivered at a meeting) per person in [start, end]: one grouped query."""
    qs = _delivered(start, end)
    if person_ids is not None:
        qs = qs.filter(speaker_id__in=list(person_ids))
    return dict(qs.values_list("speaker_id").annotate(n=Count("pk")).values_list("speaker_id", "n"))


def speeches_given(person_id: int, *, start: dt.date | None = None, end: dt.date | None = None):
    """The records behind `speech_counts_for`: one person's delivered speeches, with meeting and final text."""
    return (
        _delivered(start, end)
        .filter(speaker_id=person_id)
        .select_related("meeting", "topic", "approved_revision")
        .order_by("delivered_on", "id")
    )


def _outputs(start: dt.date | None, end: dt.date | None):
    qs = ResearchOutput.authors.through.objects.exclude(
        researchoutput__topic__status=ResearchStatus.CANCELLED
    )
    if start:
        qs = qs.filter(researchoutput__completed_on__gte=start)
    if end:
        qs = qs.filter(researchoutput__completed_on__lte=end)
    return qs


def _participations(start: dt.date | None, end: dt.date | None):
    # A participation counts in every period the topic's dates overlap.
    qs = ResearchParticipant.objects.exclude(topic__status=ResearchStatus.CANCELLED)
    if start:
        qs = qs.filter(topic__end_date__gte=start)
    if end:
        qs = qs.filter(topic__start_date__lte=end)
    return qs


def research_output_counts_for(
    person_ids: Iterable[int] | None = None, *, start: dt.date | None = None, end: dt.date | None = None
) -> dict[int, int]:
    """Research outputs authored per person, completed in [start, end]: one grouped query."""
    qs = _outputs(start, end)
    if person_ids is not None:
        qs = qs.filter(person_id__in=list(person_ids))
    return dict(qs.values_list("person_id").annotate(n=Count("pk")).values_list("person_id", "n"))


def research_participation_counts_for(
    person_ids: Iterable[int] | None = None, *, start: dt.date | None = None, end: dt.date | None = None
) -> dict[int, int]:
    """Research topics taken part in per person (any role) whose dates overlap [start, end]: one query."""
    qs = _participations(start, end)
    if person_ids is not None:
        qs = qs.filter(person_id__in=list(person_ids))
    return dict(qs.values_list("person_id").annotate(n=Count("pk")).values_list("person_id", "n"))


def research_counts_for(
    person_ids: Iterable[int] | None = None, *, start: dt.date | None = None, end: dt.date | None = None
) -> dict[int, dict[str, int]]:
    """{person id: {"outputs": n, "participations": m}} — two grouped queries."""
    outputs = research_output_counts_for(person_ids, start=start, end=end)
    parts = research_participation_counts_for(person_ids, start=start, end=end)
    return {
        pid: {"outputs": outputs.get(pid, 0), "participations": parts.get(pid, 0)}
        for pid in set(outputs) | set(parts)
    }


def research_outputs_of(person_id: int, *, start: dt.date | None = None, end: dt.date | None = None):
    """The records behind the output count: one person's research outputs, with their topic."""
    ids = _outputs(start, end).filter(person_id=person_id).values("researchoutput_id")
    return ResearchOutput.objects.filter(pk__in=ids).select_related("topic").order_by("completed_on", "id")


def research_participations_of(person_id: int, *, start: dt.date | None = None, end: dt.date | None = None):
    """The records behind the participation count: one person's roles in research topics."""
    return (
        _participations(start, end)
        .filter(person_id=person_id)
        .select_related("topic", "topic__lead_body")
        .order_by("topic__start_date", "id")
    )


# ---- sources of the archive's items (archives/items.py): periods [start, end), `persons` limits ----


def _speeches_in(*, start: dt.date, end: dt.date):
    """Speeches counted by the archive: delivered at a meeting (so approved: delivery needs a final text),
    dated by the day delivered. Drafts, returned, approved but not yet delivered, and withdrawn speeches
    count nothing."""
    return Speech.objects.filter(status=SpeechStatus.DELIVERED, delivered_on__gte=start, delivered_on__lt=end)


def speech_counts_by_person(*, start: dt.date, end: dt.date, persons=None) -> dict[int, dict[str, int]]:
    """{person id: {"delivered": n}}: speeches delivered in [start, end) per speaker (one per topic and
    speaker, a database constraint). One grouped query; the caller decides who may see these counts."""
    qs = _speeches_in(start=start, end=end)
    if persons is not None:
        qs = qs.filter(speaker_id__in=persons)
    rows = qs.values("speaker_id").annotate(n=Count("pk")).order_by()
    return {r["speaker_id"]: {"delivered": r["n"]} for r in rows}


def speech_records(*, start: dt.date, end: dt.date, person_id: int):
    """The speeches behind one person's count, with their meeting."""
    return (
        _speeches_in(start=start, end=end)
        .filter(speaker_id=person_id)
        .select_related("meeting", "topic")
        .order_by("delivered_on", "id")
    )


def _authorships_in(*, start: dt.date, end: dt.date):
    """Authorships of research outputs completed in [start, end), of topics not cancelled: an output
    counts once for each of its authors (the persons named on it), whatever their role in the topic."""
    return ResearchOutput.authors.through.objects.filter(
        researchoutput__completed_on__gte=start, researchoutput__completed_on__lt=end
    ).exclude(researchoutput__topic__status=ResearchStatus.CANCELLED)


def research_output_counts_by_person(
    *, start: dt.date, end: dt.date, persons=None
) -> dict[int, dict[str, int]]:
    """{person id: {"outputs": n}}: research outputs authored, completed in [start, end). One grouped query."""
    qs = _authorships_in(start=start, end=end)
    if persons is not None:
        qs = qs.filter(person_id__in=persons)
    rows = qs.values("person_id").annotate(n=Count("pk")).order_by()
    return {r["person_id"]: {"outputs": r["n"]} for r in rows}


def research_output_records(*, start: dt.date, end: dt.date, person_id: int):
    """The research outputs behind one person's count, with their topic."""
    ids = _authorships_in(start=start, end=end).filter(person_id=person_id).values("researchoutput_id")
    return ResearchOutput.objects.filter(pk__in=ids).select_related("topic").order_by("completed_on", "id")
