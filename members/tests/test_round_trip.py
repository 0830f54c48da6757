"""The roster's own Excel export imports back unchanged (issue 12 items 11–12)."""

import datetime as dt

import pytest
from django.urls import reverse

from members.importer import UNCHANGED, analyse, split_employer_titles
from members.models import Person
from members.services import person_update, roster_import
from members.tests.factories import full_person

pytestmark = pytest.mark.django_db


def _snapshot():
    return [
        (
            p.name,
            p.romanised_name,
            p.gender,
            p.region,
            p.birth_date,
            p.birth_precision,
            p.party,
            p.employer,
            p.titles,
            p.email,
            p.address,
            p.sector_id,
            sorted((ph.country_code, ph.number) for ph in p.phones.all()),
            sorted((d.kind, d.number) for d in p.documents.all()),
            sorted(t.name for t in p.tags.all()),
            sorted((r.term_id, r.role) for r in p.term_roles.all()),
        )
        for p in Person.objects.order_by("pk").prefetch_related("phones", "documents", "tags", "term_roles")
    ]


@pytest.fixture
def roster(orgs, term):
    persons = [
        full_person(orgs, term, n=i, email=f"r{i}@example.test", address=f"香港中环{i}号") for i in range(4)
    ]
    person_update(
        actor=None, person=persons[0], check=False, birth_date=dt.date(1965, 3, 1), birth_precision="m"
    )
    person_update(
        actor=None, person=persons[1], check=False, birth_date=dt.date(1958, 1, 1), birth_precision="y"
    )
    person_update(
        actor=None, person=persons[2], check=False, region="overseas", phones=["+1 604 555 0123"], gender="f"
    )
    return persons


@pytest.mark.parametrize("sensitive", ["1", ""])
def test_the_roster_export_imports_back_and_nothing_changes(client_for, users, orgs, term, roster, sensitive):
    response = client_for(users["staff"]).get(reverse("members:export"), {"sensitive": sensitive})
    assert response.status_code == 200
    before = _snapshot()
    analysis, counts = roster_import(
        actor=users["staff"],
        data=response.content,
        filename="名册.xlsx",
        owner_org=orgs.committee,
        term=term,
        dry_run=False,
    )
    everyone = Person.objects.count()  # the roster and the persons of the member logins (no birth date)
    assert {p.name for p in roster} <= {r.name for r in analysis.rows}
    assert [(r.fate, r.errors, r.changes) for r in analysis.rows] == [(UNCHANGED, [], [])] * everyone
    assert counts["unchanged"] == everyone and counts["created"] == counts["updated"] == 0
    assert _snapshot() == before


def test_the_export_keeps_the_birth_date_precision_and_the_term_role(client_for, users, term, roster):
    import io

    from openpyxl import load_workbook

    response = client_for(users["staff"]).get(reverse("members:export"), {"sensitive": "1"})
    ws = load_workbook(io.BytesIO(response.content)).active
    rows = {row[0]: row for row in ws.iter_rows(min_row=2, values_only=True)}
    assert rows["名册委员0"][3] == "1965-03" and rows["名册委员1"][3] == "1958"
    assert rows["名册委员3"][3] == dt.datetime(1963, 4, 4)
    assert rows["名册委员0"][6] == f"{term.short_label}委员"
    assert rows["名册委员2"][12] == "+1 604-555-0123"


def test_an_exported_roster_read_into_an_empty_roster_keeps_every_value(
    client_for, users, orgs, term, roster
):
    """What a fresh installation reads from another's export: the precision, the role and the phones."""
    response = client_for(users["staff"]).get(reverse("members:export"), {"sensitive": "1"})
    Person.objects.all().delete()
    analysis = analyse(response.content, user=users["staff"], term=term)
    data = {r.name: r.data for r in analysis.rows}
    assert (
        data["名册委员0"]["birth_date"] == dt.date(1965, 3, 1) and data["名册委员0"]["birth_precision"] == "m"
    )
    assert data["名册委员1"]["birth_precision"] == "y" and data["名册委员0"]["role"] == "member"
    assert data["名册委员2"]["phones"] == [("+1", "+16045550123")]
    assert data["名册委员0"]["document"] == ("hrp", "H0000000001")


@pytest.mark.parametrize(
    "text,expected",
    [
        ("香港同心贸易有限公司 董事长", ("香港同心贸易有限公司", "董事长")),
        ("香港同心贸易有限公司董事长", ("香港同心贸易有限公司", "董事长")),
        ("香港明德书院校长", ("香港明德书院", "校长")),
        ("香港穗港青年交流促进会 会长、执行董事", ("香港穗港青年交流促进会", "会长、执行董事")),
        ("自由职业", ("自由职业", "")),
    ],
)
def test_employer_and_titles_are_split_as_the_demo_data_has_them(text, expected):
    assert split_employer_titles(text) == expected
