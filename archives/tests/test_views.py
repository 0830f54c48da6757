"""Pages: statistics, archive, records, rule editor, donations — who may open what, what they show, query
counts that do not grow with persons, the Excel export with numbers as numbers."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from archives.items import TZ
from archives.models import RuleItem
from archives.tests.factories import EXPECTED_SCORE, generated_year, hand_rules
from members.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _login(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def year(orgs, users):
    people = generated_year(orgs, users)
    rs = hand_rules(users["staff"])
    people.rule_set = rs
    return people


# ---- refusals ----


@pytest.mark.parametrize("role", ["member", "advisor", "unit", "partner"])
def test_statistics_are_for_staff_and_leaders_only(client, users, year, role):
    response = _login(client, users[role]).get(reverse("archives:statistics") + "?year=2025")
    assert response.status_code == 403
    assert "甲委员" not in response.content.decode()
    assert (
        _login(client, users[role]).get(reverse("archives:statistics") + "?year=2025&export=xlsx").status_code
        == 403
    )


def test_a_member_sees_only_their_own_archive(client, users, year):
    own = users["member"].person
    _login(client, users["member"])
    response = client.get(reverse("archives:me"), follow=True)
    assert response.status_code == 200 and own.name in response.content.decode()
    other = client.get(reverse("archives:person", args=[year.A.pk]) + "?year=2025")
    assert other.status_code == 404 and "甲委员" not in other.content.decode()
    records = client.get(reverse("archives:records") + f"?person={year.A.pk}&item=proposal_lead&year=2025")
    assert records.status_code == 404


@pytest.mark.parametrize("role", ["unit", "partner"])
def test_units_and_partners_see_no_archive(client, users, year, role):
    response = _login(client, users[role]).get(reverse("archives:person", args=[year.A.pk]) + "?year=2025")
    assert response.status_code in (403, 404)
    assert "甲委员" not in response.content.decode()


def test_another_committees_staff_cannot_open_our_persons_archive(client, users, year):
    response = _login(client, users["other_staff"]).get(reverse("archives:person", args=[year.A.pk]))
    assert response.status_code == 404


@pytest.mark.parametrize("role", ["leader", "member"])
def test_only_staff_open_the_rule_editor(client, users, year, role):
    url = reverse("archives:rule_item_new", args=[year.rule_set.pk])
    response = _login(client, users[role]).post(url, {"item": "visit_received", "points": "3"})
    assert response.status_code in (403, 404)
    assert not RuleItem.objects.filter(item="visit_received").exists()


# ---- what the pages show ----


def test_statistics_page_shows_scores_links_and_flags(client, users, year):
    html = (
        _login(client, users["staff"])
        .get(reverse("archives:statistics") + "?year=2025&sort=-score")
        .content.decode()
    )
    assert "2025测试规则（第" in html  # which rule set and version
    assert html.index("甲委员") < html.index("乙委员")  # sorted by score, descending
    assert (
        f"/archives/records/?person={year.A.pk}&amp;item=proposal_filed&amp;role=lead&amp;year=2025" in html
    )
    assert "参加活动未达到" in html
    assert ">144<" in html.replace(" ", "")


def test_statistics_filters_by_the_rosters_filters(client, users, year):
    year.B.region = "mo"
    year.B.save()
    html = (
        _login(client, users["staff"])
        .get(reverse("archives:statistics") + "?year=2025&region=mo")
        .content.decode()
    )
    assert "乙委员" in html and "甲委员" not in html


def test_a_number_opens_the_records_behind_it(client, users, year):
    url = reverse("archives:records") + f"?person={year.A.pk}&item=activity_attended&year=2025"
    html = _login(client, users["staff"]).get(url).content.decode()
    for title in ("三月座谈会", "元旦凌晨活动", "除夕活动", "五月调研", "八月交流"):
        assert title in html
    assert "已取消活动" not in html and "次年元旦活动" not in html and "全体会议上午" not in html
    cos = _login(client, users["staff"]).get(
        reverse("archives:records") + f"?person={year.B.pk}&item=proposal_filed&role=cosigned&year=2025"
    )
    assert "联名提案" in cos.content.decode()


def test_the_archive_page_shows_breakdown_records_and_unmet_minimums(client, users, year):
    html = (
        _login(client, users["staff"])
        .get(reverse("archives:person", args=[year.B.pk]) + "?year=2025")
        .content.decode()
    )
    assert 'id="archive-score">53<' in html
    assert "未达到最低要求：参加活动" in html
    assert "被并案的提案" in html and "联名提案" in html
    assert "2025测试规则" in html


def test_a_year_without_rules_says_so_and_offers_to_create_them(client, users, year):
    html = _login(client, users["staff"]).get(reverse("archives:statistics") + "?year=2019").content.decode()
    assert "2019 年度尚未设置履职积分规则" in html
    assert reverse("archives:rule_sets") + "?year=2019" in html
    member_html = (
        _login(client, users["member"])
        .get(reverse("archives:me") + "?year=2019", follow=True)
        .content.decode()
    )
    assert "2019 年度尚未设置履职积分规则" in member_html and "请联系本委工作人员" in member_html


def test_the_archive_reads_in_traditional_chinese(client, users, year):
    users["member"].script = "hant"
    users["member"].save()
    html = (
        _login(client, users["member"])
        .get(reverse("archives:me") + "?year=2025", follow=True)
        .content.decode()
    )
    assert "履職檔案" in html


def test_excel_export_has_the_same_columns_and_numbers_as_numbers(client, users, year):
    response = _login(client, users["staff"]).get(
        reverse("archives:statistics") + "?year=2025&export=xlsx&all=1"
    )
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = list(ws.iter_rows(values_only=True))
    header = rows[0]
    a = next(r for r in rows if r[0] == "甲委员")
    assert a[header.index("总分")] == 144 and isinstance(a[header.index("总分")], int)
    assert a[header.index("捐资助学/资助（元）")] == 300000
    assert a[header.index("提案立案（领衔）（件）")] == 1
    assert rows[-2][0] == "合计" and rows[-1][0] == "平均"
    assert rows[-2][header.index("总分")] == sum(EXPECTED_SCORE.values())


def test_statistics_query_count_does_not_grow_with_persons(
    client, users, orgs, year, django_assert_max_num_queries
):
    _login(client, users["staff"])
    url = reverse("archives:statistics") + "?year=2025"
    client.get(url)  # warm-up (content types …)
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for i in range(40):
        PersonFactory(name=f"新增委员{i:02d}", owner_org=orgs.committee)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


# ---- the rule editor changes scores at once ----


def test_staff_change_a_rule_in_the_browser_and_the_score_changes(client, users, year):
    _login(client, users["staff"])
    ri = RuleItem.objects.get(rule_set=year.rule_set, item="activity_attended")
    url = reverse("archives:rule_item_edit", args=[year.rule_set.pk, ri.pk])
    response = client.post(url, {"item": "activity_attended", "points": "5", "per_units": "1", "cap": "25"})
    assert response.status_code == 302
    html = client.get(reverse("archives:person", args=[year.A.pk]) + "?year=2025").content.decode()
    assert 'id="archive-score">154<' in html
    year.rule_set.refresh_from_db()
    assert f"第{year.rule_set.version}版" in html


def test_a_bad_rule_from_the_browser_shows_the_chinese_error_and_saves_nothing(client, users, year):
    _login(client, users["staff"])
    version = year.rule_set.version
    url = reverse("archives:rule_item_new", args=[year.rule_set.pk])
    html = client.post(url, {"item": "visit_received", "points": "5", "cap": "2"}).content.decode()
    assert "年度上限（2 分）低于一次的分值（5 分）" in html
    year.rule_set.refresh_from_db()
    assert year.rule_set.version == version and not RuleItem.objects.filter(item="visit_received").exists()


def test_grades_with_a_gap_are_refused_in_the_browser(client, users, year):
    _login(client, users["staff"])
    url = reverse("archives:grades_edit", args=[year.rule_set.pk])
    data = {"g-TOTAL_FORMS": "3", "g-INITIAL_FORMS": "0", "g-MIN_NUM_FORMS": "0", "g-MAX_NUM_FORMS": "10",
            "g-0-label": "优秀", "g-0-min_score": "90", "g-0-max_score": "",
            "g-1-label": "良好", "g-1-min_score": "70", "g-1-max_score": "80",
            "g-2-label": "不称职", "g-2-min_score": "", "g-2-max_score": "70"}  # fmt: skip
    html = client.post(url, data).content.decode()
    assert "80 分至 90 分没有对应的等级" in html


def test_staff_create_next_years_rules_by_copying(client, users, year):
    _login(client, users["staff"])
    response = client.post(
        reverse("archives:rule_sets"),
        {"year": "2026", "start": "copy", "copy_from": year.rule_set.pk, "name": ""},
    )
    assert response.status_code == 302
    html = client.get(response["Location"]).content.decode()
    assert "2026年度委员履职积分规则" in html and "复制自2025测试规则" in html
    again = client.post(reverse("archives:rule_sets"), {"year": "2026", "start": "empty"}).content.decode()
    assert "2026 年度已有积分规则" in again


# ---- donations ----


def test_staff_record_a_joint_donation_in_the_browser_and_it_counts_once_verified(client, users, year):
    _login(client, users["staff"])
    data = {
        "donor_kind": "joint", "persons": [year.C.pk, year.D.pk], "shares": "丙委员:30000\n丁委员:20000",
        "amount": "50000", "programme": "rural", "recipient": "某村", "date": "2025-11-01",
    }  # fmt: skip
    response = client.post(reverse("archives:donation_new"), data)
    assert response.status_code == 302
    detail = response["Location"]
    assert "未核实" in client.get(detail).content.decode()
    client.post(detail + "verify/")
    html = client.get(
        reverse("archives:records") + f"?person={year.C.pk}&item=donation_amount&year=2025"
    ).content.decode()
    assert "某村" in html and "30000" in html


def test_shares_that_do_not_add_up_are_refused_in_the_browser(client, users, year):
    _login(client, users["staff"])
    data = {
        "donor_kind": "joint", "persons": [year.C.pk, year.D.pk], "shares": "丙委员:30000\n丁委员:10000",
        "amount": "50000", "programme": "rural", "recipient": "某村", "date": "2025-11-01",
    }  # fmt: skip
    html = client.post(reverse("archives:donation_new"), data).content.decode()
    assert "不一致" in html


def test_a_member_sees_only_donations_they_share_in(client, users, year):
    _login(client, users["member"])
    html = client.get(reverse("archives:donations")).content.decode()
    assert "王村港镇" not in html
    from archives.models import Donation

    d = Donation.objects.get(recipient="王村港镇")
    assert client.get(reverse("archives:donation_detail", args=[d.pk])).status_code == 404


def test_donations_page_totals_by_programme(client, users, year):
    html = _login(client, users["staff"]).get(reverse("archives:donations") + "?year=2025").content.decode()
    assert "助学" in html and "绿美广州" in html
    assert 'id="grand-amount">390,000.00<' in html or 'id="grand-amount">390000.00<' in html


def test_the_nav_shows_statistics_to_the_office_and_my_archive_to_members(client, users, year):
    assert "履职统计" in _login(client, users["leader"]).get("/").content.decode()
    html = _login(client, users["member"]).get("/").content.decode()
    assert "我的履职档案" in html and "履职统计" not in html


def test_activity_dates_use_shanghai_midnight(year):
    assert dt.datetime(2025, 1, 1, 0, 30, tzinfo=TZ).astimezone(dt.UTC).year == 2024
    assert Decimal(1) == 1
