"""The `speech` and `research_output` items: counted from the consultations app's records by hand-computed
figures, scored by the default rules, listed with links on the archive."""

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse

from archives import selectors, services
from archives.tests import consultation_records as records
from consultations.models import Speech
from members.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def persons(orgs, users):
    A = PersonFactory(name="甲委员", owner_org=orgs.committee)
    B = PersonFactory(name="乙委员", owner_org=orgs.committee)
    C = PersonFactory(name="丙顾问", owner_org=orgs.committee)
    records.build(users["staff"], orgs.committee, A, B, C)
    services.rule_set_create_default(actor=users["staff"], year=2025)
    return {"A": A, "B": B, "C": C}


def test_speeches_and_research_outputs_are_counted_by_the_hand_computed_figures(persons, users):
    table = selectors.performance_table(users["staff"], year=2025)
    columns = {c.key: c for c in table.columns}
    assert {"speech", "research_output"} <= set(columns)  # both are in the default rules
    for letter, person in persons.items():
        row = table.row_for(person.pk)
        for code in ("speech", "research_output"):
            assert row.value(columns[code]) == records.EXPECTED[letter].get(code, 0), (letter, code)
    assert table.totals["speech"] == 2 and table.totals["research_output"] == 4


def test_the_default_rules_score_them_with_the_cap(persons, users):
    # A: 1 speech × 10 + 2 outputs × 10 = 20 (the cap); B: 10 + 10; C: 0 + 10.
    expected = {"A": (10, 20), "B": (10, 10), "C": (0, 10)}
    for letter, person in persons.items():
        archive = selectors.person_archive(users["staff"], person, year=2025)
        assert archive.result.line("speech").points == Decimal(expected[letter][0])
        assert archive.result.line("research_output").points == Decimal(expected[letter][1])
        assert archive.score == sum(expected[letter])  # nothing else recorded for them


def test_the_archive_lists_each_speech_and_output_linking_to_its_page(persons, users):
    archive = selectors.person_archive(users["staff"], persons["A"], year=2025)
    entries = {e.column.key: e for _, group in archive.groups for e in group}
    assert [r.title for r in entries["speech"].records] == ["甲委员的发言"]
    delivered = Speech.objects.get(speaker=persons["A"], delivered_on=dt.date(2025, 3, 15))
    assert entries["speech"].records[0].url == reverse("consultations:speech_detail", args=[delivered.pk])
    assert [r.title for r in entries["research_output"].records] == ["中期调研报告", "结题报告"]
    assert "课题：港澳青年创业课题" in entries["research_output"].records[0].note
    assert dict(archive.groups)["协商调研"]


def test_a_member_sees_the_speech_on_the_own_archive_and_opens_it(client, orgs, users):
    member = users["member"]
    records.speech(
        users["staff"], orgs.committee, member.person, status="delivered",
        meeting_date=dt.date(2025, 3, 15), delivered_on=dt.date(2025, 3, 15),
    )  # fmt: skip
    services.rule_set_create_default(actor=users["staff"], year=2025)
    client.force_login(member)
    page = client.get(reverse("archives:person", args=[member.person.pk]), {"year": 2025})
    html = page.content.decode()
    assert "会议发言" in html and f"{member.person.name}的发言" in html
    speech_url = reverse("archives:records") + f"?person={member.person.pk}&item=speech"
    listed = client.get(speech_url + "&year=2025")
    assert listed.status_code == 200 and f"{member.person.name}的发言" in listed.content.decode()
    detail = listed.context["rows"][0].url
    assert client.get(detail).status_code == 200
