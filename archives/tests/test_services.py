"""Rule sets and donations: every refusal in Chinese, nothing half-saved, versions and history."""

import datetime as dt
from decimal import Decimal

import pytest
from django.http import Http404

from archives import selectors, services
from archives.models import AmountBand, Donation, DonationShare, GradeBand, Minimum, RuleItem, RuleSet
from core.errors import DomainError, PermissionRefused
from members.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def rs(staff):
    return services.rule_set_create(actor=staff, year=2025)


def _refused(call, fragment: str):
    with pytest.raises(DomainError) as exc:
        call()
    assert fragment in exc.value.message
    return exc.value


# ---- rule sets ----


def test_two_rule_sets_for_one_year_are_refused(staff, rs):
    _refused(lambda: services.rule_set_create(actor=staff, year=2025), "2025 年度已有积分规则")
    assert RuleSet.objects.count() == 1


@pytest.mark.parametrize("year", [1999, 2101, "二〇二五", None])
def test_an_impossible_year_is_refused(staff, year):
    _refused(lambda: services.rule_set_create(actor=staff, year=year), "年度")
    assert not RuleSet.objects.exists()


@pytest.mark.parametrize("role", ["leader", "member", "advisor", "unit", "partner"])
def test_only_staff_create_and_edit_rule_sets(users, rs, role):
    with pytest.raises(DomainError):
        services.rule_set_create(actor=users[role], year=2030)
    with pytest.raises((DomainError, Http404)):  # 403 for the office, 404 (invisible) for others
        services.rule_item_save(actor=users[role], rule_set=rs, item="activity_attended", points=5)
    assert not RuleItem.objects.exists()


def test_a_cap_below_the_points_of_one_unit_is_refused(staff, rs):
    _refused(
        lambda: services.rule_item_save(actor=staff, rule_set=rs, item="activity_attended", points=5, cap=3),
        "年度上限（3 分）低于一次的分值（5 分）",
    )
    _refused(
        lambda: services.rule_item_save(
            actor=staff, rule_set=rs, item="proposal_filed", points=5, cosigner_points=8, cap=6
        ),
        "低于一次的分值",
    )
    assert not RuleItem.objects.exists()
    rs.refresh_from_db()
    assert rs.version == 1


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"item": "no_such_item", "points": 1}, "请选择计分项目"),
        ({"item": "activity_attended", "points": "五"}, "每单位分值应为数字"),
        ({"item": "activity_attended", "points": 5000}, "超出合理范围"),
        ({"item": "activity_attended", "points": 5, "cap": 0}, "年度上限应大于 0"),
        ({"item": "activity_attended", "points": 5, "per_units": 0}, "计分单位数应大于 0"),
        ({"item": "activity_attended", "points": 5, "cosigner_points": 1}, "没有联名人"),
        ({"item": "activity_attended", "points": "NaN"}, "应为数字"),
    ],
)
def test_bad_rule_items_are_refused_with_chinese_messages(staff, rs, kwargs, fragment):
    _refused(lambda: services.rule_item_save(actor=staff, rule_set=rs, **kwargs), fragment)
    assert not RuleItem.objects.exists()


def test_the_same_item_twice_in_one_rule_set_is_refused(staff, rs):
    services.rule_item_save(actor=staff, rule_set=rs, item="activity_attended", points=5)
    _refused(
        lambda: services.rule_item_save(actor=staff, rule_set=rs, item="activity_attended", points=2),
        "已有“参加活动”",
    )
    assert RuleItem.objects.get().points == 5


@pytest.mark.parametrize(
    "bands, fragment",
    [
        ([{"min_amount": 0, "max_amount": 100, "points": 1}, {"min_amount": 200, "max_amount": None, "points": 2}], "有空缺"),
        ([{"min_amount": 0, "max_amount": 300, "points": 1}, {"min_amount": 200, "max_amount": None, "points": 2}], "重叠"),
        ([{"min_amount": 0, "max_amount": None, "points": 1}, {"min_amount": 200, "max_amount": None, "points": 2}], "重叠"),
        ([{"min_amount": -5, "max_amount": 10, "points": 1}], "不能为负数"),
        ([{"min_amount": 10, "max_amount": 5, "points": 1}], "上限应大于下限"),
    ],
)  # fmt: skip
def test_amount_bands_with_gaps_or_overlaps_are_refused(staff, rs, bands, fragment):
    _refused(
        lambda: services.rule_item_save(
            actor=staff, rule_set=rs, item="donation_amount", points=0, bands=bands
        ),
        fragment,
    )
    assert not RuleItem.objects.exists() and not AmountBand.objects.exists()


GOOD_GRADES = services.DEFAULT_GRADES


@pytest.mark.parametrize(
    "bands, fragment",
    [
        ([{"label": "优秀", "min_score": 90}, {"label": "良好", "min_score": 80, "max_score": 85},
          {"label": "不称职", "max_score": 80}], "85 分至 90 分没有对应的等级"),
        ([{"label": "优秀", "min_score": 90}, {"label": "良好", "min_score": 80, "max_score": 95},
          {"label": "不称职", "max_score": 80}], "重叠"),
        ([{"label": "优秀", "min_score": 90}, {"label": "良好", "min_score": 60, "max_score": 90}], "低于 60 分"),
        ([{"label": "良好", "min_score": 60, "max_score": 90}, {"label": "不称职", "max_score": 60}], "90 分及以上"),
        ([{"label": "优秀", "min_score": 90}, {"label": "优秀", "max_score": 90}], "不能重复"),
        ([{"label": "", "min_score": 90}], "请填写第1个等级的名称"),
        ([], "至少设置一个等级"),
    ],
)  # fmt: skip
def test_grade_bands_with_gaps_or_overlaps_are_refused(staff, rs, bands, fragment):
    services.grade_bands_set(actor=staff, rule_set=rs, bands=GOOD_GRADES)
    _refused(lambda: services.grade_bands_set(actor=staff, rule_set=rs, bands=bands), fragment)
    assert sorted(GradeBand.objects.values_list("label", flat=True)) == sorted(
        b["label"] for b in GOOD_GRADES
    )


def test_minimums_need_a_name_items_and_a_positive_count(staff, rs):
    _refused(
        lambda: services.minimum_save(
            actor=staff, rule_set=rs, label="", items=["activity_attended"], count=3
        ),
        "名称",
    )
    _refused(
        lambda: services.minimum_save(actor=staff, rule_set=rs, label="活动", items=[], count=3),
        "至少选择一个",
    )
    _refused(
        lambda: services.minimum_save(actor=staff, rule_set=rs, label="活动", items=["x"], count=3), "目录"
    )
    _refused(
        lambda: services.minimum_save(
            actor=staff, rule_set=rs, label="活动", items=["activity_attended"], count=0
        ),
        "大于 0",
    )
    assert not Minimum.objects.exists()


def test_every_change_raises_the_version_and_keeps_history(staff, rs):
    item = services.rule_item_save(actor=staff, rule_set=rs, item="activity_attended", points=5)
    services.rule_item_save(
        actor=staff, rule_set=rs, rule_item=item, item="activity_attended", points=6, cap=30
    )
    m = services.minimum_save(actor=staff, rule_set=rs, label="活动", items=["activity_attended"], count=3)
    services.grade_bands_set(actor=staff, rule_set=rs, bands=GOOD_GRADES)
    services.minimum_delete(actor=staff, minimum=m)
    services.rule_item_delete(actor=staff, rule_item=item)
    rs.refresh_from_db()
    assert rs.version == 7
    assert RuleItem.history.filter(rule_set_id=rs.pk).count() == 3  # added, changed, deleted
    assert rs.history.count() >= 7


def test_copying_last_years_rules_copies_items_bands_minimums_and_grades(staff):
    default = services.rule_set_create_default(actor=staff, year=2024)
    assert default.version == 1
    copy = services.rule_set_create(actor=staff, year=2025, copy_from=default)
    assert copy.based_on == default and copy.version == 1
    assert sorted(copy.items.values_list("item", flat=True)) == sorted(
        default.items.values_list("item", flat=True)
    )
    assert copy.items.get(item="donation_amount").bands.count() == 4
    assert copy.minimums.count() == 2 and copy.grades.count() == 4


def test_default_rules_follow_the_public_examples(staff):
    rs = services.rule_set_create_default(actor=staff, year=2025)
    filed = rs.items.get(item="proposal_filed")
    assert (filed.points, filed.cosigner_points) == (15, 3)  # 闵行
    assert rs.items.get(item="plenary_half_day").points == 5
    assert [(g.label, g.min_score) for g in rs.grades.all()][0] == ("优秀", 90)  # 安庆


def test_rule_set_for_uses_the_nearest_committee_and_default_year_the_latest_with_rules(orgs, staff):
    services.rule_set_create(actor=staff, year=2024)
    assert selectors.rule_set_for(2024, orgs.committee).owner_org == orgs.committee
    assert selectors.rule_set_for(2024, orgs.city).owner_org == orgs.committee  # found below
    assert selectors.rule_set_for(2024, orgs.other_committee) is None
    assert selectors.rule_set_for(2023, orgs.committee) is None
    assert selectors.default_year(staff, today=dt.date(2026, 12, 1)) == 2024


def test_a_changed_rule_changes_the_scores_at_once(orgs, users, staff, rs):
    from activities.tests.factories import ActivityFactory, InvitationFactory
    from archives.items import TZ

    person = users["member"].person
    activity = ActivityFactory(owner_org=orgs.committee, starts_at=dt.datetime(2025, 5, 1, 9, tzinfo=TZ))
    InvitationFactory(activity=activity, person=person, status="checked_in", checked_in_at=activity.starts_at)
    item = services.rule_item_save(actor=staff, rule_set=rs, item="activity_attended", points=5)
    assert selectors.performance_table(staff, year=2025).row_for(person.pk).score == 5
    services.rule_item_save(actor=staff, rule_set=rs, rule_item=item, item="activity_attended", points=8)
    assert selectors.performance_table(staff, year=2025).row_for(person.pk).score == 8


def test_a_year_without_rules_is_a_clear_error(staff):
    with pytest.raises(selectors.NoRuleSet) as exc:
        selectors.performance_table(staff, year=2025)
    assert "2025 年度尚未设置履职积分规则" in exc.value.message


# ---- donations ----


@pytest.fixture
def people(orgs):
    return PersonFactory(name="捐赠甲", owner_org=orgs.committee), PersonFactory(
        name="捐赠乙", owner_org=orgs.committee
    )


def _donate(staff, **kw):
    data = {
        "donor_kind": "person",
        "programme": "education",
        "recipient": "王村港镇",
        "date": dt.date(2025, 7, 1),
        "amount": 240000,
    }
    data.update(kw)
    return services.donation_create(actor=staff, **data)


@pytest.mark.parametrize(
    "kwargs, fragment",
    [
        ({"amount": -100}, "金额不能为负数"),
        ({"amount": "2e10"}, "超出合理范围"),
        ({"amount": "12.345"}, "两位小数"),
        ({"amount": "二十四万"}, "金额应为数字"),
        ({"amount": 0}, "至少填写一项"),
        ({"volunteer_hours": -3, "amount": 0}, "时长不能为负数"),
        ({"recipient": "  "}, "请填写受赠方"),
        ({"programme": "x"}, "请选择项目类别"),
        ({"date": dt.date(2099, 1, 1)}, "不能晚于今天"),
        ({"shares": []}, "请选择一位委员或顾问"),
    ],
)
def test_bad_donations_are_refused_and_nothing_is_written(staff, people, kwargs, fragment):
    data = {"shares": [{"person": people[0]}], **kwargs}
    _refused(lambda: _donate(staff, **data), fragment)
    assert not Donation.objects.exists() and not DonationShare.objects.exists()


def test_joint_shares_that_do_not_add_up_are_refused(staff, people):
    a, b = people
    _refused(
        lambda: _donate(staff, donor_kind="joint", amount=100000,
                        shares=[{"person": a, "amount": 60000}, {"person": b, "amount": 30000}]),
        "各人份额的金额合计（90000 元）与捐赠的金额（100000 元）不一致",
    )  # fmt: skip
    _refused(
        lambda: _donate(staff, donor_kind="joint", shares=[{"person": a, "amount": 240000}]), "至少填写两位"
    )
    _refused(
        lambda: _donate(
            staff,
            donor_kind="joint",
            amount=2,
            shares=[{"person": a, "amount": 1}, {"person": a, "amount": 1}],
        ),
        "重复",
    )
    assert not Donation.objects.exists()


def test_a_joint_donation_counts_each_persons_share_once_verified(staff, people):
    a, b = people
    d = _donate(staff, donor_kind="joint", amount=100000, trees=100,
                shares=[{"person": a, "amount": 60000, "trees": 60}, {"person": b, "amount": 40000, "trees": 40}])  # fmt: skip
    counts = selectors.donation_counts_by_person(start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1))
    assert counts == {}  # not verified yet
    services.donation_verify(actor=staff, donation=d)
    counts = selectors.donation_counts_by_person(start=dt.date(2025, 1, 1), end=dt.date(2026, 1, 1))
    assert counts[a.pk]["amount"] == Decimal(60000) and counts[b.pk]["trees"] == 40
    _refused(lambda: services.donation_verify(actor=staff, donation=d), "已经核实")


def test_editing_a_verified_donation_needs_a_new_verification(staff, people):
    d = _donate(staff, shares=[{"person": people[0]}])
    services.donation_verify(actor=staff, donation=d)
    services.donation_update(actor=staff, donation=d, amount=250000)
    d.refresh_from_db()
    assert d.amount == 250000 and not d.is_verified
    assert d.shares.get().amount == 250000


def test_an_activity_support_amount_is_linked_once_and_never_counted_twice(orgs, users, staff, people):
    from activities.tests.factories import ActivityFactory
    from archives.items import TZ

    activity = ActivityFactory(
        owner_org=orgs.committee,
        starts_at=dt.datetime(2025, 4, 2, 9, tzinfo=TZ),
        support_amount=Decimal(240000),
    )
    before = selectors.donation_totals(staff, year=2025)
    assert [(r["label"], r["amount"]) for r in before] == [("活动资助（未登记）", Decimal(240000))]
    d = _donate(staff, activity=activity, shares=[{"person": people[0]}])
    services.donation_verify(actor=staff, donation=d)
    after = selectors.donation_totals(staff, year=2025)
    assert [(r["label"], r["amount"]) for r in after] == [("助学", Decimal(240000))]
    _refused(lambda: _donate(staff, activity=activity, shares=[{"person": people[1]}]), "已经登记过")
    assert list(selectors.unlinked_support_activities(staff, year=2025)) == []


def test_donation_totals_by_programme_place_person_and_year(orgs, staff, people):
    a, b = people
    for kw in (
        {"shares": [{"person": a}], "amount": 240000, "programme": "education", "place": "吴川市王村港镇"},
        {"donor_kind": "joint", "amount": 100000, "programme": "green", "place": "花都区梯面镇",
         "shares": [{"person": a, "amount": 50000}, {"person": b, "amount": 50000}]},
        {"donor_kind": "association", "donor_org": orgs.association, "amount": 10000, "programme": "green",
         "place": "花都区梯面镇", "date": dt.date(2024, 5, 1)},
    ):  # fmt: skip
        services.donation_verify(actor=staff, donation=_donate(staff, **kw))
    by_programme = {r["label"]: r["amount"] for r in selectors.donation_totals(staff, group_by="programme")}
    assert by_programme == {"助学": 240000, "绿美广州": 110000}
    by_place = {
        r["label"]: r["amount"] for r in selectors.donation_totals(staff, year=2025, group_by="place")
    }
    assert by_place == {"吴川市王村港镇": 240000, "花都区梯面镇": 100000}
    by_person = {r["label"]: r["amount"] for r in selectors.donation_totals(staff, group_by="person")}
    assert by_person == {"捐赠甲": 290000, "捐赠乙": 50000}
    by_year = {r["label"]: r["amount"] for r in selectors.donation_totals(staff, group_by="year")}
    assert by_year == {"2024": 10000, "2025": 340000}
    with pytest.raises(DomainError):
        selectors.donation_totals(staff, group_by="colour")


@pytest.mark.parametrize("role", ["leader", "member", "unit", "partner"])
def test_only_staff_record_donations(users, people, role):
    with pytest.raises(PermissionRefused):
        _donate(users[role], shares=[{"person": people[0]}])
    assert not Donation.objects.exists()
