"""The JSON API: same filters as the roster, masked identity data, Chinese errors, refusals."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from members.models import Person
from members.tests.factories import full_person

pytestmark = pytest.mark.django_db


def test_api_list_uses_the_roster_filters_and_masks_documents(client_for, users, orgs, term):
    for i in range(3):
        full_person(orgs, term, n=i)
    client = client_for(users["staff"])
    body = client.get("/api/v1/members", {"q": "名冊委員1"}).json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["name"] == "名册委员1" and item["documents"] == ["回乡证 H0000****01"]
    assert item["roles"][0]["role_label"] == "委员" and item["sector"] == "港澳界"


def test_api_list_query_count_does_not_grow(client_for, users, orgs, term, django_assert_num_queries):
    client = client_for(users["staff"])
    for i in range(2):
        full_person(orgs, term, n=i)
    client.get("/api/v1/members")  # warm-up: content types and the cached current term
    with CaptureQueriesContext(connection) as few:
        client.get("/api/v1/members")
    for i in range(2, 30):
        full_person(orgs, term, n=i)
    with django_assert_num_queries(len(few.captured_queries)):
        body = client.get("/api/v1/members").json()
    assert body["count"] == 32


def test_api_create_and_update(client_for, users, orgs):
    client = client_for(users["staff"])
    response = client.post(
        "/api/v1/members",
        {
            "name": "吴志强",
            "romanised_name": "Ng Chi Keung",
            "region": "mo",
            "phones": ["6612 3456"],
            "documents": [{"kind": "moid", "number": "1234567(8)"}],
            "sector": "港澳界",
        },
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    person_id = response.json()["id"]
    assert response.json()["phones"] == ["+853 66****56"]
    response = client.patch(
        f"/api/v1/members/{person_id}", {"employer": "澳门测试银行"}, content_type="application/json"
    )
    assert response.status_code == 200 and response.json()["employer"] == "澳门测试银行"


def test_api_refuses_bad_documents_in_chinese_and_writes_nothing(client_for, users, orgs):
    response = client_for(users["staff"]).post(
        "/api/v1/members",
        {"name": "吴志强", "documents": [{"kind": "hrp", "number": "H1"}]},
        content_type="application/json",
    )
    assert response.status_code == 400 and "回乡证号码" in response.json()["detail"]
    assert not Person.objects.filter(name="吴志强").exists()


def test_api_refusals(client_for, users, orgs):
    member = client_for(users["member"])
    assert member.get("/api/v1/members").status_code == 403
    own = users["member"].person.pk
    assert member.get(f"/api/v1/members/{own}").status_code == 200
    other = users["advisor"].person.pk
    assert member.get(f"/api/v1/members/{other}").status_code == 404
    response = member.post("/api/v1/members", {"name": "x"}, content_type="application/json")
    assert response.status_code == 403 and not Person.objects.filter(name="x").exists()


def test_api_terms(client_for, users, term):
    body = client_for(users["staff"]).get("/api/v1/terms").json()
    assert body[0]["label"] == "第十四届" and body[0]["is_current"] is True
