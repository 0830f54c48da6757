import datetime as dt

import pytest
from django.utils import timezone

from consultations import services
from consultations.models import Revision, SpeechStatus

from .factories import DRAFT_1, DRAFT_2, make_topic

pytestmark = pytest.mark.django_db

API = "/api/v1"


def _as(client, user):
    client.force_login(user)
    return client


def test_the_drafting_loop_through_the_api(client, users, speech):
    member = _as(client, users["member"])
    r = member.post(
        f"{API}/consultations/speeches/{speech.pk}/revisions",
        {"text": DRAFT_1, "note": "初稿"},
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    assert r.json()["status"] == "submitted" and r.json()["revisions"][0]["number"] == 1
    staff = _as(client, users["staff"])
    r = staff.post(
        f"{API}/consultations/speeches/{speech.pk}/comments",
        {"text": "写上前海", "paragraph": 2, "quote": "南沙"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["paragraph"] == 2
    r = staff.post(
        f"{API}/consultations/speeches/{speech.pk}/transition",
        {"target": "returned"},
        content_type="application/json",
    )
    assert r.json()["status"] == "returned"
    member = _as(client, users["member"])
    member.post(
        f"{API}/consultations/speeches/{speech.pk}/revisions",
        {"text": DRAFT_2},
        content_type="application/json",
    )
    r = member.get(f"{API}/consultations/speeches/{speech.pk}/compare?a=1&b=2")
    assert r.status_code == 200 and r.json()["inserted"] > 0
    assert [1, "、前海"] in r.json()["rows"][1]["right"] and [1, "住房、资金"] in r.json()["rows"][1]["right"]
    staff = _as(client, users["staff"])
    r = staff.post(
        f"{API}/consultations/speeches/{speech.pk}/transition",
        {"target": "approved"},
        content_type="application/json",
    )
    assert r.json()["approved_revision"] == 2 and r.json()["working_text"] is None
    member = _as(client, users["member"])
    r = member.put(
        f"{API}/consultations/speeches/{speech.pk}/working-text",
        {"text": "再改"},
        content_type="application/json",
    )
    assert r.status_code == 400 and r.json()["detail"] == "发言稿已定稿，不能再修改。"
    r = member.get(f"{API}/consultations/speeches/{speech.pk}/revisions")
    assert [rev["number"] for rev in r.json()] == [2, 1] and r.json()[1]["comments"][0]["quote"] == "南沙"


def test_a_revision_by_someone_other_than_the_speaker_is_refused(client, users, speech):
    r = _as(client, users["staff"]).post(
        f"{API}/consultations/speeches/{speech.pk}/revisions",
        {"text": DRAFT_1},
        content_type="application/json",
    )
    assert r.status_code == 403 and r.json()["detail"] == "只有发言人本人可以修改和提交发言稿。"
    r = _as(client, users["advisor"]).post(
        f"{API}/consultations/speeches/{speech.pk}/revisions",
        {"text": DRAFT_1},
        content_type="application/json",
    )
    assert r.status_code == 404
    assert not Revision.objects.exists()


def test_commenting_on_an_invisible_draft_is_404(client, users, speech):
    services.speech_transition(
        actor=users["member"], speech=speech, target=SpeechStatus.SUBMITTED, text=DRAFT_1
    )
    r = _as(client, users["other_staff"]).post(
        f"{API}/consultations/speeches/{speech.pk}/comments", {"text": "x"}, content_type="application/json"
    )
    assert r.status_code == 404 and "未找到" in r.json()["detail"]


def test_meetings_topics_and_unknown_fields(client, users, meeting):
    staff = _as(client, users["staff"])
    r = staff.get(f"{API}/consultations")
    assert r.status_code == 200 and r.json()["items"][0]["title"] == meeting.title
    r = staff.post(
        f"{API}/consultations",
        {"title": "双周协商座谈会", "date": "2025-13-01"},
        content_type="application/json",
    )
    assert r.status_code == 422
    r = staff.post(
        f"{API}/consultations",
        {"title": "双周协商座谈会", "date": "2025-06-01", "colour": "red"},
        content_type="application/json",
    )
    assert r.status_code == 422 and "不允许的字段" in r.json()["detail"]
    member = _as(client, users["member"])
    r = member.post(
        f"{API}/consultations/{meeting.pk}/topics",
        {"title": "跨境医疗", "background": "结算难"},
        content_type="application/json",
    )
    assert r.status_code == 201 and r.json()["status"] == "proposed"
    r = member.post(
        f"{API}/consultations/topics/{r.json()['id']}/transition",
        {"target": "selected"},
        content_type="application/json",
    )
    assert r.status_code == 403
    assert (
        member.post(
            f"{API}/consultations", {"title": "x", "date": "2025-06-01"}, content_type="application/json"
        ).status_code
        == 403
    )


def test_research_topics_api_with_partners_and_a_late_milestone(client, users, orgs, member_person):
    staff = _as(client, users["staff"])
    r = staff.post(
        f"{API}/research-topics",
        {
            "title": "港澳药械通",
            "lead_body_id": orgs.committee.pk,
            "start_date": "2025-02-01",
            "end_date": "2025-09-30",
            "partner_ids": [orgs.province.pk, orgs.district.pk],
            "participants": [{"person_id": member_person.pk, "role": "lead"}],
        },
        content_type="application/json",
    )
    assert r.status_code == 201, r.content
    topic_id = r.json()["id"]
    assert {p["name"] for p in r.json()["partners"]} == {"广东省政协", "广州市天河区政协"}
    r = staff.post(
        f"{API}/research-topics/{topic_id}/milestones",
        {"title": "结题", "due_date": "2025-10-01"},
        content_type="application/json",
    )
    assert r.status_code == 400 and "不能晚于课题的计划结题日期" in r.json()["detail"]
    partner = _as(client, users["partner"])
    assert partner.get(f"{API}/research-topics/{topic_id}").status_code == 200
    assert partner.get(f"{API}/research-topics").json()["count"] == 1
    r = partner.post(
        f"{API}/research-topics/{topic_id}/transition", {"target": "active"}, content_type="application/json"
    )
    assert r.status_code == 403
    assert _as(client, users["unit"]).get(f"{API}/research-topics/{topic_id}").status_code == 404
    assert _as(client, users["member"]).get(f"{API}/research-topics").json()["count"] == 1


def test_api_lists_run_a_fixed_number_of_queries(client, users, orgs, django_assert_max_num_queries):
    staff = _as(client, users["staff"])
    from .factories import make_meeting

    for i in range(12):
        m = make_meeting(users["staff"], title=f"会{i}", date=timezone.localdate() + dt.timedelta(days=i + 1))
        make_topic(users["staff"], m)
        services.research_create(
            actor=users["staff"], title=f"课题{i}", lead_body=orgs.committee,
            start_date=dt.date(2025, 1, 1), end_date=dt.date(2025, 12, 31), partners=[orgs.province],
        )  # fmt: skip
    with django_assert_max_num_queries(8):
        staff.get(f"{API}/consultations")
    with django_assert_max_num_queries(8):
        staff.get(f"{API}/research-topics")
