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
