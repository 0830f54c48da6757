"""The JSON API: filters, detail, create, workflow steps as endpoints, Chinese refusals, fixed query counts."""

import json

import pytest

from conftest import login_client

from ..models import Proposal, ProposalStatus
from . import factories as f

pytestmark = pytest.mark.django_db

URL = "/api/v1/proposals"


def _post(client, url, data=None):
    return client.post(url, json.dumps(data or {}), content_type="application/json")


@pytest.mark.parametrize("n", [3, 12])
def test_list_query_count_is_fixed(client, users, orgs, n, django_assert_max_num_queries):
    f.many(users, orgs, n)
    login_client(client, users["staff"])
    with django_assert_max_num_queries(9):
        r = client.get(URL, {"status": "handling", "limit": 50})
    body = r.json()
    assert body["count"] == n and all(len(item["units"]) == 2 for item in body["items"])


def test_member_creates_submits_and_lists_own(client, users, orgs):
    f.seat(users["member"].person)
    login_client(client, users["member"])
    r = _post(client, URL, {"title": "关于增加广州滑板场建设的提案", "body": "建议建设滑板公园。"})
    assert r.status_code == 201, r.content
    pk = r.json()["id"]
    r = _post(client, f"{URL}/{pk}/submit")
    assert r.status_code == 200 and r.json()["status"] == "submitted"
    assert [i["id"] for i in client.get(URL, {"mine": True}).json()["items"]] == [pk]


def test_empty_and_huge_proposals_are_refused_in_chinese(client, users, orgs):
    f.seat(users["member"].person)
    login_client(client, users["member"])
    r = _post(client, URL, {"title": " ", "body": "正文"})
    assert r.status_code == 400 and "案由" in r.json()["detail"]
    r = _post(client, URL, {"title": "案由", "body": "字" * 200_000})
    assert r.status_code == 400 and "不能超过" in r.json()["detail"]
    assert Proposal.objects.count() == 0


def test_workflow_steps_by_staff_unit_and_member(client, users, orgs, session):
    p = f.submitted(users)
    login_client(client, users["staff"])
    assert _post(client, f"{URL}/{p.pk}/file", {"note": "立案"}).json()["number"].endswith("第0001号")
    r = _post(client, f"{URL}/{p.pk}/assign", {"lead_id": orgs.sports.pk})
    assert r.json()["status"] == "handling"
    login_client(client, users["unit"])
    assert _post(client, f"{URL}/{p.pk}/reply", {"reply_class": "A", "body": "已建成"}).status_code == 200
    assert _post(client, f"{URL}/{p.pk}/reply/submit").json()["status"] == "reply_review"
    login_client(client, users["staff"])
    assert _post(client, f"{URL}/{p.pk}/reply/review", {"approve": True}).json()["status"] == "replied"
    login_client(client, users["member"])
    r = _post(client, f"{URL}/{p.pk}/rate", {"value": "satisfied"})
    assert r.json()["status"] == "closed" and r.json()["replies"][0]["body"] == "已建成"


def test_forbidden_step_is_403_with_reason_and_invisible_is_404(client, users, orgs):
    p = f.submitted(users)
    login_client(client, users["member"])
    r = _post(client, f"{URL}/{p.pk}/file")
    assert r.status_code == 403 and "工作人员" in r.json()["detail"]
    login_client(client, users["unit"])
    assert _post(client, f"{URL}/{p.pk}/reply", {"reply_class": "A", "body": "x"}).status_code == 404
    assert client.get(f"{URL}/{p.pk}").status_code == 404


def test_illegal_transition_is_400(client, users, orgs):
    p = f.draft(users)
    login_client(client, users["staff"])
    r = _post(client, f"{URL}/{p.pk}/file")
    assert r.status_code == 400 and "不能执行" in r.json()["detail"]
    assert Proposal.objects.get(pk=p.pk).status == ProposalStatus.DRAFT


def test_unknown_fields_are_refused(client, users, orgs):
    login_client(client, users["member"])
    r = _post(client, URL, {"title": "案由", "body": "正文", "status": "closed"})
    assert r.status_code == 422


@pytest.mark.parametrize(
    "body",
    [{}, {"lead_id": "not-a-number"}, {"lead_id": 999999}, {"unknown": 1}, "not json"],
    ids=["empty", "wrong-type", "missing-unit", "unknown-field", "malformed"],
)
def test_a_handling_unit_reassigning_through_the_api_gets_403_before_its_body_is_read(
    client, users, orgs, session, body
):
    """Permission first in the API too (core.api.permission_first): 403, never 400 or 422."""
    p = f.handling(users, orgs)
    login_client(client, users["unit"])
    data = body if isinstance(body, str) else json.dumps(body)
    r = client.post(f"{URL}/{p.pk}/assign", data, content_type="application/json")
    assert r.status_code == 403, r.content
    assert "承办单位不能自行转办" in r.json()["detail"]


def test_an_invisible_proposal_is_404_through_the_api_whatever_the_body(client, users, orgs, session):
    p = f.handling(users, orgs)
    login_client(client, users["other_staff"])
    r = client.post(f"{URL}/{p.pk}/assign", "not json", content_type="application/json")
    assert r.status_code == 404


def test_staff_draft_for_a_current_member_only(client, users, orgs):
    """As the staff's form: the author named by `author_id` holds a seat now; a former member is refused in
    Chinese at the field, nothing created."""
    import datetime as dt

    from members.models import TermRole
    from members.tests.factories import PersonFactory, TermFactory

    term = TermFactory(cppcc=orgs.city, number=14, is_current=True)
    current = PersonFactory(name="现任委员", owner_org=orgs.committee)
    TermRole.objects.create(person=current, term=term, role="member")
    former = PersonFactory(name="离任委员", owner_org=orgs.committee)
    TermRole.objects.create(person=former, term=term, role="member", end_date=dt.date(2023, 6, 30))
    staff = login_client(client, users["staff"])
    body = {"title": "关于完善社区养老服务的提案", "body": "建议完善社区养老服务设施。"}
    refused = _post(staff, "/api/v1/proposals", {**body, "author_id": former.pk})
    assert refused.status_code == 400 and refused.json()["field"] == "author_id"
    assert "已离任的委员不能提出新提案" in refused.json()["detail"]
    assert not Proposal.objects.filter(author=former).exists()
    made = _post(staff, "/api/v1/proposals", {**body, "author_id": current.pk})
    assert made.status_code == 201 and Proposal.objects.get(pk=made.json()["id"]).author == current
