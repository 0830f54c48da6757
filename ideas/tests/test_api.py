import pytest

from ideas.models import IdeaStatus
from ideas.tests.factories import IdeaFactory
from proposals.tests.factories import seat

pytestmark = pytest.mark.django_db
URL = "/api/v1/ideas"


def test_api_never_shows_contact_details(client, users, idea):
    client.force_login(users["staff"])
    body = client.get(f"{URL}/{idea.pk}").json()
    assert "citizen_phone" not in body and "13812345678" not in str(body) and "citizen@" not in str(body)


def test_staff_screen_and_member_claims_through_the_api(client, users, idea):
    client.force_login(users["staff"])
    ok = client.post(f"{URL}/{idea.pk}/transition", {"target": "open"}, content_type="application/json")
    assert ok.json()["status"] == "open"
    client.force_login(users["member"])
    claimed = client.post(
        f"{URL}/{idea.pk}/transition", {"target": "claimed"}, content_type="application/json"
    )
    assert claimed.json()["claimed_by_id"] == users["member"].person.pk


def test_member_screening_is_403_and_unscreened_is_404(client, users, idea):
    client.force_login(users["member"])
    assert client.get(f"{URL}/{idea.pk}").status_code == 404
    open_idea = IdeaFactory(owner_org=idea.owner_org, status=IdeaStatus.OPEN)
    refused = client.post(f"{URL}/{open_idea.pk}/transition", {"target": "declined", "note": "x"},
                          content_type="application/json")  # fmt: skip
    assert refused.status_code == 403 and "工作人员" in refused.json()["detail"]


def test_forwarding_through_the_api_names_the_department(client, users, orgs, idea):
    client.force_login(users["staff"])
    body = {"target": "forwarded", "note": "请研究", "forwarded_to_id": orgs.sports.pk}
    response = client.post(f"{URL}/{idea.pk}/transition", body, content_type="application/json")
    assert response.json()["forwarded_to_id"] == orgs.sports.pk


@pytest.mark.parametrize("rows", [3, 30])
def test_api_list_query_count_does_not_grow(client, users, orgs, rows, django_assert_max_num_queries):
    for _ in range(rows):
        IdeaFactory(owner_org=orgs.committee, status=IdeaStatus.CLAIMED, claimed_by=users["member"].person)
    client.force_login(users["staff"])
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.json()["count"] == rows


def test_claimant_develops_through_the_api(client, users, orgs):
    seat(users["member"].person)  # only a current member may author the proposal
    idea = IdeaFactory(owner_org=orgs.committee, status=IdeaStatus.CLAIMED, claimed_by=users["member"].person)
    client.force_login(users["member"])
    body = {"title": "关于增加运动场地的提案", "body": "建议在老城区增建运动场地。"}
    response = client.post(f"{URL}/{idea.pk}/develop", body, content_type="application/json")
    assert response.status_code == 200 and response.json()["status"] == "proposal"
