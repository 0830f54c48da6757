"""A leader opens the overview, clicks a chart segment and lands on the records it counts (headless Chromium)."""

import pytest

from . import year as gen

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Passw0rd!x")
    page.click("button[type=submit]")
    page.wait_for_selector("h1")


def _click_bar(page, panel: str, category: str, series: int = 0):
    """Click the middle of one bar of a panel's chart, where ECharts itself laid it out."""
    point = page.evaluate(
        """([panel, category, series]) => {
            const el = document.querySelector(`#panel-${panel} .chart`);
            el.scrollIntoView({block: "center"});
            const chart = echarts.getInstanceByDom(el);
            const spec = JSON.parse(document.getElementById(el.dataset.source).textContent);
            const i = spec.categories.indexOf(category);
            const bar = chart.getModel().getSeriesByIndex(series).getData().getItemLayout(i);
            const box = el.getBoundingClientRect();
            return {x: box.left + bar.x + bar.width / 2, y: box.top + bar.y + bar.height / 2};
        }""",
        [panel, category, series],
    )
    page.mouse.click(point["x"], point["y"])


def test_leader_clicks_a_chart_down_to_the_proposals_it_counts(page, live_server, orgs, users):
    gen.build(orgs, users)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    _login(page, live_server, "leader")
    page.click("text=查看完整领导总览")
    page.select_option("select[name=year]", str(gen.YEAR))
    page.click("button:has-text('查看')")
    page.wait_for_selector("#panel-proposal_units .chart svg")
    assert page.locator(".chart svg").count() >= 8
    assert not errors

    # 市体育局 leads two of the year's proposals: its 主办 bar opens exactly those two.
    _click_bar(page, "proposal_units", "市体育局", series=0)
    page.wait_for_url("**/proposals/?**")
    assert "unit_role=lead" in page.url and "year=2025" in page.url
    rows = page.locator("table tbody tr")
    assert rows.count() == 2
    titles = rows.all_inner_texts()
    assert any("滑板场" in t for t in titles) and any("社区球场" in t for t in titles)

    # Back on the overview, March's attendance bar opens that month's attendance per person with its totals.
    page.go_back()
    page.wait_for_selector("#panel-attendance .chart svg")
    _click_bar(page, "attendance", "3月", series=1)
    page.wait_for_url("**/activities/summary/?**")
    assert page.locator("#total-checked-in").inner_text() == "2"
    assert page.locator("#total-invited").inner_text() == "3"
