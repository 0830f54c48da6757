"""A member's and advisor's year at a glance on the home page (issue 9 item 8) and on the profile: score and
grade so far against each minimum, the archive one click away; figures by hand, query count pinned, 繁體."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.tests.factories import ActivityFactory, InvitationFactory
from archives import selectors, services
from archives.items import TZ
from proposals.models import Proposal

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    """This year in Asia/Shanghai, taken when the test runs (not when the module is imported)."""
    return timezone.localdate().year


def _records(orgs, person, *, year: int, activities: int = 2, proposals: int = 1):
    """Checked in at `activities` activities and one submitted proposal on 2 January of this year."""
    start = dt.datetime(year, 1, 2, 9, tzinfo=TZ)
    for i in range(activities):
        activity = ActivityFactory(owner_org=orgs.committee, starts_at=start + dt.timedelta(hours=i))
        InvitationFactory(
            activity=activity, person=person, status="checked_in", checked_in_at=activity.starts_at
        )
    for i in range(proposals):
        Proposal.objects.create(
            owner_org=orgs.committee,
            title=f"提案{i}",
            body="正文",
            author=person,
            submitted_at=start,
            status="submitted",
        )


@pytest.fixture
def member_year(orgs, users, year):
    services.rule_set_create_default(actor=users["staff"], year=year)
    _records(orgs, users["member"].person, year=year)
    return users["member"]


def test_the_member_sees_score_grade_and_each_minimum_on_the_home_page(client, member_year, year):
    # default rules: 2 activities × 5 + 1 proposal × 10 = 20 → 不称职 (称职 from 60: 40 to go);
    # 参加活动 2 of 3 (not met), 提案或社情民意信息 1 of 1 (met)
    client.force_login(member_year)
    html = client.get("/").content.decode()
    assert f"我的{year}年度履职" in html
    assert '<span class="stat-value" id="glance-score">20</span>' in html
    assert '<span class="stat-value" id="glance-grade">不称职</span>' in html
    assert "距“称职”还差 40 分" in html
    assert '<span class="tag bad">未达到</span> 参加活动：2 / 3' in html
    assert '<span class="tag ok">已达到</span> 提案或社情民意信息：1 / 1' in html
    archive = reverse("archives:person", args=[member_year.person.pk]) + f"?year={year}"
    assert f'href="{archive}">查看我的履职档案' in html
    assert client.get(archive).status_code == 200


def test_the_glance_agrees_with_the_archive(member_year, users, year):
    glance = selectors.year_at_a_glance(member_year.person, year=year)
    archive = selectors.person_archive(users["staff"], member_year.person, year=year, with_records=False)
    assert (glance.score, glance.grade) == (archive.score, archive.grade) == (20, "不称职")
    assert [m.label for m in glance.unmet] == [u.label for u in archive.result.unmet] == ["参加活动"]


def test_an_advisor_gets_the_same(client, orgs, users, year):
    services.rule_set_create_default(actor=users["staff"], year=year)
    _records(orgs, users["advisor"].person, year=year, activities=3, proposals=0)
    client.force_login(users["advisor"])
    html = client.get("/").content.decode()
    assert '<span class="stat-value" id="glance-score">15</span>' in html
    assert '<span class="tag ok">已达到</span> 参加活动：3 / 3' in html
    assert '<span class="tag bad">未达到</span> 提案或社情民意信息：0 / 1' in html


def test_the_home_page_query_count_does_not_grow_with_the_records(
    client, orgs, member_year, django_assert_max_num_queries, year
):
    client.force_login(member_year)
    client.get("/")  # warm-up
    with django_assert_max_num_queries(40) as few:
        client.get("/")
    _records(orgs, member_year.person, year=year, activities=10, proposals=5)
    with django_assert_max_num_queries(len(few.captured_queries)):
        html = client.get("/").content.decode()
    # 12 activities × 5 = 60, capped at 40; 6 proposals × 10 = 60, capped at 30
    assert '<span class="stat-value" id="glance-score">70</span>' in html


def test_the_glance_reads_in_traditional_chinese(client, member_year, year):
    member_year.script = "hant"
    member_year.save()
    client.force_login(member_year)
    html = client.get("/").content.decode()
    assert f"我的{year}年度履職" in html and "未達到" in html and "查看我的履職檔案" in html


def test_a_year_without_rules_shows_the_latest_year_with_rules(client, orgs, users, year):
    services.rule_set_create_default(actor=users["staff"], year=year - 1)
    client.force_login(users["member"])
    html = client.get("/").content.decode()
    assert f"{year} 年度尚未设置履职积分规则，以下为 {year - 1} 年度。" in html
    assert f"?year={year - 1}" in html


def test_no_rules_at_all_says_so_and_still_links_the_archive(client, users):
    client.force_login(users["member"])
    html = client.get("/").content.decode()
    assert "尚未设置履职积分规则，暂不能计算积分。" in html
    assert reverse("archives:person", args=[users["member"].person.pk]) in html


@pytest.mark.parametrize("role", ["staff", "leader", "unit", "partner"])
def test_the_office_and_outsiders_have_no_glance_of_their_own(client, member_year, users, role):
    client.force_login(users[role])
    assert "年度履职" not in client.get("/").content.decode().replace("年度履职总览", "")


def test_the_profile_shows_the_year_to_staff_and_to_the_person(client, member_year, users):
    url = reverse("members:detail", args=[member_year.person.pk])
    client.force_login(users["staff"])
    html = client.get(url).content.decode()
    assert "履职积分" in html and '<span class="stat-value" id="glance-score">20</span>' in html
    assert "查看履职档案" in html
    client.force_login(member_year)
    response = client.get(url)
    assert response.status_code == 200 and "查看我的履职档案" in response.content.decode()
