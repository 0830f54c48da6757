import json

import pytest

from accounts.models import ApiToken
from organisations.models import Organisation

pytestmark = pytest.mark.django_db


def _auth(user):
    _, key = ApiToken.issue(user)
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


def test_openapi_schema_is_valid_json_with_chinese_unescaped(client):
    response = client.get("/api/v1/openapi.json")
    assert response.status_code == 200
    schema = json.loads(response.content)
    assert schema["openapi"].startswith("3.")
    assert "/api/v1/organisations" in schema["paths"]
    assert "同心" in response.content.decode()


def test_unauthenticated_request_gets_chinese_401(client, orgs):
    response = client.get("/api/v1/organisations")
    assert response.status_code == 401
    assert response.json()["detail"] == "未登录或令牌无效。"


def test_bad_token_gets_401(client, orgs):
    response = client.get("/api/v1/organisations", HTTP_AUTHORIZATION="Bearer tx_nope")
    assert response.status_code == 401


def test_list_filters_and_chinese_is_not_escaped(client, users, orgs):
    response = client.get("/api/v1/organisations", {"kind": "cppcc"}, **_auth(users["staff"]))
    body = response.json()
    assert {o["name"] for o in body["items"]} == {"广东省政协", "广州市政协", "广州市天河区政协"}
    assert "广州市政协" in response.content.decode()


def test_list_query_count_is_flat(client, users, orgs, django_assert_max_num_queries):
    from organisations.tests.factories import OrganisationFactory

    headers = _auth(users["staff"])
    for i in range(30):
        OrganisationFactory(name=f"接口部门{i}")
    with django_assert_max_num_queries(4):
        client.get("/api/v1/organisations", **headers)


def test_detail_of_unknown_id_is_chinese_404(client, users, orgs):
    response = client.get("/api/v1/organisations/999999", **_auth(users["staff"]))
    assert response.status_code == 404 and "未找到" in response.json()["detail"]


def test_admin_creates_via_api(client, users, orgs):
    response = client.post(
        "/api/v1/organisations",
        json.dumps(
            {
                "name": "广州市教育局",
                "kind": "department",
                "level": "city",
                "is_handling_unit": True,
            }
        ),
        content_type="application/json",
        **_auth(users["admin"]),
    )
    assert response.status_code == 201
    assert Organisation.objects.get(name="广州市教育局").is_handling_unit


def test_staff_create_via_api_is_403_in_chinese(client, users, orgs):
    response = client.post(
        "/api/v1/organisations",
        json.dumps({"name": "x", "kind": "department"}),
        content_type="application/json",
        **_auth(users["staff"]),
    )
    assert response.status_code == 403 and "系统管理员" in response.json()["detail"]


@pytest.mark.parametrize(
    "body, status, fragment",
    [
        ("{not json", 400, "JSON"),
        (json.dumps({"kind": "department"}), 422, "缺少必填字段"),
        (json.dumps({"name": "x", "kind": "galaxy"}), 422, "取值不在允许范围内"),
        (json.dumps({"name": "x", "kind": "department", "colour": "red"}), 422, "不允许的字段"),
        (json.dumps({"name": "x", "kind": "department", "is_active": "maybe"}), 422, "布尔"),
    ],
)
def test_malformed_bodies_get_chinese_4xx(client, users, orgs, body, status, fragment):
    response = client.post(
        "/api/v1/organisations", body, content_type="application/json", **_auth(users["admin"])
    )
    assert response.status_code == status
    assert fragment in json.dumps(response.json(), ensure_ascii=False)
    assert not Organisation.objects.filter(name="x").exists()


def test_patch_moves_and_duplicate_name_is_400(client, users, orgs):
    headers = _auth(users["admin"])
    response = client.patch(
        f"/api/v1/organisations/{orgs.district.pk}",
        json.dumps({"name": "广州市政协"}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 400 and "已有名为" in response.json()["detail"]


def test_session_auth_needs_csrf_for_writes(users, orgs):
    from django.test import Client

    client = Client(enforce_csrf_checks=True)
    client.force_login(users["admin"])
    assert client.get("/api/v1/organisations").status_code == 200
    response = client.post(
        "/api/v1/organisations",
        json.dumps({"name": "y", "kind": "department"}),
        content_type="application/json",
    )
    assert response.status_code == 403
    assert "CSRF" in response.json()["detail"]
