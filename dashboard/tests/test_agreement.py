"""The overview and the archives' statistics show some of the same figures: they must agree to the unit (the
issue's Accuracy section). Also the two panels read from the archives: persons below the minimums (loaded
after the page) and donations by programme, each number opening exactly its records."""

import datetime as dt
import json
import re

import pytest
from django.urls import reverse

from archives import selectors as archives
from archives import services as archive_services
from dashboard import selectors
from dashboard.selectors import Filters

from . import year as gen

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(orgs, users):
    data = gen.build(orgs, users)
    archive_services.rule_set_create_default(actor=users["staff"], year=gen.YEAR)
    return data


def _sum(table, code: str) -> int:
    return sum(row.counts.get(code, "lead") for row in table.rows)


@pytest.mark.parametrize("scope", [{}, {"region": "mo"}, {"region": "hk"}, {"term": True}])
def test_the_overview_and_the_statistics_table_agree_to_the_unit(year, users, scope):
    if scope.get("term"):
        scope = {"term": year.term14}
    leader = users["leader"]
    f = Filters(year=gen.YEAR, **scope)
    table = archives.performance_table(leader, year=gen.YEAR, filters=f.scope_params)
    data = selectors.overview(user=leader, filters=f)
    panels = {p.key: p for p in data.panels}

    invited = sum(cells[0].value for _, cells in panels["attendance"].rows)
    checked_in = sum(cells[1].value for _, cells in panels["attendance"].rows)
    assert invited == _sum(table, "activity_invited")
    assert checked_in == _sum(table, "activity_attended") + _sum(table, "plenary_half_day")

    states = {cat: cells[0].value for cat, cells in panels["proposal_states"].rows}
    assert sum(states.values()) - states.get("已撤回", 0) == _sum(table, "proposal_lead")
    adopted = dict(panels["outcomes"].rows)["被采纳"][0].value
    assert adopted == _sum(table, "proposal_adopted")

    levels = {cat: cells[0].value for cat, cells in panels["opinion_levels"].rows}
    for level, label in (("national", "全国"), ("provincial", "省级"), ("city", "市级")):
        assert levels[label] == _sum(table, f"opinion_adopted_{level}"), level


def test_the_persons_below_the_minimums_panel_opens_exactly_those_persons(client, year, users):
    leader = users["leader"]
    client.force_login(leader)
    html = client.get(reverse("dashboard:overview"), {"year": gen.YEAR}).content.decode()
    assert 'hx-get="/dashboard/minimums/?year=2025"' in html  # loaded after the page
    panel = selectors.minimums_panel(leader, Filters(year=gen.YEAR))
    table = archives.performance_table(leader, year=gen.YEAR)
    assert dict(panel.rows)["任一项未达到"][0].value == table.unmet_count > 0
    for category, cells in panel.rows:
        response = client.get(cells[0].url)
        assert response.status_code == 200
        assert response.context["page"].paginator.count == cells[0].value, category
    fragment = client.get(reverse("dashboard:minimums"), {"year": gen.YEAR}).content.decode()
    assert 'id="panel-minimums"' in fragment and 'id="chart-minimums"' in fragment


def test_a_year_without_scoring_rules_says_so_in_the_minimums_panel(client, users):
    client.force_login(users["leader"])
    html = client.get(reverse("dashboard:minimums"), {"year": 2019}).content.decode()
    assert "2019 年度尚未设置履职积分规则" in html


@pytest.mark.parametrize("role", ["member", "unit", "partner", "advisor"])
def test_the_minimums_panel_is_refused_outside_the_office(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("dashboard:minimums")).status_code == 403


def test_donations_by_programme_come_from_the_ledger_and_open_their_records(client, year, orgs, users):
    staff = users["staff"]
    planting = gen._activity(
        orgs, gen.at(2025, 3, 12), title="“绿美梯面”植树活动", place="花都区梯面镇", support_amount=100000
    )
    d = archive_services.donation_create(
        actor=staff,
        donor_kind="association",
        donor_org=orgs.association,
        programme="education",
        recipient="王村港镇中心小学",
        place="吴川市王村港镇",
        date=dt.date(2025, 10, 23),
        amount=240000,
    )
    archive_services.donation_verify(actor=staff, donation=d)
    archive_services.donation_create(  # not verified yet: counts nothing
        actor=staff, donor_kind="association", donor_org=orgs.association, programme="education",
        recipient="某校", date=dt.date(2025, 11, 1), amount=5000,
    )  # fmt: skip
    client.force_login(users["leader"])
    html = client.get(reverse("dashboard:overview"), {"year": gen.YEAR}).content.decode()
    chart = json.loads(
        re.search(r'id="chart-donations" type="application/json">(.*?)</script>', html, re.S).group(1)
    )
    amounts = dict(zip(chart["categories"], (d["value"] for d in chart["series"][0]["data"]), strict=True))
    assert amounts == {"助学": 240000.0, "活动资助（未登记）": 100000.0}
    education = chart["series"][0]["data"][chart["categories"].index("助学")]["url"]
    listed = client.get(education).context["page"].object_list
    assert sum(x.amount for x in listed) == 240000
    unlinked = chart["series"][0]["data"][chart["categories"].index("活动资助（未登记）")]["url"]
    assert "“绿美梯面”植树活动" in client.get(unlinked).content.decode()
    assert planting.pk
