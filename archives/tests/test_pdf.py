"""The archive as a PDF: a real PDF with the person, the score, the grade, the unmet minimums and the rule set;
简 or 繁; the same permission as the archive page."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from archives.tests.factories import EXPECTED_SCORE, generated_year, hand_rules

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(orgs, users):
    people = generated_year(orgs, users)
    people.rule_set = hand_rules(users["staff"])
    return people


def _text(response) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    content = b"".join(response.streaming_content) if response.streaming else response.content
    assert content.startswith(b"%PDF-")
    reader = PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def _pdf_url(person, **params):
    query = "&".join(f"{k}={v}" for k, v in {"year": 2025, **params}.items())
    return reverse("archives:person_pdf", args=[person.pk]) + "?" + query


def test_staff_download_a_members_archive_as_pdf_with_name_score_grade_and_rules(client, users, year):
    client.force_login(users["staff"])
    response = client.get(_pdf_url(year.A))
    text = _text(response)
    assert "甲委员" in text and "2025年度履职档案" in text
    assert str(EXPECTED_SCORE["A"]) in text and "优秀" in text
    assert "2025测试规则" in text  # the rule set that produced it
    assert "积分明细" in text and "履职记录" in text
    assert "attachment" in response["Content-Disposition"]
    assert "pdf" in response["Content-Disposition"]


def test_the_pdf_names_the_unmet_minimums(client, users, year):
    client.force_login(users["leader"])
    text = _text(client.get(_pdf_url(year.C)))
    assert "丙委员" in text and str(EXPECTED_SCORE["C"]) in text
    assert "未达到最低要求" in text and "参加活动" in text and "提案或社情民意信息" in text


def test_a_member_downloads_their_own_pdf_but_no_one_elses(client, users, year):
    own = users["member"].person
    client.force_login(users["member"])
    assert own.name in _text(client.get(_pdf_url(own)))
    other = client.get(_pdf_url(year.A))
    assert other.status_code == 404 and b"%PDF" not in other.content


@pytest.mark.parametrize("role", ["other_staff", "unit", "partner"])
def test_others_get_no_pdf(client, users, year, role):
    client.force_login(users[role])
    response = client.get(_pdf_url(year.A))
    assert response.status_code in (403, 404)
    assert b"%PDF" not in response.content


def test_the_pdf_in_traditional_chinese_by_preference_or_by_link(client, users, year):
    client.force_login(users["staff"])
    hant = _text(client.get(_pdf_url(year.A, script="hant")))
    assert "履職檔案" in hant and "履职档案" not in hant
    users["staff"].script = "hant"
    users["staff"].save()
    assert "履職檔案" in _text(client.get(_pdf_url(year.A)))
    assert "履职档案" in _text(client.get(_pdf_url(year.A, script="hans")))


def test_the_archive_page_links_to_its_pdf(client, users, year):
    client.force_login(users["member"])
    own = users["member"].person
    html = client.get(reverse("archives:person", args=[own.pk]) + "?year=2025").content.decode()
    assert "下载PDF" in html and reverse("archives:person_pdf", args=[own.pk]) + "?year=2025" in html


def test_a_year_without_rules_gives_the_message_not_a_pdf(client, users, year):
    client.force_login(users["staff"])
    response = client.get(_pdf_url(year.A, year=2019))
    assert response["Content-Type"].startswith("text/html")
    assert "2019 年度尚未设置履职积分规则" in response.content.decode()
