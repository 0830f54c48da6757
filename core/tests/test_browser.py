"""Browser journeys of the foundation, in headless Chromium."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Passw0rd!x")
    page.click("button[type=submit]")


def test_staff_logs_in_and_sees_home(page, live_server, users):
    _login(page, live_server, "staff")
    page.wait_for_selector("h1")
    assert "您好" in page.inner_text("h1")
    assert "组织机构" in page.inner_text("nav")


def test_switch_to_traditional_shows_traditional_text(page, live_server, users):
    _login(page, live_server, "member")
    page.wait_for_selector("h1")
    assert "委员" in page.inner_text("body")
    page.click("button[name=script][value=hant]")
    page.wait_for_selector("button[name=script][value=hans]")
    body = page.inner_text("body")
    assert "委員" in body and "委员" not in body


def test_member_is_refused_a_staff_page(page, live_server, users):
    _login(page, live_server, "member")
    page.wait_for_selector("h1")
    response = page.goto(f"{live_server.url}/accounts/users/")
    assert response.status == 403
    assert "没有权限" in page.inner_text("body")


def test_each_role_does_the_days_work_from_the_home_page(page, live_server, users, orgs):
    """Staff approve two leave requests of two activities at once and open a proposal to review; a member opens
    a co-signature invitation with its form already unfolded; a unit sees its overdue proposal."""
    import datetime as dt

    from django.utils import timezone

    from activities.services import invitation_respond, invitations_create
    from activities.tests.factories import ActivityFactory
    from members.tests.factories import PersonFactory
    from proposals.tests import factories as pf

    advisor = users["advisor"]
    for title in ("学习交流会", "情况通报会"):
        activity = ActivityFactory(owner_org=orgs.committee, title=title)
        invitations_create(actor=users["staff"], activity=activity, persons=[advisor.person])
        inv = activity.invitations.get()
        invitation_respond(actor=advisor, invitation=inv, answer="leave", reason="出差")
    pf.submitted(users, title="关于完善港澳青年就业服务的提案")
    handled = pf.handling(users, orgs, title="关于建设城市滑板公园的提案")
    handled.reply_due = timezone.localdate() - dt.timedelta(days=2)
    handled.save()
    cosign = pf.draft(
        users, title="关于湾区医疗通办的提案", author=PersonFactory(name="李委员", owner_org=orgs.committee)
    )
    cosign.cosigners.create(person=users["member"].person, owner_org=orgs.committee)
    page.on("dialog", lambda d: d.accept())

    _login(page, live_server, "staff")
    queue = page.locator(".home-section", has_text="待审批的请假")
    queue.locator("input[name=invitation]").first.check()
    queue.locator("input[name=invitation]").nth(1).check()
    queue.get_by_role("button", name="准假", exact=True).click()
    page.wait_for_selector(".messages")
    assert "已准假2人" in page.inner_text(".messages")
    assert page.locator(".home-section", has_text="待审批的请假").count() == 0
    page.locator(".home-section", has_text="待审查提案").get_by_role("link", name="审查").first.click()
    page.wait_for_selector("h1")
    assert "关于完善港澳青年就业服务的提案" in page.inner_text("h1")
    assert page.locator("#act-file").is_visible()

    page.context.clear_cookies()
    _login(page, live_server, "member")
    page.locator(".home-section", has_text="待确认联名").get_by_role("link", name="确认联名").click()
    page.wait_for_selector("#act-cosign[open]")
    assert page.locator("#act-cosign button[name=go]").is_visible()

    page.context.clear_cookies()
    _login(page, live_server, "unit")
    row = page.locator(".home-section", has_text="本单位待办理的提案").locator(
        "li", has_text="关于建设城市滑板公园的提案"
    )
    assert "逾期" in row.inner_text() and "主办" in row.inner_text()
