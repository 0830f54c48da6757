import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from conftest import login_client
from consultations import services
from consultations.models import Comment, Revision, SpeechStatus, Topic, TopicStatus
from members.tests.factories import PersonFactory

from .factories import DRAFT_1, DRAFT_3, drafted_three_times, make_meeting, make_topic, select, submit

pytestmark = pytest.mark.django_db


def url(name, *args):
    return reverse(f"consultations:{name}", args=args)


def test_pages_of_the_drafting_loop_render_for_staff_and_the_speaker(client, users, speech):
    speech = drafted_three_times(users, speech)
    staff = login_client(client, users["staff"])
    for page in (
        url("meeting_list"),
        url("meeting_detail", speech.meeting_id),
        url("meeting_topics", speech.meeting_id),
        url("topic_detail", speech.topic_id),
        url("speech_detail", speech.pk),
        url("speech_detail", speech.pk) + "?rev=1",
        url("speech_compare", speech.pk) + "?a=1&b=3",
        url("meeting_order", speech.meeting_id),
        url("meeting_record", speech.meeting_id),
        url("research_list"),
        url("research_create"),
        url("meeting_create"),
    ):
        assert staff.get(page).status_code == 200, page
    client.force_login(users["member"])
    for page in (url("my_topics"), url("speech_detail", speech.pk), url("meeting_detail", speech.meeting_id)):
        assert client.get(page).status_code == 200, page


def test_compare_page_shows_words_added_and_removed_side_by_side(staff_client, users, speech):
    speech = drafted_three_times(users, speech)
    html = staff_client.get(url("speech_compare", speech.pk) + "?a=1&b=3").content.decode()
    assert "第1稿与第3稿" in html
    assert '<ins class="i">前海</ins>' in html or "前海</ins>" in html
    assert '<del class="d">' in html and "希望市政府加大支持力度" in html


def test_speech_page_shows_comments_under_their_paragraph_with_the_quote_marked(client, users, speech):
    speech = submit(users["member"], speech, DRAFT_1)
    services.comment_add(actor=users["staff"], speech=speech, quote="一站式服务", text="具体指什么？")
    html = login_client(client, users["member"]).get(url("speech_detail", speech.pk)).content.decode()
    assert '<mark class="quoted">一站式服务</mark>' in html and "具体指什么？" in html


def test_speaker_writes_and_submits_through_the_page(client, users, speech):
    member = login_client(client, users["member"])
    response = member.post(url("speech_write", speech.pk), {"text": DRAFT_1, "save": "1"})
    assert response.status_code == 302 and not Revision.objects.exists()
    response = member.post(url("speech_write", speech.pk), {"text": DRAFT_1, "note": "初稿", "submit": "1"})
    assert response.status_code == 302
    speech.refresh_from_db()
    assert speech.status == SpeechStatus.SUBMITTED and speech.revisions.get().note == "初稿"


def test_editing_a_locked_draft_through_the_page_is_refused(client, users, speech):
    speech = submit(users["member"], speech, DRAFT_1)
    services.speech_transition(actor=users["staff"], speech=speech, target=SpeechStatus.APPROVED)
    member = login_client(client, users["member"])
    response = member.post(url("speech_write", speech.pk), {"text": "改", "submit": "1"})
    assert "发言稿已定稿，不能再修改。" in response.content.decode()
    assert Revision.objects.get().text == DRAFT_1


def test_staff_cannot_open_the_writing_page_and_other_members_get_404(client, users, speech):
    assert login_client(client, users["staff"]).get(url("speech_write", speech.pk)).status_code == 403
    client.force_login(users["advisor"])
    assert client.get(url("speech_detail", speech.pk)).status_code == 404
    client.force_login(users["other_staff"])
    assert client.get(url("speech_detail", speech.pk)).status_code == 404
    assert client.post(url("comment_add", speech.pk), {"text": "x"}).status_code == 404


def test_member_cannot_comment_or_approve_his_own_draft(client, users, speech):
    speech = submit(users["member"], speech, DRAFT_1)
    member = login_client(client, users["member"])
    assert member.post(url("comment_add", speech.pk), {"text": "自评"}).status_code == 403
    assert member.post(url("speech_transition", speech.pk), {"target": "approved"}).status_code == 403
    assert not Comment.objects.exists()


def test_units_and_partners_have_no_consultation_pages(client, users, meeting):
    for role in ("unit", "partner"):
        client.force_login(users[role])
        assert client.get(url("meeting_list")).status_code == 403
        assert client.get(url("meeting_detail", meeting.pk)).status_code == 404


def test_member_proposes_a_topic_on_a_phone_form(client, users, meeting):
    member = login_client(client, users["member"])
    assert member.get(url("topic_propose", meeting.pk)).status_code == 200
    response = member.post(url("topic_propose", meeting.pk), {"title": "", "background": ""})
    assert "请填写" in response.content.decode() or "这个字段是必填项" in response.content.decode()
    member.post(
        url("topic_propose", meeting.pk), {"title": "跨境医疗结算", "background": "港澳居民在穗就医结算难。"}
    )
    assert Topic.objects.get().proposer.user == users["member"]


def test_staff_select_and_decline_topics_with_reasons(staff_client, users, meeting):
    topic = make_topic(users["member"], meeting)
    response = staff_client.post(url("topic_transition", topic.pk), {"target": "declined", "note": ""})
    assert response.status_code == 302
    topic.refresh_from_db()
    assert topic.status == TopicStatus.PROPOSED
    staff_client.post(url("topic_transition", topic.pk), {"target": "selected", "note": "切合重点"})
    topic.refresh_from_db()
    assert topic.status == TopicStatus.SELECTED and topic.decision_reason == "切合重点"


def test_word_and_pdf_exports_of_the_final_text(client, users, speech):
    from docx import Document

    speech = drafted_three_times(users, speech)
    services.speech_transition(actor=users["staff"], speech=speech, target=SpeechStatus.APPROVED)
    member = login_client(client, users["member"])
    response = member.get(url("speech_docx", speech.pk))
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert DRAFT_3.split("\n")[0] in text and "定稿" in text
    response = member.get(url("speech_pdf", speech.pk))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")
    client.force_login(users["advisor"])
    assert client.get(url("speech_docx", speech.pk)).status_code == 404


def test_traditional_users_get_a_traditional_word_document(client, users, speech):
    from docx import Document

    speech = submit(users["member"], speech, DRAFT_1)
    users["member"].script = "hant"
    users["member"].save()
    response = login_client(client, users["member"]).get(url("speech_docx", speech.pk))
    text = "\n".join(p.text for p in Document(io.BytesIO(response.content)).paragraphs)
    assert "粵港澳大灣區" in text


def _many_meetings(users, n):
    for i in range(n):
        meeting = make_meeting(users["staff"], title=f"协商会{i}")
        for j in range(3):
            topic = make_topic(users["staff"], meeting, title=f"选题{i}-{j}")
            if j == 0:
                topic = select(users["staff"], topic)
                services.speech_create(
                    actor=users["staff"], topic=topic, speaker=PersonFactory(owner_org=meeting.owner_org)
                )


def _count(client, path):
    """Queries of a request after a first one (the per-user caches such as the unread badge warm, as on every
    page but the first of a session)."""
    client.get(path)
    with CaptureQueriesContext(connection) as ctx:
        assert client.get(path).status_code == 200
    return len(ctx.captured_queries)


def test_meeting_list_and_export_run_a_fixed_number_of_queries(staff_client, users):
    _many_meetings(users, 2)
    few = _count(staff_client, url("meeting_list")), _count(staff_client, url("meeting_export"))
    _many_meetings(users, 10)
    many = _count(staff_client, url("meeting_list")), _count(staff_client, url("meeting_export"))
    assert few == many
    assert many[0] <= 12


def test_meeting_page_runs_a_fixed_number_of_queries(staff_client, users):
    meeting = make_meeting(users["staff"])
    topic = select(users["staff"], make_topic(users["staff"], meeting))

    def add(n):
        for _ in range(n):
            s = services.speech_create(
                actor=users["staff"], topic=topic, speaker=PersonFactory(owner_org=meeting.owner_org)
            )
            assert s.pk

    add(2)
    few = _count(staff_client, url("meeting_detail", meeting.pk))
    add(8)
    assert _count(staff_client, url("meeting_detail", meeting.pk)) == few


def test_research_list_and_export_run_a_fixed_number_of_queries(staff_client, users, orgs):
    def add(n):
        for i in range(n):
            services.research_create(
                actor=users["staff"],
                title=f"课题{i}",
                lead_body=orgs.committee,
                start_date=dt.date(2025, 1, 1),
                end_date=dt.date(2025, 12, 31),
                partners=[orgs.province, orgs.district],
            )

    add(2)
    few = _count(staff_client, url("research_list")), _count(staff_client, url("research_export"))
    add(10)
    assert (_count(staff_client, url("research_list")), _count(staff_client, url("research_export"))) == few


def test_research_pages_refuse_members_edits_and_hide_from_other_bodies(client, users, orgs):
    topic = services.research_create(
        actor=users["staff"],
        title="港澳药械通",
        lead_body=orgs.committee,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 12, 31),
        partners=[orgs.province],
    )
    client.force_login(users["partner"])
    assert client.get(url("research_detail", topic.pk)).status_code == 200
    assert client.get(url("research_edit", topic.pk)).status_code == 403
    assert client.get(url("research_export")).status_code == 403
    assert (
        client.post(url("milestone_add", topic.pk), {"title": "x", "due_date": "2025-05-01"}).status_code
        == 403
    )
    client.force_login(users["other_staff"])
    assert client.get(url("research_detail", topic.pk)).status_code == 404


def test_milestone_after_the_end_is_refused_on_the_page(staff_client, users, orgs):
    topic = services.research_create(
        actor=users["staff"],
        title="港澳药械通",
        lead_body=orgs.committee,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 6, 30),
    )
    response = staff_client.post(
        url("milestone_add", topic.pk), {"title": "结题", "due_date": "2025-07-01"}, follow=True
    )
    assert "不能晚于课题的计划结题日期（2025-06-30）" in response.content.decode()
    assert not topic.milestones.exists()


def test_record_page_registers_delivery_and_leaders_responses(staff_client, users, speech):
    speech = submit(users["member"], speech, DRAFT_1)
    speech = services.speech_transition(actor=users["staff"], speech=speech, target=SpeechStatus.APPROVED)
    type(speech.meeting).objects.filter(pk=speech.meeting_id).update(date=timezone.localdate())
    staff_client.post(url("speech_transition", speech.pk), {"target": "delivered"})
    staff_client.post(url("leader_response", speech.pk), {"leader": "市长", "text": "请市有关部门研究落实。"})
    staff_client.post(url("meeting_record", speech.meeting_id), {"minutes": "座谈会纪要……"})
    speech.refresh_from_db()
    assert speech.status == SpeechStatus.DELIVERED and speech.responses.get().leader == "市长"
    html = staff_client.get(url("meeting_detail", speech.meeting_id)).content.decode()
    assert "请市有关部门研究落实。" in html and "座谈会纪要" in html


def test_research_links_are_searched_not_listed_and_an_invisible_one_is_refused(client, users, orgs):
    """Linking a research topic to a field trip or the proposal it led to: the page renders no activity and no
    proposal (pickers over `activities:search` and `proposals:search?all=1`); a posted id the user may not see
    is refused."""
    from activities.tests.factories import ActivityFactory
    from proposals.tests.factories import replied

    topic = services.research_create(
        actor=users["staff"],
        title="港澳药械通",
        lead_body=orgs.committee,
        start_date=dt.date(2025, 1, 1),
        end_date=dt.date(2025, 12, 31),
    )
    trips = [ActivityFactory(owner_org=orgs.committee, title=f"调研活动{i:03d}") for i in range(30)]
    hidden = ActivityFactory(owner_org=orgs.other_committee, title="他会活动")
    staff = login_client(client, users["staff"])
    html = staff.get(url("research_detail", topic.pk)).content.decode()
    assert "调研活动0" not in html
    assert (
        'data-picker-url="/activities/search/"' in html
        and 'data-picker-url="/proposals/search/?all=1"' in html
    )
    assert staff.post(url("research_link", topic.pk), {"activity": hidden.pk}).status_code == 404
    staff.post(url("research_link", topic.pk), {"activity": trips[3].pk})
    proposal = replied(users, orgs, title="关于药械通的提案")
    staff.post(url("research_link", topic.pk), {"proposal": proposal.pk})
    assert list(topic.field_trips.all()) == [trips[3]] and list(topic.proposals.all()) == [proposal]
