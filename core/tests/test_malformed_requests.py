"""Defects 2 and 8 (issue 11): malformed requests answer 400/413/422 with a Chinese message, never 500 — on the
pages (the error page) and on the API (a JSON body)."""

import pytest
from django.urls import reverse

from activities.tests.factories import ActivityFactory

pytestmark = pytest.mark.django_db
BIG = str(2**63)


@pytest.mark.parametrize(
    "url",
    [
        f"/proposals/?session={BIG}",
        f"/proposals/export.xlsx?unit={BIG}",
        f"/visits/requests/?owner={BIG}",
        f"/activities/?kind={BIG}",
        f"/visits/liaison/events/?organisation=-{BIG}0",
        "/opinions/?year=99999",
        "/visits/?year=0",
        f"/api/v1/proposals?session={BIG}",
        f"/api/v1/proposals?unit={BIG}",
        f"/api/v1/requests?owner={BIG}",
        f"/api/v1/activities?kind={BIG}",
        f"/api/v1/members?offset={BIG}",
        f"/api/v1/visits?limit=10&offset={BIG}",
        "/api/v1/activities?year=10000",
        "/api/v1/opinion-reports?year=" + "9" * 5000,
    ],
)
def test_an_out_of_range_number_in_a_filter_is_a_400_not_a_500(client, users, url):
    client.force_login(users["admin"])
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert "超出范围" in response.json()["detail"]
    else:
        assert "超出范围" in response.content.decode()


def test_a_long_number_in_a_search_is_still_a_search(client, users):
    client.force_login(users["admin"])
    assert client.get(f"/proposals/?q={BIG}{BIG}").status_code == 200
    assert client.get(f"/api/v1/proposals?q={BIG}").status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/opinion-reports", "/opinions/new/"])
def test_a_body_over_the_limit_is_a_413_before_it_is_read(client, users, settings, url):
    settings.TONGXIN_MAX_REQUEST_BYTES = 1000
    client.force_login(users["member"])
    response = client.post(url, {"title": "x" * 2000}, content_type="application/json")
    assert response.status_code == 413
    assert "请求过大" in response.content.decode()


def test_the_request_limit_is_one_upload_and_its_form(settings):
    assert settings.TONGXIN_MAX_REQUEST_BYTES == settings.TONGXIN_MAX_UPLOAD_BYTES + 1024 * 1024


@pytest.mark.parametrize("url", ["/api/v1/members/import", "/members/import/"])
def test_a_multipart_body_without_boundary_is_a_400(client, users, url):
    client.force_login(users["staff"])
    response = client.generic("POST", url, b"--x\r\nbroken", content_type="multipart/form-data")
    assert response.status_code == 400
    assert "格式不正确" in response.content.decode()


def test_null_for_an_activitys_place_is_a_422_and_nothing_changes(client, users):
    activity = ActivityFactory(owner_org=users["staff"].organisation, place="礼堂")
    client.force_login(users["staff"])
    url = f"/api/v1/activities/{activity.pk}"
    response = client.patch(url, {"place": None}, content_type="application/json")
    assert response.status_code == 422
    assert "place 不能为 null" in response.json()["detail"]
    activity.refresh_from_db()
    assert activity.place == "礼堂"
    # A field that may be emptied still takes null.
    response = client.patch(url, {"quota": None}, content_type="application/json")
    assert response.status_code == 200, response.content


def test_nothing_here_needs_a_login_to_be_refused_politely(client):
    assert client.get(reverse("ideas_public:lookup"), {"year": BIG}).status_code == 400
