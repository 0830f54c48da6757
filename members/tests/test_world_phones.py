"""Phones of the whole world through every door of the roster: the form, the API and the import."""

import pytest
from django.db import connection
from django.urls import reverse

from members.importer import analyse, commit
from members.models import Person, Phone
from members.tests.rosters import workbook

pytestmark = pytest.mark.django_db


def _raw_numbers(person) -> list[str]:
    with connection.cursor() as cur:
        cur.execute("select number from members_phone where person_id = %s", [person.pk])
        return [row[0] for row in cur.fetchall()]


def test_an_advisor_in_vancouver_is_recorded_through_the_form(client_for, users, orgs, term):
    response = client_for(users["staff"]).post(
        reverse("members:create"),
        {"name": "温哥华顾问", "region": "overseas", "birth": "", "phones": "+1 604 555 0123\n85291234568"},
    )
    assert response.status_code == 302
    person = Person.objects.get(name="温哥华顾问")
    assert [(p.country_code, p.number) for p in person.phones.all()] == [
        ("+1", "+16045550123"),
        ("+852", "+85291234568"),  # not "+86 85291234568"
    ]
    assert not any("6045550123" in raw for raw in _raw_numbers(person))  # still encrypted at rest
    html = client_for(users["staff"]).get(reverse("members:detail", args=[person.pk])).content.decode()
    assert "+1 60****23" in html and "+852 91****68" in html


def test_the_form_shows_a_wrong_number_next_to_the_field_in_chinese(client_for, users, orgs, term):
    response = client_for(users["staff"]).post(
        reverse("members:create"),
        {"name": "错号委员", "region": "hk", "birth": "", "phones": "+86 85291234568"},
    )
    assert response.status_code == 200
    assert "电话号码“+86 85291234568”不是有效的号码" in response.context["form"].errors["phones"][0]
    assert not Person.objects.filter(name="错号委员").exists()


def test_the_api_accepts_any_country_and_refuses_a_wrong_number(client_for, users, orgs):
    client = client_for(users["staff"])
    response = client.post(
        "/api/v1/members",
        {"name": "Vancouver", "region": "overseas", "phones": ["+1 604 555 0123", "00853 6612 3456"]},
        content_type="application/json",
    )
    assert response.status_code == 201, response.content
    assert response.json()["phones"] == ["+1 60****23", "+853 66****56"]
    response = client.post(
        "/api/v1/members", {"name": "错号", "phones": ["12345"]}, content_type="application/json"
    )
    assert response.status_code in (400, 422) and "不是有效的号码" in response.content.decode()
    assert not Person.objects.filter(name="错号").exists()


def test_the_import_reads_country_codes_without_plus_and_overseas_numbers(users, orgs, term):
    data = workbook(
        [
            ["姓名", "地区", "手机"],
            ["港区委员甲", "香港", "85291234568"],
            ["海外顾问乙", "海外", "+1 604 555 0123"],
            ["错号委员丙", "香港", "+86 85291234568"],
        ]
    )
    analysis = analyse(data, user=users["staff"], term=term)
    rows = {r.name: r for r in analysis.rows}
    assert rows["港区委员甲"].data["phones"] == [("+852", "+85291234568")]
    assert rows["海外顾问乙"].data["phones"] == [("+1", "+16045550123")]
    assert "不是有效的号码" in rows["错号委员丙"].errors[0][1]
    commit(analysis, user=users["staff"], owner_org=orgs.committee, skip_errors=True)
    assert Phone.objects.get(person__name="海外顾问乙").number == "+16045550123"
