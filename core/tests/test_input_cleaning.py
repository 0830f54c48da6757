"""Defects 1 and 6 (issue 11): control characters and NUL are dropped at every door — Django forms, the public
citizen form, API bodies, search and filter parameters — so nothing is stored that breaks an Excel export, and
PostgreSQL (which refuses NUL in text) never answers 500."""

import io
import json

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.text import clean_text
from ideas.models import Idea
from ideas.tests.test_views import SUBMIT, _form
from opinions.models import OpinionReport

pytestmark = pytest.mark.django_db

HOSTILE = "港澳\x00居民\x0b办理\x01社保\x1f"
CLEAN = "港澳居民办理社保"


def test_clean_text_drops_what_no_export_or_database_can_hold_and_keeps_the_rest():
    assert clean_text("a\x00b\x0bc\x01\x1f\ud800\ufffe") == "abc"
    assert clean_text("行一\n行二\r\n\t缩进 ＡＢ 體") == "行一\n行二\r\n\t缩进 ＡＢ 體"
    assert clean_text("") == "" and clean_text(None) is None


def test_a_form_stores_no_control_characters_and_its_export_opens(client, users):
    client.force_login(users["member"])
    response = client.post(
        reverse("opinions:create"),
        {
            "title": HOSTILE,
            "situation": "情况\x00",
            "analysis": "分\x08析",
            "suggestion": "建议",
            "submit": "1",
        },
    )
    assert response.status_code == 302
    report = OpinionReport.objects.get()
    assert (report.title, report.situation, report.analysis) == (CLEAN, "情况", "分析")
    client.force_login(users["staff"])
    export = client.get(reverse("opinions:export"))
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert CLEAN in [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]


def test_the_public_citizen_form_stores_no_control_characters(client, orgs):
    response = client.post(SUBMIT, _form(client, title=HOSTILE, citizen_name="梁\x00小滑"))
    assert response.status_code == 302
    idea = Idea.objects.get()
    assert (idea.title, idea.citizen_name) == (CLEAN, "梁小滑")


def test_an_api_write_stores_no_control_characters_nor_lone_surrogates(client, users):
    client.force_login(users["member"])
    # Raw JSON, so the escapes arrive as the attacker wrote them (\u0000, a lone surrogate \ud800).
    body = (
        '{"title": "港澳\\u0000居民\\u000b办理\\ud800社保", "situation": "a\\u0001",'
        ' "analysis": "b", "suggestion": "c", "submit": true}'
    )
    response = client.post("/api/v1/opinion-reports", body, content_type="application/json")
    assert response.status_code == 201, response.content
    report = OpinionReport.objects.get()
    assert (report.title, report.situation) == (CLEAN, "a")
    assert json.loads(response.content)["title"] == CLEAN


@pytest.mark.parametrize(
    "url",
    [
        "/opinions/?q=%00",
        "/proposals/?q=a%00b",
        "/members/?q=%00%0b",
        "/ideas/?q=%00",
        "/visits/requests/?q=%00",
        "/activities/?q=%00",
        "/accounts/users/?q=%00",
        "/api/v1/opinion-reports?q=%00",
        "/api/v1/proposals?q=%00",
    ],
)
def test_nul_in_a_search_is_ignored_not_a_server_error(client, users, url):
    client.force_login(users["admin"])
    assert client.get(url).status_code < 500


def test_nul_in_the_public_status_code_is_a_plain_not_found(client):
    response = client.get("/public/ideas/status/?code=AB%00CD")
    assert response.status_code == 404
    assert "ABCD" in response.content.decode()
