"""The issue's journey in headless Chromium: plan, record a visit with two requests, resolve one, the member
sees it solved on a phone, the coverage page shows who is still unvisited."""

import pytest
from django.utils import timezone

from .factories import seat

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Passw0rd!x")
    page.click("button[type=submit]")
    page.wait_for_selector("h1")


def _pick(page, name, typed, label):
    """Choose in a searchable picker (Tom Select over select[name]): type, wait for the answer, click it."""
    page.wait_for_selector(f"select[name={name}].tomselected", state="attached")
    page.click(f"select[name={name}] + .ts-wrapper .ts-control")
    page.keyboard.type(typed)
    page.click(f".ts-dropdown .option:has-text('{label}')")
    page.keyboard.press("Escape")


def test_leader_plans_records_two_requests_staff_resolve_member_sees_it_on_a_phone(
    page, live_server, users, orgs
):
    from members.models import Person

    member = Person.objects.get(user=users["member"])
    seat([member], orgs.city)  # a member of the current term: in the year's plan
    page.on("dialog", lambda dialog: dialog.accept())
    year = timezone.localdate().year

    # The leader makes the year's plan and takes the member.
    _login(page, live_server, "leader")
    page.goto(f"{live_server.url}/visits/plan/?year={year}")
    page.click("text=生成")
    page.wait_for_selector("text=我来走访")
    row = page.locator("tr", has_text="陈大文")
    row.locator("button", has_text="我来走访").click()
    page.wait_for_selector("text=走访分工已更新")

    # … plans the visit, then records it as done.
    page.goto(f"{live_server.url}/visits/new/?person={member.pk}")
    staff = users["staff"].display_name
    _pick(
        page, "visitors", staff, f"{staff}（工作人员）"
    )  # a colleague, searched (the leader is chosen already)
    page.select_option("#id_mode", "home")
    page.fill("#id_topics", "了解在穗生活和子女教育")
    page.click("button[type=submit]:has-text('保存')")
    page.wait_for_selector("text=计划中")
    assert staff in page.inner_text("main") and users["leader"].display_name in page.inner_text("main")
    page.fill("form[action$='/record/'] textarea[name=notes]", "委员提出两项诉求。")
    page.click("text=标记为已走访")
    page.wait_for_selector("text=已记录为已走访")

    # … and notes two requests raised in the talk.
    page.click("text=登记本次走访中的诉求")
    page.select_option("#id_category", "school")
    page.fill("#id_title", "子女插班入学")
    page.fill("#id_description", "孩子明年随家人来穗，想插班就读。")
    page.click("text=保存并继续登记")
    page.wait_for_selector("text=已登记")
    page.select_option("#id_category", "travel")
    page.fill("#id_title", "居住证办理")
    page.fill("#id_description", "家属想办理港澳居民居住证。")
    page.click("button[type=submit]:has-text('保存'):not([name=another])")
    page.wait_for_selector("h1:has-text('居住证办理')")

    # Staff resolve one of them.
    _login(page, live_server, "staff")
    page.goto(f"{live_server.url}/visits/requests/")
    page.click("text=居住证办理")
    page.fill("#note-solved", "已告知办理条件和地点，家属已递交申请。")
    page.click("button:has-text('办结（已解决）')")
    page.wait_for_selector("text=已通知委员")

    # The member sees it solved on a phone-sized page.
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, live_server, "member")
    page.goto(f"{live_server.url}/visits/requests/")
    solved = page.locator("tr", has_text="居住证办理")
    assert "已解决" in solved.inner_text()
    assert "待办理" in page.locator("tr", has_text="子女插班入学").inner_text()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    page.click("text=居住证办理")
    assert "已告知办理条件和地点" in page.inner_text("body")

    # The coverage page shows who is still unvisited.
    page.set_viewport_size({"width": 1280, "height": 900})
    _login(page, live_server, "leader")
    page.goto(f"{live_server.url}/visits/coverage/")
    table = page.inner_text("#uncovered")
    assert "黄侨心" in table and "陈大文" not in table
    assert "50.0%" in page.inner_text("#coverage-percent")
