import datetime as dt

import pytest

from visits.models import Request, Visit

from .factories import make_request, make_visit, persons

pytestmark = pytest.mark.django_db
JSON = "application/json"


def test_leader_records_a_visit_and_sees_confidential_notes(client, users, member_person, today):
    client.force_login(users["leader"])
    body = {
        "date": today.isoformat(),
        "mode": "video",
        "visitor_ids": [users["leader"].pk],
        "person_ids": [member_person.pk],
        "confidential_notes": "内部评价",
        "done": True,
    }
    response = client.post("/api/v1/visits", body, content_type=JSON)
    assert response.status_code == 201, response.content
    data = response.json()
    assert data["status"] == "done" and data["confidential_notes"] == "内部评价"
    assert data["persons"] == [{"id": member_person.pk, "name": "陈大文"}]
    client.force_login(users["staff"])
    assert client.get(f"/api/v1/visits/{data['id']}").json()["confidential_notes"] is None


def test_future_visit_marked_done_is_a_400_in_chinese(client, users, member_person, today):
    client.force_login(users["staff"])
    body = {
        "date": (today + dt.timedelta(days=3)).isoformat(),
        "visitor_ids": [users["staff"].pk],
        "person_ids": [member_person.pk],
        "done": True,
    }
    response = client.post("/api/v1/visits", body, content_type=JSON)
    assert response.status_code == 400 and "今天之后" in response.json()["detail"]
    assert not Visit.objects.exists()


def test_unknown_field_is_refused(client, users, member_person, today):
    client.force_login(users["staff"])
    body = {"date": today.isoformat(), "visitor_ids": [], "person_ids": [], "secret": 1}
    response = client.post("/api/v1/visits", body, content_type=JSON)
    assert response.status_code == 422 and "不允许的字段" in response.json()["detail"]


def test_member_is_refused_the_visit_list_and_sees_only_his_requests(
    client, users, member_person, advisor_person
):
    make_request(users["staff"], member_person, title="我的")
    other = make_request(users["staff"], advisor_person, title="别人的")
    client.force_login(users["member"])
    assert client.get("/api/v1/visits").status_code == 403
    titles = [r["title"] for r in client.get("/api/v1/requests").json()["items"]]
    assert titles == ["我的"]
    assert client.get(f"/api/v1/requests/{other.pk}").status_code == 404


def test_member_raises_a_request_without_naming_himself(client, users, member_person):
    client.force_login(users["member"])
    body = {"category": "medical", "title": "港澳药械通", "description": "医院申请未获通过"}
    response = client.post("/api/v1/requests", body, content_type=JSON)
    assert response.status_code == 201, response.content
    assert Request.objects.get().person == member_person


def test_request_workflow_through_the_api(client, users, member_person):
    req = make_request(users["staff"], member_person)
    client.force_login(users["staff"])
    url = f"/api/v1/requests/{req.pk}"
    refused = client.post(f"{url}/transition", {"target": "solved"}, content_type=JSON)
    assert refused.status_code == 400 and "需要填写说明" in refused.json()["detail"]
    assert client.post(f"{url}/steps", {"text": "已联系学校"}, content_type=JSON).status_code == 201
    ok = client.post(f"{url}/transition", {"target": "solved", "note": "已入学"}, content_type=JSON)
    assert ok.status_code == 200 and ok.json()["status"] == "solved" and ok.json()["resolution"] == "已入学"
    client.force_login(users["member"])
    assert (
        client.post(
            f"{url}/transition", {"target": "in_progress", "note": "x"}, content_type=JSON
        ).status_code
        == 403
    )
    assert client.post(f"{url}/thank", {"note": "谢谢"}, content_type=JSON).status_code == 200
    assert [s["text"] for s in client.get(f"{url}/steps").json()] == ["已联系学校"]


def test_liaison_events_through_the_api(client, users, orgs, today):
    client.force_login(users["staff"])
    body = {
        "date": today.isoformat(),
        "kind": "meeting",
        "title": "联谊座谈",
        "organisation_ids": [orgs.association.pk],
        "participant_ids": [users["leader"].pk],
    }
    response = client.post("/api/v1/liaison-events", body, content_type=JSON)
    assert response.status_code == 201, response.content
    assert response.json()["organisations"][0]["name"] == "香港广州社团总会"
    client.force_login(users["member"])
    assert client.get("/api/v1/liaison-events").status_code == 403


@pytest.mark.parametrize("participants", [{}, {"participant_ids": []}])
def test_a_liaison_event_without_participants_is_recorded(client, users, orgs, participants, today):
    """Defect 2 of issue 11: absent or empty participant_ids answered 500."""
    client.force_login(users["staff"])
    body = {"date": today.isoformat(), "kind": "meeting", "title": "联谊座谈",
            "organisation_ids": [orgs.association.pk], **participants}  # fmt: skip
    response = client.post("/api/v1/liaison-events", body, content_type=JSON)
    assert response.status_code == 201, response.content
    assert response.json()["participants"] == []


@pytest.mark.parametrize("url", ["/api/v1/visits", "/api/v1/requests", "/api/v1/liaison-events"])
def test_api_list_query_count_does_not_grow(url, client, users, orgs, django_assert_max_num_queries, today):
    from visits import services

    def rows(n):
        people = persons(n, orgs.committee, prefix=f"甲{n}-")
        for p in people:
            v = make_visit(users["leader"], [p, people[0]], visitors=[users["leader"], users["staff"]])
            make_request(users["leader"], p, visit=v, owner=users["staff"])
            services.liaison_event_create(
                actor=users["staff"],
                date=today,
                kind="joint",
                title=p.name,
                organisations=[orgs.association, orgs.sports],
                participants=[users["staff"]],
            )

    client.force_login(users["leader"])
    rows(3)
    with django_assert_max_num_queries(30) as few:
        assert client.get(url).status_code == 200
    rows(30)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
