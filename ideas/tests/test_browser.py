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
    assert page.inner_text("#public-status") == "政协委员认领，调研完善中"


def test_citizen_follows_the_idea_to_the_outcome_and_opens_the_published_reply(
    page, live_server, users, orgs
):
    import datetime as dt

    from ideas.services import idea_develop, idea_transition
    from ideas.tests.factories import IdeaFactory
    from proposals import services as ps
    from proposals.tests.factories import plenary_session, seat

    plenary_session(orgs)
    staff, member, unit = users["staff"], users["member"], users["unit"]
    seat(member.person)  # only a current member may author the proposal
    idea = IdeaFactory(owner_org=orgs.committee, title="增加广州滑板场建设")
    idea = idea_transition(actor=staff, idea=idea, target=IdeaStatus.OPEN)
    idea = idea_transition(actor=member, idea=idea, target=IdeaStatus.CLAIMED)
    idea, p = idea_develop(
        actor=member, idea=idea, title="关于增加广州滑板场建设的提案", body="建议建设滑板场。"
    )
    ps.proposal_submit(actor=member, proposal=p)
    p = ps.proposal_file(actor=staff, proposal=p)
    ps.proposal_assign(actor=staff, proposal=p, lead=orgs.sports)
    ps.reply_save(actor=unit, proposal=p, reply_class="A", body="已在天河体育中心建成滑板公园。")
    ps.reply_submit(actor=unit, proposal=p)
    ps.reply_review(actor=staff, proposal=p, approve=True)
    ps.reply_rate(actor=member, proposal=p, value="satisfied")
    ps.outcome_record(
        actor=staff,
        proposal=p,
        actions="滑板公园已建成开放。",
        completed=True,
        completed_on=dt.date(2025, 10, 1),
    )

    page.set_viewport_size({"width": 390, "height": 800})
    page.goto(f"{live_server.url}/public/ideas/status/?code={idea.code}")
    stages = page.inner_text("#public-stages")
    for step in (
        "收到金点子",
        "委员据此起草提案",
        "委员提交提案",
        f"立案：{p.number_label}",
        "交办市体育局办理",
    ):
        assert step in stages
    assert "提案人评价：满意" in stages and "办理成效：已完成（2025-10-01）" in stages
    assert page.inner_text("#public-status") == "办结"
    page.click("#public-stages >> text=承办单位答复已公开")
    page.wait_for_selector(f"#proposal-{p.pk}")
    assert "已在天河体育中心建成滑板公园" in page.inner_text(f"#proposal-{p.pk}")


def test_department_answers_a_forwarded_idea_from_its_home_page(page, live_server, users, orgs):
    from ideas.services import idea_transition
    from ideas.tests.factories import IdeaFactory

    idea = IdeaFactory(owner_org=orgs.committee, title="增加社区滑板场")
    idea_transition(
        actor=users["staff"],
        idea=idea,
        target=IdeaStatus.FORWARDED,
        note="属体育设施",
        forwarded_to=orgs.sports,
    )
    page.on("dialog", lambda d: d.accept())
    _login(page, live_server, "unit")
    page.locator(".home-section", has_text="转交本单位的百姓提案").get_by_role("link", name="处理").click()
    page.wait_for_selector("#answer")
    page.fill("#answer textarea[name=text]", "已纳入明年社区体育设施计划。")
    page.click("#answer button")
    page.wait_for_selector("#department-reply")
    assert "答复已发送" in page.inner_text(".messages")
    _logout(page)
    page.goto(f"{live_server.url}/public/ideas/status/?code={idea.code}")
    assert "已纳入明年社区体育设施计划" in page.inner_text("#public-stages")
    assert page.inner_text("#public-status") == "办结"
