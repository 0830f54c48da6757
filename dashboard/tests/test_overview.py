"""The leaders' overview: every number of a generated year against hand-computed figures, every chart number
clicking through to exactly the records it counts, the filters, who may open it, its query count and 繁體."""

import json
import re
from urllib.parse import parse_qs, urlparse

import pytest
from django.urls import reverse

from dashboard import selectors
from dashboard.selectors import Filters

from . import year as gen

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(orgs, users):
    return gen.build(orgs, users)


def _panels(user, **filters):
    data = selectors.overview(user=user, filters=Filters(year=gen.YEAR, **filters))
    return data, {p.key: p for p in data.panels}


def _column(panel, series_index=0) -> dict:
    return {cat: cells[series_index].value for cat, cells in panel.rows}


def test_every_figure_of_the_generated_year_matches_the_hand_count(year, users):
    data, panels = _panels(users["leader"])
    e = gen.EXPECTED

    months = {int(cat[:-1]): (inv.value, chk.value) for cat, (inv, chk, _) in panels["attendance"].rows}
    assert {m: v for m, v in months.items() if v != (0, 0)} == e["attendance"]
    rates = {cat: rate.shown for cat, (_, _, rate) in panels["attendance"].rows}
    assert rates["1月"] == "50.0%" and rates["3月"] == "66.7%" and rates["2月"] == "—"

    assert _column(panels["proposal_states"]) == {
        "办理中": 1,
        "已办结": 2,
        "待审查": 1,
        "不予立案": 1,
    }
    units = {cat: (lead.value, co.value) for cat, (lead, co) in panels["proposal_units"].rows}
    assert units == e["by_unit"]
    assert _column(panels["overdue_units"]) == e["overdue_by_unit"]
    assert _column(panels["reply_classes"]) == {f"{k}类": v for k, v in e["by_class"].items()}
    assert _column(panels["satisfaction"]) == {"满意": 1, "基本满意": 1, "不满意": 0}
    assert _column(panels["outcomes"]) == {"被采纳": 1, "已完成": 1}
    assert _column(panels["opinion_levels"]) == {"全国": 0, "省级": 1, "市级": 2}
    assert _column(panels["requests"]) == {"已解决": 1, "无法解决": 1, "办理中": 1, "待办理": 1}
    assert _column(panels["coverage"]) == {"已覆盖": 2, "未覆盖": 2}
    assert [p.title for p in data.outcomes] == ["关于建设社区球场的提案"]

    figures = {f.label: f.value for f in data.figures}
    assert figures == {
        "活动出勤率": "60.0%",  # 6 of 10
        "提交提案": "5",
        "提案被采纳": "1",
        "逾期未答复": "1",
        "社情民意被采用": "3",
        "诉求已解决": "1",
        "走访覆盖率": "50.0%",
    }


def test_person_filters_narrow_whose_records_are_counted(year, users):
    _, panels = _panels(users["leader"], region="mo")
    e = gen.EXPECTED_MACAO
    months = {int(c[:-1]): (i.value, k.value) for c, (i, k, _) in panels["attendance"].rows}
    assert {m: v for m, v in months.items() if v != (0, 0)} == e["attendance"]
    assert _column(panels["proposal_states"]) == {"不予立案": 1}
    assert _column(panels["opinion_levels"]) == {"全国": 0, "省级": 0, "市级": 1}
    assert _column(panels["requests"]) == {"已解决": 0, "无法解决": 0, "办理中": 1, "待办理": 0}
    assert _column(panels["coverage"]) == {"已覆盖": 1, "未覆盖": 0}

    _, panels = _panels(users["leader"], term=year.term14)
    months = {int(c[:-1]): (i.value, k.value) for c, (i, k, _) in panels["attendance"].rows}
    assert {m: v for m, v in months.items() if v != (0, 0)} == gen.EXPECTED_TERM14["attendance"]
    assert sum(_column(panels["proposal_states"]).values()) == 5
    assert _column(panels["coverage"]) == {"已覆盖": 2, "未覆盖": 1}

    _, panels = _panels(users["leader"], sector=year.qiao)  # 黄侨心 only
    assert _column(panels["satisfaction"]) == {"满意": 0, "基本满意": 1, "不满意": 0}


def _records_behind(client, url: str, series: str) -> int:
    """How many records the page a chart number links to lists (what a user sees after the click)."""
    response = client.get(url)
    assert response.status_code == 200, url
    if urlparse(url).path == reverse("activities:summary"):
        return response.context["totals"]["invited" if series.startswith("受邀") else "checked_in"]
    return response.context["page"].paginator.count


@pytest.mark.parametrize("scope", [{}, {"region": "mo"}, {"term": "term14"}])
def test_every_chart_number_opens_exactly_the_records_it_counts(client, year, users, scope):
    if "term" in scope:
        scope = {"term": year.term14}
    client.force_login(users["leader"])
    data, _ = _panels(users["leader"], **scope)
    checked = 0
    for panel in data.panels:
        for series in panel.series:
            if series.kind != "bar":
                continue
            for category, cell in zip(panel.categories, series.cells, strict=True):
                assert cell.url, (panel.key, category)
                shown = _records_behind(client, cell.url, series.name)
                assert shown == cell.value, (panel.key, category, series.name, cell.url)
                checked += 1
    for figure in data.figures:
        assert client.get(figure.url).status_code == 200
    assert checked > 30


def _ids(client, url_name, **params) -> set[int]:
    response = client.get(reverse(url_name), params)
    return {obj.pk for obj in response.context["page"].object_list}


def test_the_lists_behind_the_charts_hold_the_right_records(client, year, users):
    client.force_login(users["leader"])
    y = gen.YEAR
    assert _ids(client, "proposals:list", year=y) == {
        year.pr1.pk,
        year.pr2.pk,
        year.pr3.pk,
        year.pr4.pk,
        year.pr5.pk,
    }
    assert _ids(client, "proposals:list", year=y, reply_class="A") == {year.pr2.pk, year.pr3.pk}
    assert _ids(client, "proposals:list", year=y, reply_class="B") == set()
    assert _ids(client, "proposals:list", year=y, rating="basic") == {year.pr3.pk}
    sports = users["unit"].organisation_id
    assert _ids(client, "proposals:list", year=y, unit=sports, unit_role="lead") == {year.pr1.pk, year.pr2.pk}
    assert _ids(client, "proposals:list", year=y, unit=sports, unit_role="co") == set()
    assert _ids(client, "proposals:list", year=y, unit=sports, unit_role="lead", due="overdue") == {
        year.pr1.pk
    }
    assert _ids(client, "proposals:list", year=y, outcome="completed") == {year.pr2.pk}
    assert _ids(client, "opinions:list", year=y, adopted_level="city") == {year.r1.pk, year.r3.pk}
    assert _ids(client, "opinions:list", year=y, adopted="1") == {year.r1.pk, year.r2.pk, year.r3.pk}
    assert _ids(client, "visits:coverage", year=y, show="covered") == {year.p1.pk, year.p3.pk}
    # the person filters travel with the link and show on the list page, with a way to clear them
    html = client.get(reverse("proposals:list"), {"year": y, "region": "mo"}).content.decode()
    assert "委员范围：地区：澳门" in html and "清除" in html
    assert _ids(client, "proposals:list", year=y, region="mo") == {year.pr5.pk}


def test_the_monthly_attendance_links_to_that_months_summary_with_totals(client, year, users):
    client.force_login(users["leader"])
    _, panels = _panels(users["leader"])
    march = dict(panels["attendance"].rows)["3月"][0].url
    assert parse_qs(urlparse(march).query) == {"start": ["2025-03-01"], "end": ["2025-03-31"]}
    response = client.get(march)
    names = {r["person__name"] for r in response.context["page"].object_list}
    assert names == {"陈大文", "李澳门", "张旧届"}
    html = response.content.decode()
    assert re.search(r'id="total-invited">3<', html) and re.search(r'id="total-checked-in">2<', html)


@pytest.mark.parametrize("role", ["leader", "staff", "admin"])
def test_the_committee_office_opens_the_overview(client, users, role):
    client.force_login(users[role])
    response = client.get(reverse("dashboard:overview"))
    assert response.status_code == 200
    assert "领导总览" in response.content.decode()


@pytest.mark.parametrize("role", ["member", "advisor", "unit", "partner"])
def test_members_advisors_units_and_partners_may_not_open_the_overview(client, users, role):
    client.force_login(users[role])
    response = client.get(reverse("dashboard:overview"))
    assert response.status_code == 403
    assert "只有委员会领导和工作人员可以查看领导总览" in response.content.decode()
    assert "领导总览" not in client.get("/").content.decode()  # nor is it in their menu


def test_signed_out_visitors_are_sent_to_the_login(client):
    response = client.get(reverse("dashboard:overview"))
    assert response.status_code == 302 and reverse("accounts:login") in response["Location"]


def test_bad_filter_values_are_reported_in_chinese_and_ignored(client, users):
    client.force_login(users["leader"])
    response = client.get(reverse("dashboard:overview"), {"year": "20x5", "term": "99999", "region": "xx"})
    assert response.status_code == 200
    html = response.content.decode()
    assert "年度：" in html and "届次：" in html and "地区：" in html and "所选项目不存在" in html


def test_the_overview_opens_on_the_latest_year_with_activities(client, year, users):
    client.force_login(users["leader"])
    # the 2026-01-01 activity has started (today is later), so 2026 is the latest year with activities
    assert selectors.default_year(users["leader"]) == 2026
    response = client.get(reverse("dashboard:overview"))
    assert response.context["filters"].year == 2026


def test_query_count_does_not_grow_with_the_data(
    client, orgs, users, settings, django_assert_max_num_queries
):
    from members.tests.factories import PersonFactory

    settings.TONGXIN_OVERVIEW_CACHE_SECONDS = 0  # every request counts: the figures' own queries are pinned
    client.force_login(users["leader"])
    url = reverse("dashboard:overview") + f"?year={gen.YEAR}"
    client.get(url)
    with django_assert_max_num_queries(40) as few:
        assert client.get(url).status_code == 200
    gen.build(orgs, users)
    extra = [PersonFactory(owner_org=orgs.committee) for _ in range(20)]
    activity = gen._activity(orgs, gen.at(2025, 7, 1))
    for p in extra:
        gen._invite(activity, p, "checked_in")
    with django_assert_max_num_queries(40) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_the_overview_reads_in_traditional_chinese_charts_included(client, year, users):
    leader = users["leader"]
    leader.script = "hant"
    leader.save()
    client.force_login(leader)
    html = client.get(reverse("dashboard:overview"), {"year": gen.YEAR}).content.decode()
    assert "領導總覽" in html and "领导总览" not in html
    chart = re.search(r'<script id="chart-attendance" type="application/json">(.*?)</script>', html, re.S)
    data = json.loads(chart.group(1))
    assert data["series"][1]["name"] == "簽到（人次）"
    assert data["series"][1]["data"][0] == {
        "value": 2,
        "url": "/activities/summary/?start=2025-01-01&end=2025-01-31",
    }


def test_a_leaders_home_opens_on_the_key_figures(client, year, users):
    client.force_login(users["leader"])
    html = client.get("/").content.decode()
    assert "2026年履职总览" in html and "查看完整领导总览" in html
    assert html.index("履职总览") < html.index("即将开展的活动")  # above the counters
    client.force_login(users["staff"])
    assert "履职总览" not in client.get("/").content.decode()


@pytest.mark.parametrize(
    "url_name, params",
    [
        (
            "proposals:list",
            {"year": "20x5", "reply_class": "Z", "rating": "great", "outcome": "?", "unit_role": "x"},
        ),
        ("opinions:list", {"year": "abc", "adopted_level": "galactic"}),
        ("visits:request_list", {"year": "next"}),
        ("activities:summary", {"start": "2025-02-30", "end": "soon"}),
        ("visits:coverage", {"year": "1900", "show": "whatever"}),
    ],
)
def test_the_linked_lists_ignore_malformed_filter_values(client, year, users, url_name, params):
    """A hand-edited link never fails: unknown values are ignored (the list shows its default)."""
    client.force_login(users["leader"])
    assert client.get(reverse(url_name), params).status_code == 200


def test_the_linked_lists_refuse_a_malformed_person_filter_by_showing_nothing(client, year, users):
    client.force_login(users["leader"])
    response = client.get(reverse("proposals:list"), {"year": gen.YEAR, "term": "abc"})
    assert response.context["page"].paginator.count == 0
    assert "届次：（无效）" in response.content.decode()


def test_the_figures_are_counted_once_a_minute_and_the_page_says_when(
    client, orgs, users, settings, django_assert_max_num_queries
):
    """Counting the year reads every invitation of it: a leader's reloads within the minute read the counted
    figures (a handful of queries instead of the whole count); the page says when they were counted, and a
    minute later the count includes what changed."""
    settings.TONGXIN_OVERVIEW_CACHE_SECONDS = 60
    gen.build(orgs, users)
    client.force_login(users["leader"])
    url = reverse("dashboard:overview") + f"?year={gen.YEAR}"
    with django_assert_max_num_queries(40) as counted:
        html = client.get(url).content.decode()
    counting = len(counted.captured_queries)  # (the next request resets the connection's query log)
    assert "数据统计于" in html and "每分钟更新" in html
    attendance = client.get(url).context["data"].figures[0]
    assert attendance.hint == "签到 6 / 受邀 10 人次"
    activity = gen._activity(orgs, gen.at(2025, 7, 1))
    gen._invite(activity, users["member"].person, "checked_in")
    with django_assert_max_num_queries(counting - 10):
        assert client.get(url).context["data"].figures[0].hint == "签到 6 / 受邀 10 人次"
    from django.core.cache import cache

    cache.clear()  # as when the minute is over
    assert client.get(url).context["data"].figures[0].hint == "签到 7 / 受邀 11 人次"


def test_the_panels_are_rendered_once_per_count_and_anew_with_the_next(client, orgs, users, settings):
    """The panels' HTML is kept as long as the figures it shows (same user, filters, script and count): a
    reload within the minute shows the same panels, the next count shows its own numbers."""
    import re

    from django.core.cache import cache

    settings.TONGXIN_OVERVIEW_CACHE_SECONDS = 60
    gen.build(orgs, users)
    client.force_login(users["leader"])
    url = reverse("dashboard:overview") + f"?year={gen.YEAR}"

    def panels():
        html = client.get(url).content.decode()
        return re.search(
            r'<div class="panels">(.*?)<section class="card panel" id="panel-minimums"', html, re.S
        )[1]

    first = panels()
    assert "受邀" in first or "签到" in first
    gen._invite(gen._activity(orgs, gen.at(2025, 7, 1)), users["member"].person, "checked_in")
    assert panels() == first  # within the minute: the counted figures, rendered once
    # The counted figures expire (the panels' HTML may outlive them in the cache): the new count's panels show.
    cache.delete(f"dashboard:overview:{users['leader'].pk}:{gen.YEAR}:::")
    assert panels() != first


def test_cached_figures_are_per_user_and_per_filter(client, orgs, users, settings):
    settings.TONGXIN_OVERVIEW_CACHE_SECONDS = 60
    gen.build(orgs, users)
    leader = users["leader"]
    macao = selectors.overview(user=leader, filters=Filters(year=gen.YEAR, region="macao"))
    everyone = selectors.overview(user=leader, filters=Filters(year=gen.YEAR))
    assert macao.figures[0].hint != everyone.figures[0].hint
    client.force_login(users["staff"])
    response = client.get(reverse("dashboard:overview"), {"year": gen.YEAR})
    assert response.context["data"].computed_at >= everyone.computed_at  # counted for this user, not reused


def test_the_term_filter_lists_and_accepts_only_ones_own_cppccs_terms(client, orgs, users):
    """At province scale 150 CPPCCs hold 300 terms: the overview's term filter offers the leader's own CPPCC's,
    and another CPPCC's term asked for in the address is reported in Chinese and counts nothing extra (all)."""
    from members.tests.factories import TermFactory

    term = TermFactory(cppcc=orgs.city, number=14)
    district_term = TermFactory(cppcc=orgs.district, number=7)
    client.force_login(users["leader"])
    html = client.get(reverse("dashboard:overview")).content.decode()
    assert f'<option value="{term.pk}">' in html and f'value="{district_term.pk}"' not in html
    response = client.get(reverse("dashboard:overview"), {"term": district_term.pk})
    html = response.content.decode()
    assert "届次：所选届次不存在或不属于本会，已按“全部”统计。" in html
    assert response.context["filters"].term is None and f'value="{district_term.pk}"' not in html
    chosen = client.get(reverse("dashboard:overview"), {"term": term.pk})
    assert chosen.context["filters"].term == term
