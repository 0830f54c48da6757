import datetime as dt
import json

import pytest
from django.utils import timezone

from accounts.models import ApiToken
from activities import services
from activities.models import Activity
from activities.models import InvitationStatus as S
from activities.tests.factories import ActivityFactory, KindFactory
from members.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _auth(user):
    _, key = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def _post(client, url, body, user):
    return client.post(url, json.dumps(body), content_type="application/json", **_auth(user))


def test_staff_creates_a_trip_with_stops_via_api(client, staff, orgs):
    kind = KindFactory(name="调研视察", is_trip=True)
    response = _post(
        client,
        "/api/v1/activities",
        {
            "kind_id": kind.pk,
            "title": "赴西安国情教育",
            "starts_at": "2030-04-18T08:00:00+08:00",
            "ends_at": "2030-04-19T18:00:00+08:00",
            "co_organiser_ids": [orgs.district.pk],
            "stops": [{"city": "西安", "start_date": "2030-04-18", "end_date": "2030-04-19"}],
        },
        staff,
    )
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["stops"][0]["city"] == "西安" and body["co_organiser_ids"] == [orgs.district.pk]


def test_api_stop_outside_dates_is_refused_and_nothing_written(client, staff):
    kind = KindFactory(name="调研视察", is_trip=True)
    response = _post(
        client,
        "/api/v1/activities",
        {
            "kind_id": kind.pk,
            "title": "赴德阳",
            "starts_at": "2030-04-18T08:00:00+08:00",
            "ends_at": "2030-04-19T18:00:00+08:00",
            "stops": [{"city": "德阳", "start_date": "2030-04-20", "end_date": "2030-04-21"}],
        },
        staff,
    )
    assert response.status_code == 400 and "超出活动日期" in response.json()["detail"]
    assert not Activity.objects.exists()


def test_unknown_field_is_refused_in_chinese(client, staff):
    response = _post(client, "/api/v1/activities", {"title": "x", "colour": "red"}, staff)
    assert response.status_code == 422 and "不允许的字段" in response.content.decode()


def test_member_may_not_create_via_api(client, member):
    kind = KindFactory()
    response = _post(
        client,
        "/api/v1/activities",
        {
            "kind_id": kind.pk,
            "title": "x",
            "starts_at": "2030-01-01T08:00:00+08:00",
            "ends_at": "2030-01-01T09:00:00+08:00",
        },
        member,
    )
    assert response.status_code == 403 and "只有工作人员" in response.json()["detail"]


def test_list_filters_and_query_count_is_flat(client, orgs, staff, django_assert_max_num_queries):
    headers = _auth(staff)
    persons = [PersonFactory(owner_org=orgs.committee) for _ in range(20)]
    for i in range(15):
        a = ActivityFactory(
            owner_org=orgs.committee, kind=KindFactory(name="主题党日" if i % 2 else "学习交流会")
        )
        services.invitations_create(actor=staff, activity=a, persons=persons, notify_invitees=False)
    with django_assert_max_num_queries(6):
        response = client.get("/api/v1/activities", {"kind": KindFactory(name="主题党日").pk}, **headers)
    body = response.json()
    assert body["count"] == 7 and all(item["kind"] == "主题党日" for item in body["items"])
    assert body["items"][0]["n_invited"] == 20


def test_invite_by_filter_then_member_responds_and_checks_in_via_api(client, orgs, staff, member):
    start = timezone.now() - dt.timedelta(minutes=5)
    activity = ActivityFactory(
        owner_org=orgs.committee, starts_at=start, ends_at=start + dt.timedelta(hours=2), signup_deadline=None
    )
    response = _post(
        client, f"/api/v1/activities/{activity.pk}/invitations", {"person_ids": [member.person.pk]}, staff
    )
    assert response.status_code == 201 and response.json()["invited"] == 1
    mine = client.get(f"/api/v1/activities/{activity.pk}/invitations", **_auth(member)).json()["items"]
    assert len(mine) == 1
    inv_id = mine[0]["id"]
    response = _post(
        client, f"/api/v1/activities/invitations/{inv_id}/respond", {"answer": "confirm"}, member
    )
    assert response.json()["status"] == S.CONFIRMED
    response = _post(
        client, "/api/v1/activities/check-in", {"token": services.check_in_token(activity)}, member
    )
    assert response.json()["status"] == S.CHECKED_IN
    response = _post(client, "/api/v1/activities/check-in", {"token": "forged"}, member)
    assert response.status_code == 400 and "无效" in response.json()["detail"]


def test_api_detail_of_an_activity_not_invited_to_is_404(client, member, activity):
    response = client.get(f"/api/v1/activities/{activity.pk}", **_auth(member))
    assert response.status_code == 404


def test_api_update_by_leader_is_403(client, users, activity):
    response = client.patch(
        f"/api/v1/activities/{activity.pk}",
        json.dumps({"title": "改"}),
        content_type="application/json",
        **_auth(users["leader"]),
    )
    assert response.status_code == 403


def test_staff_decide_leave_via_api_and_member_may_not(client, staff, member, my_invitation):
    services.invitation_respond(actor=member, invitation=my_invitation, answer="leave", reason="出差")
    url = f"/api/v1/activities/invitations/{my_invitation.pk}/leave"
    assert _post(client, url, {"approve": True}, member).status_code == 403
    response = _post(client, url, {"approve": True}, staff)
    assert response.status_code == 200 and response.json()["status"] == S.LEAVE_APPROVED
