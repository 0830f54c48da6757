"""The statistics page, each person's archive, the API and the leaders' overview agree to the unit (issue 9,
Accuracy) for the year told by every app (`dashboard/tests/year.py`) plus its speeches and research outputs,
scored by the default rules — and the API's sums match the figures written out by hand for that year."""

from decimal import Decimal

import pytest
from django.urls import reverse

from archives import services
from archives.tests import consultation_records
from dashboard import selectors as dashboard
from dashboard.selectors import Filters
from dashboard.tests import year as gen

pytestmark = pytest.mark.django_db

API = "/api/v1"

# Page column (item code) → API field of the contract, for the items that are one column each.
SAME = {
    "activity_invited": "activities_invited",
    "proposal_lead": "proposals_lead",
    "proposal_cosigned": "proposals_cosigned",
    "proposal_filed": "proposals_filed",
    "opinion_submitted": "opinion_reports_submitted",
    "request_resolved": "requests_solved",
    "visit_received": "visits_received",
    "speech": "speeches",
    "research_output": "research_outputs",
    "donation_amount": "donations_amount",
    "volunteer_hours": "volunteer_hours",
    "trees_planted": "trees_planted",
}


@pytest.fixture
def year(orgs, users):
    data = gen.build(orgs, users)
    consultation_records.build(users["staff"], orgs.committee, data.p1, data.p2, data.p3)
    services.rule_set_create_default(actor=users["staff"], year=gen.YEAR)
    return data


def _number(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _page_rows(client, **params) -> dict[int, dict]:
    """The statistics page as shown: {person id: {column key: number shown, "score": …, "grade": …}}."""
    response = client.get(reverse("archives:statistics"), {"year": gen.YEAR, "all": "1", **params})
    assert response.status_code == 200
    columns = [c.key for c in response.context["table"].columns]
    out = {}
    for r in response.context["rows"]:
        cells = {key: _number(text) for key, (text, _url, _nz) in zip(columns, r["cells"], strict=True)}
        out[r["row"].person.pk] = {**cells, "score": _number(r["score"]), "grade": r["row"].grade}
    return out


def _api_rows(client, **params) -> dict[int, dict]:
    response = client.get(f"{API}/stats/performance", {"year": gen.YEAR, "limit": 500, **params})
    assert response.status_code == 200, response.content
    return {r["person_id"]: r for r in response.json()["items"]}


@pytest.mark.parametrize("scope", [{}, {"region": "mo"}, {"term": True}])
def test_page_archive_api_and_overview_agree_to_the_unit(client, year, users, scope):
    if scope.get("term"):
        scope = {"term": year.term14.pk}
    client.force_login(users["leader"])
    page = _page_rows(client, **scope)
    api = _api_rows(client, **scope)
    assert set(page) == set(api) and api

    for pid, row in api.items():
        shown = page[pid]
        assert set(row["items"]) == set(shown) - {"score", "grade"}  # every column of the page, all items
        for key, value in row["items"].items():
            assert Decimal(str(value)) == shown[key], (pid, key)
        for code, field in SAME.items():
            assert Decimal(str(row[field])) == shown[code], (pid, field)
        assert row["activities_attended"] == shown["activity_attended"] + shown["plenary_half_day"]
        assert row["activities_leave"] == shown["activity_leave"] + shown["plenary_leave"]
        assert row["opinion_reports_adopted"] == sum(
            shown[f"opinion_adopted_{lv}"] for lv in ("national", "provincial", "city")
        )
        assert Decimal(str(row["score"])) == shown["score"] and row["grade"] == shown["grade"]

        archive = client.get(f"{API}/archives/{pid}", {"year": gen.YEAR}).json()
        assert archive["score"] == row["score"] and archive["grade"] == row["grade"]
        assert sum(Decimal(str(x["points"])) for x in archive["breakdown"]) == shown["score"]
        for line in archive["breakdown"]:
            assert Decimal(str(line["count"])) == shown[line["item"]], (pid, line["item"])
            if line["cosigned"]:
                assert line["cosigned"] == shown[f"{line['item']}__cosigned"]
        for entry in archive["records"]:
            key = entry["item"] + ("__cosigned" if entry["role"] == "cosigned" else "")
            assert Decimal(str(entry["count"])) == shown[key]
        assert [u["label"] for u in archive["unmet_minimums"]] == [u["label"] for u in row["unmet_minimums"]]

    # the overview's figures are the API's sums
    f = Filters(year=gen.YEAR, **({"term": year.term14} if "term" in scope else scope))
    panels = {p.key: p for p in dashboard.overview(user=users["leader"], filters=f).panels}
    attendance = panels["attendance"].rows
    assert sum(cells[0].value for _, cells in attendance) == sum(
        r["activities_invited"] for r in api.values()
    )
    assert sum(cells[1].value for _, cells in attendance) == sum(
        r["activities_attended"] for r in api.values()
    )
    states = {cat: cells[0].value for cat, cells in panels["proposal_states"].rows}
    assert sum(states.values()) - states.get("已撤回", 0) == sum(r["proposals_lead"] for r in api.values())
    levels = {cat: cells[0].value for cat, cells in panels["opinion_levels"].rows}
    assert sum(levels.values()) == sum(r["opinion_reports_adopted"] for r in api.values())


def test_the_api_sums_are_the_years_hand_computed_figures(client, year, users):
    client.force_login(users["leader"])
    api = _api_rows(client)
    fields = ("activities_invited", "activities_attended", "proposals_lead", "opinion_reports_submitted",
              "opinion_reports_adopted", "speeches", "research_outputs")  # fmt: skip
    total = {k: sum(r[k] for r in api.values()) for k in fields}
    assert (total["activities_invited"], total["activities_attended"]) == gen.EXPECTED["attendance_total"]
    assert total["proposals_lead"] == gen.EXPECTED["proposals_total"]
    assert total["opinion_reports_submitted"] == gen.EXPECTED["opinions"]["submitted"]
    assert total["opinion_reports_adopted"] == gen.EXPECTED["opinions"]["adopted"]
    assert sum(1 for r in api.values() if r["visits_received"]) == gen.EXPECTED["coverage"]["covered"]
    # speeches and research outputs of `consultation_records`: 陈大文 1 + 2, 黄侨心 1 + 1, 李澳门 0 + 1
    assert api[year.p1.pk]["speeches"] == 1 and api[year.p1.pk]["research_outputs"] == 2
    assert (total["speeches"], total["research_outputs"]) == (2, 4)
    # the default rules give 陈大文 10 for the speech and 20 (the cap) for his two outputs
    archive = client.get(f"{API}/archives/{year.p1.pk}", {"year": gen.YEAR}).json()
    points = {x["item"]: x["points"] for x in archive["breakdown"]}
    assert (points["speech"], points["research_output"]) == (10, 20)


def test_the_statistics_api_does_not_grow_in_queries_with_persons(
    client, year, users, orgs, django_assert_max_num_queries
):
    from members.tests.factories import PersonFactory

    client.force_login(users["staff"])
    url = f"{API}/stats/performance?year={gen.YEAR}"
    client.get(url)  # warm-up
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for i in range(30):
        PersonFactory(name=f"新增委员{i:02d}", owner_org=orgs.committee)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).json()["count"] >= 34
