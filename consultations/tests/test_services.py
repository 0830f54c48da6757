import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from accounts.tests.factories import UserFactory
from consultations import selectors, services
from consultations.models import (
    Comment,
    ParticipantRole,
    ResearchStatus,
    ResearchTopic,
    Revision,
    Speech,
    SpeechStatus,
    Topic,
    TopicStatus,
)
from consultations.workflows import RESEARCH, SPEECH, TOPIC, allowed_pairs
from core.errors import DomainError, PermissionRefused
from core.roles import Role
from members.tests.factories import PersonFactory

from .factories import (
    DRAFT_1,
    DRAFT_2,
    DRAFT_3,
    drafted_three_times,
    make_meeting,
    make_topic,
    select,
    submit,
)

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate


# ---- meetings and topics ----


def test_a_member_cannot_register_a_meeting(users):
    with pytest.raises(PermissionRefused):
        make_meeting(users["member"])


def test_topic_deadline_after_the_meeting_is_refused(users):
    with pytest.raises(DomainError, match="不能晚于召开日期"):
        make_meeting(
            users["staff"], date=TODAY() + dt.timedelta(days=3), topic_deadline=TODAY() + dt.timedelta(days=5)
        )


def test_member_proposes_a_topic_in_his_own_name_and_the_office_is_told(users, meeting, member_person):
    topic = make_topic(users["member"], meeting)
    assert topic.proposer == member_person and topic.status == TopicStatus.PROPOSED
    assert users["staff"].notifications.filter(event="consultations.topic_proposed").exists()


def test_member_cannot_propose_in_someone_elses_name(users, meeting, advisor_person):
    with pytest.raises(DomainError, match="本人名义"):
        make_topic(users["member"], meeting, proposer=advisor_person)
    assert not Topic.objects.exists()


def test_topics_are_refused_after_the_collection_closes(users):
    meeting = make_meeting(users["staff"], date=TODAY() + dt.timedelta(days=5), topic_deadline=TODAY())
    make_topic(users["member"], meeting)  # the deadline day itself is still open
    meeting = services.meeting_update(
        actor=users["staff"],
        meeting=meeting,
        title=meeting.title,
        kind=meeting.kind,
        date=meeting.date,
        topic_deadline=TODAY() - dt.timedelta(days=1),
    )
    with pytest.raises(DomainError, match="征集已截止"):
        make_topic(users["member"], meeting)


def test_empty_topic_is_refused_in_chinese(users, meeting):
    with pytest.raises(DomainError) as exc:
        make_topic(users["member"], meeting, title="  ")
    assert exc.value.field == "title" and "请填写" in exc.value.message


def test_declining_needs_a_reason_and_members_cannot_decide(users, meeting):
    topic = make_topic(users["member"], meeting)
    with pytest.raises(PermissionRefused):
        select(users["member"], topic)
    with pytest.raises(DomainError, match="需要填写说明"):
        services.topic_transition(actor=users["staff"], topic=topic, target=TopicStatus.DECLINED)
    topic = services.topic_transition(
        actor=users["leader"], topic=topic, target=TopicStatus.DECLINED, note="与其他选题重复"
    )
    assert topic.status == TopicStatus.DECLINED and topic.decision_reason == "与其他选题重复"
    assert users["member"].notifications.filter(event="consultations.topic_decided").exists()


def test_merging_moves_the_topic_and_those_merged_into_it(users, meeting):
    a = make_topic(users["member"], meeting, title="港澳青年就业")
    b = make_topic(users["advisor"], meeting, title="港澳青年创业")
    c = make_topic(users["staff"], meeting, title="港澳青年来穗发展")
    services.topic_transition(actor=users["staff"], topic=a, target=TopicStatus.MERGED, note="相近", into=b)
    services.topic_transition(actor=users["staff"], topic=b, target=TopicStatus.MERGED, note="相近", into=c)
    a.refresh_from_db()
    assert a.merged_into == c
    with pytest.raises(DomainError, match="自己"):
        services.topic_transition(actor=users["staff"], topic=c, target=TopicStatus.MERGED, note="x", into=c)


def test_members_see_their_own_topics_and_the_selected_ones_only(users, meeting):
    own = make_topic(users["member"], meeting, title="我的选题")
    others = make_topic(users["advisor"], meeting, title="顾问的选题")
    chosen = select(users["staff"], make_topic(users["advisor"], meeting, title="入选的选题"))
    seen = set(Topic.objects.visible_to(users["member"]).values_list("pk", flat=True))
    assert seen == {own.pk, chosen.pk}
    assert others.pk in set(Topic.objects.visible_to(users["staff"]).values_list("pk", flat=True))
    assert not Topic.objects.visible_to(users["other_staff"]).exists()


def test_similar_topics_are_suggested_for_merging(users, meeting):
    make_topic(users["member"], meeting, title="支持港澳青年在穗创新创业", background="港澳青年创业基地")
    make_topic(users["advisor"], meeting, title="支持港澳青年来穗创新创业", background="港澳青年创业补贴")
    make_topic(users["staff"], meeting, title="完善跨境医疗结算", background="港澳居民就医结算")
    pairs = selectors.similar_topic_pairs(Topic.objects.filter(meeting=meeting))
    assert len(pairs) == 1 and "创新创业" in pairs[0]["a"].title


def test_reconsidering_a_topic_with_a_draft_is_refused(users, speech, selected_topic):
    with pytest.raises(DomainError, match="已安排发言稿"):
        services.topic_transition(
            actor=users["staff"], topic=selected_topic, target=TopicStatus.PROPOSED, note="再议"
        )


# ---- speeches ----


def test_a_speech_needs_a_selected_topic_and_one_per_speaker(
    users, meeting, member_person, selected_topic, speech
):
    proposed = make_topic(users["advisor"], meeting)
    with pytest.raises(DomainError, match="已入选"):
        services.speech_create(actor=users["staff"], topic=proposed, speaker=member_person)
    with pytest.raises(DomainError, match="已有该选题的发言稿"):
        services.speech_create(actor=users["staff"], topic=selected_topic, speaker=member_person)
    assert users["member"].notifications.filter(event="consultations.speech_assigned").count() == 1


def test_revisions_are_numbered_and_never_lost(users, speech):
    speech = drafted_three_times(users, speech)
    revisions = list(Revision.objects.filter(speech=speech).order_by("number"))
    assert [r.number for r in revisions] == [1, 2, 3]
    assert [r.text for r in revisions] == [DRAFT_1, DRAFT_2, DRAFT_3]
    assert speech.status == SpeechStatus.SUBMITTED
    with pytest.raises(DomainError, match="不能更改"):
        revisions[0].text = "改写历史"
        revisions[0].save()
    with pytest.raises(DomainError, match="不能删除"):
        revisions[0].delete()
    assert Revision.objects.get(speech=speech, number=1).text == DRAFT_1


def test_only_the_speaker_may_submit_a_revision(users, speech):
    with pytest.raises(PermissionRefused, match="只有发言人本人"):
        submit(users["staff"], speech, DRAFT_1)
    with pytest.raises(Http404):  # another member does not even see the draft
        submit(users["advisor"], speech, DRAFT_1)
    with pytest.raises(PermissionRefused):
        services.speech_save_text(actor=users["staff"], speech=speech, text="代写")
    assert not Revision.objects.exists()


def test_an_unchanged_or_empty_revision_is_refused(users, speech):
    with pytest.raises(DomainError, match="不能为空"):
        submit(users["member"], speech, "   ")
    speech = submit(users["member"], speech, DRAFT_1)
    services.speech_transition(
        actor=users["staff"], speech=speech, target=SpeechStatus.RETURNED, note="请补充"
    )
    with pytest.raises(DomainError, match="没有修改"):
        submit(users["member"], speech, DRAFT_1)
    assert Revision.objects.filter(speech=speech).count() == 1


def test_a_draft_under_review_cannot_be_edited_by_the_speaker(users, speech):
    speech = submit(users["member"], speech, DRAFT_1)
    with pytest.raises(DomainError, match="正在审阅"):
        services.speech_save_text(actor=users["member"], speech=speech, text=DRAFT_2)


def test_returning_needs_a_comment_or_a_note(users, speech):
    speech = submit(users["member"], speech, DRAFT_1)
    with pytest.raises(DomainError, match="审阅意见"):
        services.speech_transition(actor=users["staff"], speech=speech, target=SpeechStatus.RETURNED)
    speech = services.speech_transition(
        actor=users["staff"], speech=speech, target=SpeechStatus.RETURNED, note="请精简"
    )
    assert speech.status == SpeechStatus.RETURNED
    assert users["member"].notifications.filter(event="consultations.speech_returned").exists()


def test_approval_locks_the_text(users, speech):
    speech = drafted_three_times(users, speech)
    speech = services.speech_transition(actor=users["leader"], speech=speech, target=SpeechStatus.APPROVED)
    assert speech.approved_revision.number == 3 and speech.approved_by == users["leader"]
    with pytest.raises(DomainError, match="已定稿，不能再修改"):
        services.speech_save_text(actor=users["member"], speech=speech, text="定稿后再改")
    with pytest.raises(DomainError, match="不能执行"):
        submit(users["member"], speech, "定稿后再交一稿")
    with pytest.raises(DomainError, match="不能再提审阅意见"):
        services.comment_add(actor=users["staff"], speech=speech, text="再改改")
    speech.refresh_from_db()
    assert speech.working_text == DRAFT_3 and Revision.objects.filter(speech=speech).count() == 3


def test_a_reviewer_who_may_not_see_the_draft_cannot_comment(users, speech):
    submit(users["member"], speech, DRAFT_1)
    with pytest.raises(Http404):
        services.comment_add(actor=users["other_staff"], speech=speech, text="我来提意见")
    with pytest.raises(PermissionRefused):
        services.comment_add(actor=users["member"], speech=speech, text="自己给自己提意见")
    assert not Comment.objects.exists()


def test_inline_comment_must_quote_the_paragraph(users, speech):
    speech = submit(users["member"], speech, DRAFT_1)
    with pytest.raises(DomainError, match="没有第 9 段"):
        services.comment_add(actor=users["staff"], speech=speech, paragraph=9, text="x")
    with pytest.raises(DomainError, match="不在该段"):
        services.comment_add(actor=users["staff"], speech=speech, paragraph=1, quote="南沙", text="x")
    c = services.comment_add(actor=users["staff"], speech=speech, quote="一站式服务", text="具体指什么？")
    assert c.paragraph == 2 and c.revision.number == 1


def test_speech_transition_table_by_role(users, speech):
    """Every pair of the table is allowed only to the roles that hold its action."""
    pairs = allowed_pairs(SPEECH)
    assert (SpeechStatus.SUBMITTED, SpeechStatus.APPROVED) in pairs
    assert (SpeechStatus.APPROVED, SpeechStatus.RETURNED) not in pairs
    assert (SpeechStatus.DELIVERED, SpeechStatus.SUBMITTED) not in pairs
    assert allowed_pairs(TOPIC) and allowed_pairs(RESEARCH)


def test_delivery_waits_for_the_meeting_and_counts_for_the_speaker(users, speech, member_person):
    speech = submit(users["member"], speech, DRAFT_1)
    speech = services.speech_transition(actor=users["staff"], speech=speech, target=SpeechStatus.APPROVED)
    with pytest.raises(DomainError, match="尚未召开"):
        services.speech_transition(actor=users["staff"], speech=speech, target=SpeechStatus.DELIVERED)
    with pytest.raises(DomainError, match="尚未召开"):
        services.leader_response_add(actor=users["staff"], speech=speech, leader="市长", text="很好")
    type(speech.meeting).objects.filter(pk=speech.meeting_id).update(date=TODAY() - dt.timedelta(days=1))
    speech.refresh_from_db()
    speech = services.speech_transition(actor=users["staff"], speech=speech, target=SpeechStatus.DELIVERED)
    assert speech.delivered_on == TODAY() - dt.timedelta(days=1)
    services.leader_response_add(
        actor=users["staff"], speech=speech, leader="市长", text="建议很好，请市发改委研究"
    )
    year = TODAY().year
    assert selectors.speech_counts_for([member_person.pk], start=dt.date(year - 1, 1, 1)) == {
        member_person.pk: 1
    }
    assert list(selectors.speeches_given(member_person.pk)) == [speech]


def test_speaking_order_is_set_in_one_go(users, selected_topic, member_person, advisor_person):
    a = services.speech_create(actor=users["staff"], topic=selected_topic, speaker=member_person)
    b = services.speech_create(actor=users["staff"], topic=selected_topic, speaker=advisor_person)
    services.speaking_order_set(actor=users["staff"], meeting=selected_topic.meeting, speech_ids=[b.pk, a.pk])
    assert list(Speech.objects.order_by("speaking_order").values_list("pk", flat=True)) == [b.pk, a.pk]
    services.speaking_order_set(actor=users["staff"], meeting=selected_topic.meeting, speech_ids=[a.pk])
    a.refresh_from_db(), b.refresh_from_db()
    assert (a.speaking_order, b.speaking_order) == (1, None)
    with pytest.raises(PermissionRefused):
        services.speaking_order_set(actor=users["member"], meeting=selected_topic.meeting, speech_ids=[a.pk])


def test_a_followup_becomes_a_proposal_draft_of_the_speaker(users, speech, member_person):
    from proposals.tests.factories import seat

    seat(member_person)  # only a current member may author the proposal
    speech = submit(users["member"], speech, DRAFT_1)
    speech = services.speech_transition(actor=users["staff"], speech=speech, target=SpeechStatus.APPROVED)
    followup = services.followup_create(
        actor=users["staff"], meeting=speech.meeting, speech=speech, title="关于支持港澳青年在穗创业的提案"
    )
    proposal = services.followup_to_proposal(actor=users["staff"], followup=followup)
    followup.refresh_from_db()
    assert followup.proposal == proposal and proposal.author == member_person
    assert proposal.body == DRAFT_1 and "座谈会" in proposal.origin_note
    with pytest.raises(DomainError, match="已转为"):
        services.followup_to_proposal(actor=users["staff"], followup=followup)


# ---- research topics ----


def _research(users, orgs, **kwargs):
    return services.research_create(
        actor=users["staff"],
        title=kwargs.pop("title", "港澳药械通政策落地研究"),
        lead_body=kwargs.pop("lead_body", orgs.committee),
        start_date=kwargs.pop("start_date", dt.date(2025, 2, 1)),
        end_date=kwargs.pop("end_date", dt.date(2025, 9, 30)),
        **kwargs,
    )


def test_partner_bodies_see_the_research_topic_shared_with_them(users, orgs, member_person):
    topic = _research(
        users, orgs, partners=[orgs.province, orgs.district], participants=[(member_person, "lead")]
    )
    assert ResearchTopic.objects.visible_to(users["partner"]).filter(pk=topic.pk).exists()
    district_partner = UserFactory(role=Role.PARTNER, organisation=orgs.district)
    assert ResearchTopic.objects.visible_to(district_partner).filter(pk=topic.pk).exists()
    assert ResearchTopic.objects.visible_to(users["member"]).filter(pk=topic.pk).exists()
    assert not ResearchTopic.objects.visible_to(users["advisor"]).exists()
    assert not ResearchTopic.objects.visible_to(users["unit"]).exists()


def test_a_milestone_after_the_topics_end_is_refused(users, orgs):
    topic = _research(users, orgs)
    with pytest.raises(DomainError, match="不能晚于课题的计划结题日期（2025-09-30）"):
        services.milestone_add(actor=users["staff"], topic=topic, title="结题", due_date=dt.date(2025, 10, 8))
    services.milestone_add(actor=users["staff"], topic=topic, title="联合调研", due_date=dt.date(2025, 4, 10))
    with pytest.raises(DomainError, match="不在新的课题日期范围内"):
        services.research_update(
            actor=users["staff"],
            topic=topic,
            title=topic.title,
            lead_body=topic.lead_body,
            start_date=topic.start_date,
            end_date=dt.date(2025, 3, 31),
        )
    assert topic.milestones.count() == 1


def test_one_lead_person_per_topic(users, orgs, member_person, advisor_person):
    with pytest.raises(DomainError, match="只能有一位课题负责人"):
        _research(users, orgs, participants=[(member_person, "lead"), (advisor_person, "lead")])
    topic = _research(users, orgs, participants=[(member_person, "lead"), (advisor_person, "writer")])
    services.research_update(
        actor=users["staff"],
        topic=topic,
        title=topic.title,
        lead_body=topic.lead_body,
        start_date=topic.start_date,
        end_date=topic.end_date,
        participants=[(member_person, "member"), (advisor_person, "lead")],
    )
    roles = dict(topic.participants.values_list("person_id", "role"))
    assert roles == {member_person.pk: ParticipantRole.MEMBER, advisor_person.pk: ParticipantRole.LEAD}


def test_adoption_needs_the_body_and_the_outcome(users, orgs):
    topic = _research(users, orgs, partners=[orgs.province])
    for target in (ResearchStatus.ACTIVE, ResearchStatus.CONCLUDED):
        topic = services.research_transition(actor=users["staff"], topic=topic, target=target)
    with pytest.raises(DomainError, match="采纳单位"):
        services.research_transition(
            actor=users["staff"], topic=topic, target=ResearchStatus.ADOPTED, outcome="x"
        )
    with pytest.raises(DomainError, match="成效"):
        services.research_transition(
            actor=users["staff"], topic=topic, target=ResearchStatus.ADOPTED, adopted_by=orgs.province
        )
    topic = services.research_transition(
        actor=users["staff"],
        topic=topic,
        target=ResearchStatus.ADOPTED,
        adopted_by=orgs.province,
        outcome="祈福医院列为第二批指定医疗机构",
    )
    assert topic.adopted_level == "provincial"
    with pytest.raises(PermissionRefused):
        services.research_transition(
            actor=users["partner"], topic=topic, target=ResearchStatus.ACTIVE, note="x"
        )


def test_outputs_take_only_documents_and_count_per_author(users, orgs, member_person):
    topic = _research(users, orgs, participants=[(member_person, "writer")])
    with pytest.raises(DomainError, match="类型不被接受"):
        services.output_add(
            actor=users["staff"],
            topic=topic,
            title="调研报告",
            completed_on=dt.date(2025, 5, 1),
            upload=SimpleUploadedFile("report.exe", b"MZ\x90\x00binary"),
        )
    services.output_add(
        actor=users["staff"],
        topic=topic,
        title="调研报告",
        completed_on=dt.date(2025, 5, 1),
        upload=SimpleUploadedFile("report.pdf", b"%PDF-1.4 report"),
        authors=[member_person],
    )
    other = PersonFactory(owner_org=orgs.committee)
    with CaptureQueriesContext(connection) as ctx:
        counts = selectors.research_counts_for(
            [member_person.pk, other.pk], start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31)
        )
    assert counts == {member_person.pk: {"outputs": 1, "participations": 1}}
    assert len(ctx.captured_queries) == 2
    assert selectors.research_output_counts_for(start=dt.date(2026, 1, 1)) == {}
    assert [o.title for o in selectors.research_outputs_of(member_person.pk)] == ["调研报告"]
    assert [r.topic_id for r in selectors.research_participations_of(member_person.pk)] == [topic.pk]


def test_speech_counts_are_one_grouped_query(users):
    with CaptureQueriesContext(connection) as ctx:
        selectors.speech_counts_for(start=dt.date(2025, 1, 1), end=dt.date(2025, 12, 31))
    assert len(ctx.captured_queries) == 1


def test_a_draft_typed_in_a_browser_keeps_its_paragraphs_without_carriage_returns(users, speech):
    from consultations.models import SpeechStatus

    speech = services.speech_transition(
        actor=users["member"], speech=speech, target=SpeechStatus.SUBMITTED, text="第一段。\r\n第二段。\r\n"
    )
    revision = speech.revisions.get()
    assert revision.text == "第一段。\n第二段。" and revision.paragraphs == ["第一段。", "第二段。"]
