"""Accuracy: a generated year with every kind of record and the edge cases of the issue; every cell of the
statistics table, every archive breakdown and the totals compared with figures computed by hand
(`factories.EXPECTED*`). Runs on SQLite and PostgreSQL like every test."""

from decimal import Decimal

import pytest

from archives import selectors
from archives.items import ITEMS_LIST
from archives.tests.factories import (
    EXPECTED,
    EXPECTED_GRADE,
    EXPECTED_POINTS,
    EXPECTED_SCORE,
    EXPECTED_UNMET,
    generated_year,
    hand_rules,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def year(orgs, users):
    people = generated_year(orgs, users)
    hand_rules(users["staff"])
    return people


def _expected_cells(name: str) -> dict:
    return EXPECTED[name]


def test_every_cell_of_the_statistics_table_matches_the_hand_computed_figures(year, users):
    table = selectors.performance_table(users["staff"], year=2025, all_items=True)
    names = {r.person.name: r for r in table.rows}
    letters = {"甲委员": "A", "乙委员": "B", "丙委员": "C", "丁委员": "D", "戊顾问": "E"}
    # the committee's persons only (the other committee's member is not in this table); the demo logins'
    # persons of the fixture have nothing in this year
    assert set(letters) <= set(names)
    assert "外委员" not in names
    for name, letter in letters.items():
        row = names[name]
        expected = _expected_cells(letter)
        for column in table.columns:
            assert row.value(column) == expected.get(column.key, 0), (name, column.key)
        assert row.score == EXPECTED_SCORE[letter], name
        assert row.grade == EXPECTED_GRADE[letter], name
        assert [u.label for u in row.unmet] == EXPECTED_UNMET[letter], name
    # every catalogue item (and co-signer part) is a column when all items are shown
    assert len(table.columns) == len(ITEMS_LIST) + sum(1 for i in ITEMS_LIST if i.shared)


def test_totals_and_averages_are_sums_over_the_rows(year, users):
    table = selectors.performance_table(users["staff"], year=2025, all_items=True)
    n = table.count
    assert table.totals["activity_attended"] == 5 + 1 + 1 + 1
    assert table.totals["donation_amount"] == Decimal(340000)
    assert table.totals["proposal_filed__cosigned"] == 1
    assert table.score_total == sum(EXPECTED_SCORE.values())
    assert table.score_average == (Decimal(sum(EXPECTED_SCORE.values())) / n).quantize(Decimal("0.01"))
    # the member and advisor logins of the fixture have no records: they too fail the activity minimum
    assert table.unmet_count == 4 + 2


def test_every_archive_breakdown_matches_the_hand_computed_points(year, users):
    staff = users["staff"]
    for letter in "ABCDE":
        person = getattr(year, letter)
        archive = selectors.person_archive(staff, person, year=2025)
        points = {line.item.code: line.points for line in archive.result.lines if line.points}
        assert points == {k: Decimal(v) for k, v in EXPECTED_POINTS[letter].items()}, letter
        assert sum(line.points for line in archive.result.lines) == archive.score == EXPECTED_SCORE[letter]
        assert archive.grade == EXPECTED_GRADE[letter]
        assert [u.label for u in archive.result.unmet] == EXPECTED_UNMET[letter]
        # every count in the archive lists exactly as many records as it says
        for _group, entries in archive.groups:
            for entry in entries:
                if entry.column.item.is_amount or entry.column.item.source == "donations":
                    assert sum(r.value for r in entry.records) == entry.count, (letter, entry.column.key)
                else:
                    assert len(entry.records) == entry.count, (letter, entry.column.key)


def test_statistics_and_archive_agree_for_every_person(year, users):
    staff = users["staff"]
    table = selectors.performance_table(staff, year=2025, all_items=True)
    for row in table.rows:
        archive = selectors.person_archive(staff, row.person, year=2025, with_records=False)
        assert archive.score == row.score
        assert archive.grade == row.grade
        for column in table.columns:
            assert archive.counts.get(column.item.code, column.role) == row.value(column)


def test_a_year_outside_the_records_counts_the_next_years_edge_cases(year, users):
    """2026 sees only what fell after the Shanghai midnight: the 00:10 activity, the report of 2 January."""
    from archives import services

    services.rule_set_create(actor=users["staff"], year=2026)
    table = selectors.performance_table(users["staff"], year=2026, all_items=True)
    rows = {r.person.name: r for r in table.rows}
    by_key = {c.key: c for c in table.columns}
    assert rows["甲委员"].value(by_key["activity_attended"]) == 1
    assert rows["乙委员"].value(by_key["activity_attended"]) == 1
    assert rows["丙委员"].value(by_key["opinion_submitted"]) == 1
    assert rows["丁委员"].value(by_key["request_resolved"]) == 1
    assert rows["丁委员"].value(by_key["proposal_lead"]) == 0  # 23:00 on 31 December belongs to 2025
