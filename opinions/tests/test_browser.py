"""Browser journey: a member writes and submits a report; staff accept, edit, send it up and record adoption."""

import pytest

from opinions.models import OpinionReport, ReportStatus

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
SHOTS = "var/screenshots"


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Passw0rd!x")
    page.click("button[type=submit]")
    page.wait_for_selector("h1")


def _step(page, label, **fields):
    form = page.locator("form", has=page.locator(f"button:has-text('{label}')")).first
    for name, value in fields.items():
        target = form.locator(f"[name={name}]")
        if name == "level":
            target.select_option(value)
        else:
            target.fill(value)
    form.locator(f"button:has-text('{label}')").click()
    page.wait_for_selector("text=状态已更新")


def test_member_submits_and_staff_move_it_along(page, live_server, users):
    _login(page, live_server, "member")
    page.set_viewport_size({"width": 390, "height": 900})
    page.click("text=☰")
    page.click("nav >> text=社情民意")
    page.click("text=撰写社情民意")
    page.fill("#id_title", "关于便利港澳居民在穗办理社保的建议")
    page.fill("#id_situation", "港澳居民在穗就业人数增加，但办理社保需多次往返。")
    page.fill("#id_analysis", "线上系统不支持港澳居民证件。")
    page.fill("#id_suggestion", "开通港澳居民证件线上认证。")
    assert int(page.inner_text("#char-count")) > 30
    page.screenshot(path=f"{SHOTS}/opinions-member-form-phone.png", full_page=True)
    page.click("button:has-text('保存并报送')")
    page.wait_for_selector("#report-status")
    assert page.inner_text("#report-status") == "已报送"
    page.click("form[action$='/logout/'] button")

    page.set_viewport_size({"width": 1280, "height": 900})
    _login(page, live_server, "staff")
    page.goto(f"{live_server.url}/opinions/?status=submitted")
    page.click("text=关于便利港澳居民在穗办理社保的建议")
    _step(page, "受理")
    _step(page, "编辑完成")
    _step(page, "上报", level="city", organisation="广州市政协")
    _step(page, "登记采用", level="provincial", organisation="广东省政协办公厅")
    _step(page, "登记领导批示", level="provincial", leader="省领导（演示）", text="请省人社厅研究。")
    assert page.inner_text("#report-status") == "获领导批示"
    page.screenshot(path=f"{SHOTS}/opinions-staff-detail.png", full_page=True)
    report = OpinionReport.objects.get()
    assert report.status == ReportStatus.INSTRUCTED and report.instruction_leader == "省领导（演示）"
    page.goto(f"{live_server.url}/opinions/")
    page.screenshot(path=f"{SHOTS}/opinions-register.png", full_page=True)
