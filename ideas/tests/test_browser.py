"""Browser journeys: a citizen submits an idea and looks it up; staff screen it; a member claims it."""

import re

import pytest

from ideas.models import Idea, IdeaStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "var/screenshots"


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Passw0rd!x")
    page.click("button[type=submit]")
    page.wait_for_selector("h1")


def _logout(page):
    page.click("form[action$='/logout/'] button")
    page.wait_for_load_state()


def test_citizen_submits_staff_screen_member_claims(page, live_server, users, orgs):
    from django.core.cache import cache

    cache.clear()
    page.goto(f"{live_server.url}/public/ideas/")
    page.fill("#id_title", "增加广州滑板场建设")
    page.fill("#id_body", "青少年玩滑板的人越来越多，全市专业滑板场很少，建议规划建设公共滑板场。")
    page.fill("#id_citizen_name", "梁小滑")
    page.fill("#id_citizen_phone", "13800001111")
    page.check("#id_wants_followup")
    page.check("#id_consent")
    question = page.inner_text("label[for=id_answer]")
    a, b = map(int, re.findall(r"(\d+)", question)[:2])
    page.fill("#id_answer", str(a + b))
    page.screenshot(path=f"{SHOTS}/ideas-public-submit.png", full_page=True)
    page.click("button[type=submit]")
    page.wait_for_selector("#idea-result")
    code = Idea.objects.get().code
    assert code in page.inner_text("body")
    assert page.inner_text("#public-status") == "待审核"
    assert "13800001111" not in page.content()

    # Later, from another visit: look the idea up by its code.
    page.goto(f"{live_server.url}/public/ideas/status/")
    page.fill("input[name=code]", code)
    page.click("button:has-text('查询')")
    page.wait_for_selector("#public-status")
    page.screenshot(path=f"{SHOTS}/ideas-public-lookup.png", full_page=True)

    _login(page, live_server, "staff")
    page.click("nav >> text=百姓提案")
    page.click("text=增加广州滑板场建设")
    assert "138****1111" in page.inner_text("body")
    page.click("button:has-text('审核通过')")
    page.wait_for_selector("text=状态已更新")
    assert page.inner_text("#idea-status") == "待认领"
    page.screenshot(path=f"{SHOTS}/ideas-staff-detail.png", full_page=True)
    _logout(page)

    _login(page, live_server, "member")
    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/ideas/?status=open")
    page.screenshot(path=f"{SHOTS}/ideas-member-list-phone.png", full_page=True)
    page.click("text=增加广州滑板场建设")
    assert "138****" not in page.inner_text("body")
    page.click("button:has-text('认领')")
    page.wait_for_selector("text=状态已更新")
    assert page.inner_text("#idea-status") == "已认领"
    idea = Idea.objects.get()
    assert idea.status == IdeaStatus.CLAIMED and idea.claimed_by == users["member"].person

    # The citizen's look-up now says a member took it up.
    page.goto(f"{live_server.url}/public/ideas/status/?code={code}")
    assert page.inner_text("#public-status") == "已认领"
