"""Browser journeys: a member on a phone-sized screen confirms, asks for leave and checks in by the QR
link; staff create the five-city trip, add its stops and invite by filter."""

import datetime as dt

import pytest
from django.utils import timezone

from activities import services
from activities.models import Activity
from activities.models import InvitationStatus as S
from activities.tests.factories import ActivityFactory, KindFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Passw0rd!x")
    page.click("button[type=submit]")
    page.wait_for_selector("h1")


def test_member_confirms_asks_for_leave_and_checks_in_by_qr_on_a_phone(page, live_server, orgs, users):
    staff, member = users["staff"], users["member"]
    soon = timezone.now() + dt.timedelta(days=10)
    study = ActivityFactory(owner_org=orgs.committee, title="港澳委员学习交流会", starts_at=soon)
    trip = ActivityFactory(
        owner_org=orgs.committee,
        title="植树活动",
        starts_at=soon + dt.timedelta(days=3),
        signup_deadline=None,
    )
    now = timezone.now() - dt.timedelta(minutes=15)
    today = ActivityFactory(
        owner_org=orgs.committee,
        title="情况通报会",
        starts_at=now,
        ends_at=now + dt.timedelta(hours=2),
        signup_deadline=None,
    )
    for a in (study, trip, today):
        services.invitations_create(actor=staff, activity=a, persons=[member.person])
    page.set_viewport_size(PHONE)
    page.on("dialog", lambda d: d.accept())
    _login(page, live_server, "member")

    page.goto(f"{live_server.url}/activities/my/")
    card = page.locator(".my-item", has_text="港澳委员学习交流会")
    card.get_by_role("button", name="确认参加").click()
    page.wait_for_selector(".messages")
    assert (
        "确认参加" in page.locator(".my-item", has_text="港澳委员学习交流会").locator(".status").inner_text()
    )

    card = page.locator(".my-item", has_text="植树活动")
    card.locator("summary", has_text="请假").click()
    card.locator("textarea[name=reason]").fill("在澳门出差")
    card.get_by_role("button", name="提交请假").click()
    page.wait_for_selector(".messages")
    assert "请假待批" in page.locator(".my-item", has_text="植树活动").locator(".status").inner_text()

    token = services.check_in_token(today)
    page.goto(f"{live_server.url}/activities/checkin/{token}/")
    page.click("#checkin-button")
    page.wait_for_selector("#checkin-done")
    assert "签到成功" in page.inner_text("#checkin-done")
    assert today.invitations.get().status == S.CHECKED_IN
    # No horizontal scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"] + 1

    page.goto(f"{live_server.url}/activities/checkin/{token[:-2]}xx/")
    assert "签到二维码无效" in page.inner_text("body")


def test_staff_create_the_five_city_trip_and_invite_macao_members_by_filter(page, live_server, orgs, users):
    from members.models import TermRoleKind
    from members.services import term_role_add
    from members.tests.factories import PersonFactory, TermFactory

    KindFactory(name="调研视察", is_trip=True)
    term = TermFactory(cppcc=orgs.city)
    for i in range(4):
        term_role_add(
            person=PersonFactory(owner_org=orgs.committee, region="mo", name=f"澳门委员{i}"),
            term=term,
            role=TermRoleKind.MEMBER,
        )
    term_role_add(
        person=PersonFactory(owner_org=orgs.committee, region="hk", name="香港委员甲"),
        term=term,
        role=TermRoleKind.MEMBER,
    )
    page.on("dialog", lambda d: d.accept())
    _login(page, live_server, "staff")

    page.goto(f"{live_server.url}/activities/new/")
    page.select_option("select[name=kind]", label="调研视察")
    page.fill("input[name=title]", "赴南宁、桂林、西安、成都、德阳国情教育和调研视察")
    page.fill("input[name=starts_at]", "2030-04-14T08:00")
    page.fill("input[name=ends_at]", "2030-04-23T18:00")
    page.fill("input[name=place]", "南宁、桂林、西安、成都、德阳")
    page.fill("input[name=quota]", "30")
    page.click("button[type=submit]")
    page.wait_for_selector("#stop-form")
    for i, city in enumerate(("南宁", "桂林", "西安", "成都", "德阳")):
        page.fill("#stop-form input[name=city]", city)
        page.fill("#stop-form input[name=start_date]", f"2030-04-{14 + 2 * i:02d}")
        page.fill("#stop-form input[name=end_date]", f"2030-04-{15 + 2 * i:02d}")
        page.click("#stop-form button")
        page.wait_for_selector(f"#stops >> text={city}")
    page.fill("#stop-form input[name=city]", "重庆")
    page.fill("#stop-form input[name=start_date]", "2030-04-24")
    page.fill("#stop-form input[name=end_date]", "2030-04-25")
    page.click("#stop-form button")
    page.wait_for_selector(".msg-error")
    assert "超出活动日期" in page.inner_text(".messages")

    page.get_by_role("link", name="邀请", exact=True).click()
    page.select_option("#invite-filter select[name=region]", label="澳门")
    page.select_option("#invite-filter select[name=role]", label="委员")
    page.click("#invite-filter button")
    page.wait_for_selector("#match-count")
    assert page.inner_text("#match-count") == "4"
    page.click("#invite-all")
    page.wait_for_selector("text=已邀请 4 人")
    body = page.inner_text("main")
    assert "澳门委员0" in body and "香港委员甲" not in body
    trip = Activity.objects.get(title__startswith="赴南宁")
    assert [s.city for s in trip.stops.all()] == ["南宁", "桂林", "西安", "成都", "德阳"]
    assert trip.invitations.count() == 4
