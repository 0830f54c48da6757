"""The archives' API (issue 9 item 9): who may read what, the numbers by hand for a generated year, the
archive's breakdown adding up to its score, the donations ledger with its Chinese refusals."""

import datetime as dt
from decimal import Decimal

import pytest

from archives.models import Donation
from archives.tests import consultation_records
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

API = "/api/v1"


def _as(client, user):
    client.force_login(user)
    return client


@pytest.fixture
def year(orgs, users):
    people = generated_year(orgs, users)
    consultation_records.build(users["staff"], orgs.committee, people.A, people.B, people.C)
    people.rule_set = hand_rules(users["staff"])
    return people


# The contract's fields for persons A–E of `generated_year` in 2025, written out by hand from its comments
# (activities include the plenary sittings; adopted reports at any level; speeches and outputs from
# `consultation_records`).
CONTRACT = {
    "A": dict(activities_invited=7, activities_attended=7, activities_leave=0, proposals_lead=2,
              proposals_cosigned=1, opinion_reports_submitted=2, opinion_reports_adopted=2, requests_solved=1,
              visits_received=2, donations_amount=300000, speeches=1, research_outputs=2),
    "B": dict(activities_invited=5, activities_attended=2, activities_leave=2, proposals_lead=1,
              proposals_cosigned=1, opinion_reports_submitted=1, opinion_reports_adopted=0, requests_solved=0,
              visits_received=1, donations_amount=40000, speeches=1, research_outputs=1),
    "C": dict(activities_invited=4, activities_attended=1, activities_leave=1, proposals_lead=0,
              proposals_cosigned=0, opinion_reports_submitted=0, opinion_reports_adopted=0, requests_solved=1,
              visits_received=0, donations_amount=0, speeches=0, research_outputs=1),
    "D": dict(activities_invited=3, activities_attended=1, activities_leave=0, proposals_lead=1,
              proposals_cosigned=0, opinion_reports_submitted=1, opinion_reports_adopted=0, requests_solved=0,
              visits_received=0, donations_amount=0, speeches=0, research_outputs=0),
    "E": dict(activities_invited=1, activities_attended=0, activities_leave=0, proposals_lead=0,
              proposals_cosigned=1, opinion_reports_submitted=0, opinion_reports_adopted=0, requests_solved=0,
              visits_received=0, donations_amount=0, speeches=0, research_outputs=0),
}  # fmt: skip
NAMES = {"A": "甲委员", "B": "乙委员", "C": "丙委员", "D": "丁委员", "E": "戊顾问"}


# ---- who may read ----


@pytest.mark.parametrize("role", ["member", "advisor", "unit", "partner"])
def test_the_statistics_are_refused_outside_the_office_before_the_input(client, users, year, role):
    response = _as(client, users[role]).get(f"{API}/stats/performance", {"year": "not-a-year"})
    assert response.status_code == 403
    assert "工作人员和领导" in response.json()["detail"]


def test_a_member_reads_only_the_own_archive(client, users, year):
    member = _as(client, users["member"])
    own = member.get(f"{API}/archives/{users['member'].person.pk}", {"year": 2025})
    assert own.status_code == 200 and own.json()["name"] == users["member"].person.name
    other = member.get(f"{API}/archives/{year.A.pk}", {"year": 2025})
    assert other.status_code == 404 and "甲委员" not in other.content.decode()
    assert other.json()["detail"] == "未找到该记录，或您无权查看。"


@pytest.mark.parametrize("role", ["unit", "partner"])
def test_units_and_partners_have_no_archives(client, users, year, role):
    response = _as(client, users[role]).get(f"{API}/archives/{year.A.pk}", {"year": 2025})
    assert response.status_code == 403


def test_another_committees_staff_do_not_see_the_person(client, users, year):
    response = _as(client, users["other_staff"]).get(f"{API}/archives/{year.A.pk}", {"year": 2025})
    assert response.status_code == 404


def test_without_a_login_nothing(client, year):
    assert client.get(f"{API}/stats/performance").status_code == 401
    assert client.get(f"{API}/archives/{year.A.pk}").status_code == 401
    assert client.get(f"{API}/donations").status_code == 401


# ---- the numbers ----


def test_the_statistics_give_the_contracts_fields_by_the_hand_computed_figures(client, users, year):
    response = _as(client, users["staff"]).get(f"{API}/stats/performance", {"year": 2025, "limit": 500})
    assert response.status_code == 200
    body = response.json()
    rows = {r["name"]: r for r in body["items"]}
    assert body["count"] == len(rows) and "外委员" not in rows  # another committee's member
    for letter, name in NAMES.items():
        row = rows[name]
        assert row["person_id"] == getattr(year, letter).pk
        for key, value in CONTRACT[letter].items():
            assert row[key] == value, (name, key)
        assert row["score"] == EXPECTED_SCORE[letter] and row["grade"] == EXPECTED_GRADE[letter]
        assert [u["label"] for u in row["unmet_minimums"]] == EXPECTED_UNMET[letter]


def test_the_statistics_are_paginated_like_the_other_lists(client, users, year):
    staff = _as(client, users["staff"])
    first = staff.get(f"{API}/stats/performance", {"year": 2025, "limit": 2}).json()
    second = staff.get(f"{API}/stats/performance", {"year": 2025, "limit": 2, "offset": 2}).json()
    assert len(first["items"]) == 2 and first["count"] == second["count"] >= 5
    assert not {r["person_id"] for r in first["items"]} & {r["person_id"] for r in second["items"]}


def test_filters_narrow_the_persons_and_unknown_values_are_refused(client, users, year):
    from members.models import Person, Region

    Person.objects.filter(pk=year.A.pk).update(region=Region.MACAO)
    staff = _as(client, users["staff"])
    macao = staff.get(f"{API}/stats/performance", {"year": 2025, "region": "mo"}).json()
    assert [r["name"] for r in macao["items"]] == ["甲委员"] and macao["items"][0]["region_label"] == "澳门"
    bad = staff.get(f"{API}/stats/performance", {"year": 2025, "region": "nowhere"})
    assert bad.status_code == 422 and bad.json()["detail"] == "筛选条件“地区”的取值不存在。"


def test_a_year_without_rules_says_so_in_chinese(client, users, year):
    response = _as(client, users["staff"]).get(f"{API}/stats/performance", {"year": 2019})
    assert response.status_code == 404
    assert "2019 年度尚未设置履职积分规则" in response.json()["detail"]


def test_the_archives_breakdown_adds_up_to_the_score_with_its_rule_set(client, users, year):
    staff = _as(client, users["staff"])
    for letter in "ABCDE":
        body = staff.get(f"{API}/archives/{getattr(year, letter).pk}", {"year": 2025}).json()
        assert body["rule_set"]["id"] == year.rule_set.pk and body["rule_set"]["year"] == 2025
        points = {line["item"]: line["points"] for line in body["breakdown"] if line["points"]}
        assert points == EXPECTED_POINTS[letter], letter
        assert sum(Decimal(str(line["points"])) for line in body["breakdown"]) == body["score"]
        assert body["score"] == EXPECTED_SCORE[letter] and body["grade"] == EXPECTED_GRADE[letter]
        assert [u["label"] for u in body["unmet_minimums"]] == EXPECTED_UNMET[letter]
        # every count comes with exactly its records
        for entry in body["records"]:
            key = entry["item"] + ("__cosigned" if entry["role"] == "cosigned" else "")
            assert entry["count"] == EXPECTED[letter].get(key, 0) or key in ("speech", "research_output")
            if entry["item"] in ("donation_amount", "volunteer_hours", "trees_planted"):
                assert sum(r["value"] for r in entry["records"]) == entry["count"]
            else:
                assert len(entry["records"]) == entry["count"], (letter, key)


def test_an_archive_line_explains_the_cap(client, users, year):
    body = _as(client, users["staff"]).get(f"{API}/archives/{year.A.pk}", {"year": 2025}).json()
    line = next(x for x in body["breakdown"] if x["item"] == "activity_attended")
    assert line == {
        "item": "activity_attended", "label": "参加活动", "unit": "次", "count": 5, "cosigned": 0, "points": 15,
        "rule": "每次 5 分，上限 15 分", "explanation": "5次 × 5 分 = 25 分，超过上限取 15 分", "capped": True,
    }  # fmt: skip
    speeches = next(e for e in body["records"] if e["item"] == "speech")
    assert speeches["group"] == "协商调研" and speeches["records"][0]["url"].startswith(
        "/consultations/speeches/"
    )


# ---- donations ----


def _post(client, payload):
    return client.post(f"{API}/donations", payload, content_type="application/json")


def _patch(client, pk, payload):
    return client.patch(f"{API}/donations/{pk}", payload, content_type="application/json")


def test_staff_record_a_joint_donation_and_it_counts_once_verified(client, users, year):
    staff = _as(client, users["staff"])
    response = _post(
        staff,
        {
            "donor_kind": "joint", "programme": "rural", "recipient": "梯面镇红山村", "date": "2025-11-02",
            "amount": "20000.50", "trees": 10,
            "shares": [
                {"person_id": year.C.pk, "amount": "10000.25", "trees": 4},
                {"person_id": year.D.pk, "amount": 10000.25, "trees": 6},
            ],
        },
    )  # fmt: skip
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["amount"] == 20000.5 and body["verified"] is False
    assert [(s["name"], s["amount"], s["trees"]) for s in body["shares"]] == [
        ("丙委员", 10000.25, 4),
        ("丁委员", 10000.25, 6),
    ]

    def c_amount():
        rows = staff.get(f"{API}/stats/performance", {"year": 2025, "limit": 500}).json()["items"]
        return next(r for r in rows if r["name"] == "丙委员")["donations_amount"]

    assert c_amount() == 0  # not verified yet
    verified = staff.post(f"{API}/donations/{body['id']}/verify")
    assert verified.status_code == 200 and verified.json()["verified_by"]
    assert c_amount() == 10000.25


@pytest.mark.parametrize(
    ("payload", "field", "message"),
    [
        ({"amount": -5}, "amount", "金额不能为负数。"),
        ({"amount": "2000000000"}, "amount", "金额超出合理范围（不超过 10 亿元），请检查单位是否为元。"),
        ({"amount": "100.001"}, "amount", "金额最多保留两位小数（分）。"),
        ({"shares": "uneven"}, "shares", "各人份额的金额合计（90000 元）与捐赠的金额（100000 元）不一致。"),
        ({"shares": "stranger"}, "shares", "找不到所选的委员或顾问。"),
    ],
)
def test_bad_amounts_and_shares_are_a_chinese_422_and_nothing_is_saved(
    client, users, orgs, year, payload, field, message
):
    from members.tests.factories import PersonFactory

    data = {
        "donor_kind": "joint", "programme": "education", "recipient": "某小学", "date": "2025-05-01",
        "amount": 100000,
        "shares": [{"person_id": year.A.pk, "amount": 50000}, {"person_id": year.B.pk, "amount": 50000}],
    }  # fmt: skip
    if payload.get("shares") == "uneven":
        data["shares"][1]["amount"] = 40000
    elif payload.get("shares") == "stranger":
        data["shares"][1]["person_id"] = PersonFactory(owner_org=orgs.other_committee).pk
    else:
        data.update(payload)
        if "amount" in payload:
            data["donor_kind"], data["shares"] = "person", [{"person_id": year.A.pk}]
    before = Donation.objects.count()
    response = _post(_as(client, users["staff"]), data)
    assert response.status_code == 422, response.content
    assert response.json() == {"detail": message, "field": field}
    assert Donation.objects.count() == before


def test_malformed_input_is_a_422_too(client, users, year):
    staff = _as(client, users["staff"])
    response = _post(
        staff, {"donor_kind": "person", "programme": "moon", "recipient": "x", "date": "2025-01-01"}
    )
    assert response.status_code == 422 and response.json()["detail"].startswith("请求数据有误：programme")
    response = _post(staff, {"donor_kind": "person", "programme": "rural", "recipient": "x", "date": "2025-01-01",
                             "amount": "abc", "shares": [{"person_id": year.A.pk}]})  # fmt: skip
    assert response.status_code == 422


def test_a_change_keeps_the_rules_and_asks_for_verification_again(client, users, year):
    staff = _as(client, users["staff"])
    donation = Donation.objects.get(recipient="梯面镇")
    response = _patch(staff, donation.pk, {"amount": 120000})
    assert response.status_code == 422  # shares no longer add up
    assert "不一致" in response.json()["detail"]
    donation.refresh_from_db()
    assert donation.amount == 100000 and donation.verified_at is not None
    response = _patch(
        staff,
        donation.pk,
        {
            "amount": 120000,
            "shares": [
                {"person_id": year.A.pk, "amount": 80000, "trees": 60},
                {"person_id": year.B.pk, "amount": 40000, "trees": 40},
            ],
            "place": "花都区梯面镇",
        },
    )
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["amount"] == 120000 and body["place"] == "花都区梯面镇" and body["verified"] is False
    assert _patch(staff, donation.pk, {"recipient": None}).status_code == 422


def test_members_read_their_own_donations_and_change_none(client, users, orgs, year):
    from archives import services

    person = users["member"].person
    own = services.donation_create(
        actor=users["staff"], donor_kind="person", programme="education", recipient="本人捐赠",
        date=dt.date(2025, 4, 1), amount=1000, shares=[{"person": person}],
    )  # fmt: skip
    member = _as(client, users["member"])
    listed = member.get(f"{API}/donations").json()
    assert [d["recipient"] for d in listed["items"]] == ["本人捐赠"]
    assert member.get(f"{API}/donations/{own.pk}").status_code == 200
    other = Donation.objects.get(recipient="梯面镇")
    assert member.get(f"{API}/donations/{other.pk}").status_code == 404
    assert _patch(member, own.pk, {"amount": "oops"}).status_code == 403  # permission before the input
    assert _patch(member, other.pk, {"amount": 1}).status_code == 404
    assert _post(member, {"bad": 1}).status_code == 403
    assert member.post(f"{API}/donations/{own.pk}/verify").status_code == 403


def test_the_donations_list_filters_like_the_page(client, users, year):
    staff = _as(client, users["staff"])

    def recipients(**params):
        return sorted(d["recipient"] for d in staff.get(f"{API}/donations", params).json()["items"])

    assert recipients(year=2025, programme="education") == ["未核实", "王村港镇"]
    assert recipients(year=2025, verified="no") == ["未核实"]
    assert recipients(person=year.B.pk) == ["上年", "梯面镇"]
    assert recipients(q="梯面") == ["梯面镇"]
    joint = next(d for d in staff.get(f"{API}/donations", {"q": "梯面"}).json()["items"])
    assert (
        joint["donor_kind_label"] == "多位委员共同" and joint["trees"] == 100 and joint["donor_org"] is None
    )
    association = staff.get(f"{API}/donations", {"q": "社团捐赠"}).json()["items"][0]
    assert association["donor_org"]["name"] == "香港广州社团总会" and association["shares"] == []
    assert sum(s["amount"] for s in joint["shares"]) == joint["amount"] == 100000


def test_the_endpoints_are_in_the_schema_and_answer_a_token(client, users, year):
    from accounts.models import ApiToken

    schema = client.get(f"{API}/openapi.json").json()
    for path in ("/stats/performance", "/archives/{person_id}", "/donations", "/donations/{donation_id}"):
        assert f"{API}{path}" in schema["paths"], path
    _, key = ApiToken.issue(users["leader"])
    response = client.get(f"{API}/stats/performance", {"year": 2025}, HTTP_AUTHORIZATION=f"Bearer {key}")
    assert response.status_code == 200 and response.json()["count"] >= 5


def test_ids_beyond_what_the_database_holds_are_not_found(client, users, year):
    staff = _as(client, users["staff"])
    huge = 2**70
    assert staff.get(f"{API}/archives/{huge}").status_code == 404
    assert staff.get(f"{API}/donations/{huge}").status_code == 404
    assert _patch(staff, huge, {"place": "x"}).status_code == 404
    assert staff.post(f"{API}/donations/{huge}/verify").status_code == 404
