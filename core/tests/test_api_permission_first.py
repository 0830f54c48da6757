"""Issue 11 defect 9 in the API: creating a record is refused by the permission before the body is parsed
(`core.api.may`): a role without the right gets 403 whatever it sent, never 422; one with the right gets the
body's Chinese 422."""

import pytest

pytestmark = pytest.mark.django_db

CREATES = [
    "/api/v1/organisations",
    "/api/v1/members",
    "/api/v1/activities",
    "/api/v1/consultations",
    "/api/v1/research-topics",
    "/api/v1/liaison-events",
    "/api/v1/visits",
    "/api/v1/proposals",
]


@pytest.mark.parametrize("url", CREATES)
@pytest.mark.parametrize("role", ["unit", "partner"])
def test_a_role_without_the_right_gets_403_for_a_malformed_body(client, users, role, url):
    client.force_login(users[role])
    for body in ("{}", '{"title": 5}'):
        response = client.post(url, body, content_type="application/json")
        assert response.status_code == 403, (url, body, response.content.decode()[:200])
        assert any("\u4e00" <= ch <= "\u9fff" for ch in response.json()["detail"])  # a Chinese reason


@pytest.mark.parametrize("url", ["/api/v1/organisations", "/api/v1/members", "/api/v1/activities"])
def test_members_too(client, users, url):
    client.force_login(users["member"])
    assert client.post(url, "{}", content_type="application/json").status_code == 403


@pytest.mark.parametrize(
    "url", ["/api/v1/members", "/api/v1/activities", "/api/v1/visits", "/api/v1/requests"]
)
def test_staff_with_the_right_get_the_bodys_422(client, users, url):
    client.force_login(users["staff"])
    response = client.post(url, "{}", content_type="application/json")
    assert response.status_code == 422 and "缺少必填字段" in response.content.decode()


def test_the_roster_import_refuses_a_member_before_reading_the_upload(client, users):
    client.force_login(users["member"])
    assert client.post("/api/v1/members/import", {}).status_code == 403
