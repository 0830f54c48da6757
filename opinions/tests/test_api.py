import pytest

from members.tests.factories import PersonFactory
from opinions.models import OpinionReport, ReportStatus
from opinions.tests.factories import OpinionReportFactory

pytestmark = pytest.mark.django_db
URL = "/api/v1/opinion-reports"


def test_member_creates_and_submits_through_the_api(client, users):
    client.force_login(users["member"])
    body = {"title": "API 报告", "situation": "a", "analysis": "b", "suggestion": "c", "submit": True}
    response = client.post(URL, body, content_type="application/json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted"


def test_unknown_field_is_refused_in_chinese(client, users):
    client.force_login(users["member"])
    response = client.post(URL, {"title": "x", "colour": "red"}, content_type="application/json")
    assert response.status_code == 422
    assert "不允许的字段" in response.json()["detail"]


def test_staff_moves_a_report_and_member_cannot(client, users, draft):
    OpinionReport.objects.filter(pk=draft.pk).update(status=ReportStatus.SUBMITTED)
    client.force_login(users["member"])
    refused = client.post(
        f"{URL}/{draft.pk}/transition", {"target": "accepted"}, content_type="application/json"
    )
    assert refused.status_code == 403 and "工作人员" in refused.json()["detail"]
    client.force_login(users["staff"])
    ok = client.post(f"{URL}/{draft.pk}/transition", {"target": "accepted"}, content_type="application/json")
    assert ok.status_code == 200 and ok.json()["status"] == "accepted"


def test_illegal_step_is_a_400_with_the_reason(client, users, draft):
    client.force_login(users["staff"])
    response = client.post(f"{URL}/{draft.pk}/transition", {"target": "adopted", "level": "city"},
                           content_type="application/json")  # fmt: skip
    assert response.status_code == 400 and "不能执行" in response.json()["detail"]


def test_other_committee_staff_get_404(client, users, draft):
    client.force_login(users["other_staff"])
    assert client.get(f"{URL}/{draft.pk}").status_code == 404


@pytest.mark.parametrize("rows", [3, 30])
def test_api_list_query_count_does_not_grow(client, users, orgs, rows, django_assert_max_num_queries):
    for _ in range(rows):
        OpinionReportFactory(author=PersonFactory(owner_org=orgs.committee), owner_org=orgs.committee)
    client.force_login(users["staff"])
    with django_assert_max_num_queries(6):
        response = client.get(URL)
    assert response.json()["count"] == rows
