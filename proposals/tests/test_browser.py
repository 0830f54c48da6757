"""Browser journeys of both stories: the member drafts and submits the skate-park proposal, staff file and
assign it, the sports bureau replies, staff approve, the member rates; the provincial partner follows the
cross-level joint proposal (港澳药械通)."""

import pytest

from .. import services
from ..models import Proposal, ProposalStatus
from . import factories as f

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Passw0rd!x")
    page.click("button[type=submit]")
    page.wait_for_selector("h1")


def _act(page, name):
    """Open the action panel `name` on a proposal page."""
    page.click(f"#act-{name} summary")


def _pick(page, panel, name, typed, label):
    """Choose in a searchable picker (Tom Select over select[name]): type, wait for the answer, click it."""
    page.wait_for_selector(f"{panel} select[name={name}].tomselected", state="attached")
    page.click(f"{panel} select[name={name}] + .ts-wrapper .ts-control")
    page.keyboard.type(typed)
    page.click(f"{panel} .ts-dropdown .option:has-text('{label}')")


def _overflow(page) -> int:
    """How far the page is wider than the screen (0 when nothing overflows sideways)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def test_the_drafting_form_fits_a_390_px_phone(page, live_server, orgs, users):
    long_word = "https://www.gov.cn/zhengce/content/skateboard-park-construction-guideline-2025-full-text"
    f.submitted(users, title=f"关于增加广州滑板场建设的提案{long_word}")  # shown among similar proposals
    page.set_viewport_size({"width": 390, "height": 844})
    _login(page, live_server, "member")
    page.goto(f"{live_server.url}/proposals/new/")
    assert _overflow(page) <= 0
    page.fill("input[name=title]", "关于增加广州滑板场建设的提案")
    page.fill("textarea[name=body]", f"公共滑板场地不足，建议建设城市滑板公园。参见 {long_word}")
    page.press("textarea[name=body]", "End")  # the similar-proposals panel follows keyup
    page.wait_for_selector("#similar a")
    assert _overflow(page) <= 0  # a long unbroken title in the similar proposals does not widen the page
    form = page.locator("#proposal-form").bounding_box()
    assert form["x"] >= 0 and form["x"] + form["width"] <= 390
    for selector in ("input[name=title]", "textarea[name=body]"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 390, selector  # 案由 and 正文 not cut off
    _login(page, live_server, "staff")
    for path in ("/members/new/", "/proposals/new/", "/visits/new/"):
        page.goto(f"{live_server.url}{path}")
        assert _overflow(page) <= 0, path


def test_skate_park_story_from_draft_to_rating(page, live_server, orgs, users):
    f.plenary_session(orgs)
    f.seat(users["member"].person)  # a current member: who may put forward a proposal
    page.on("dialog", lambda d: d.accept())

    # The member drafts and submits.
    _login(page, live_server, "member")
    page.goto(f"{live_server.url}/proposals/new/")
    page.fill("input[name=title]", "关于增加广州滑板场建设的提案")
    page.fill("textarea[name=body]", "公共滑板场地不足，建议在天河体育中心建设城市滑板公园。")
    page.fill("input[name=origin_note]", "源自百姓提案")
    page.click("form#proposal-form button.btn")
    page.wait_for_selector("text=提案草稿已保存")
    pk = Proposal.objects.get().pk
    _act(page, "submit")
    page.click("#act-submit button.btn")
    page.wait_for_selector("text=已完成：提交提案")
    assert "待审查" in page.inner_text("main")

    # Staff file and assign it to 市体育局 with 市规划和自然资源局 co-handling.
    _login(page, live_server, "staff")
    page.goto(f"{live_server.url}/proposals/{pk}/")
    _act(page, "file")
    page.click("#act-file button.btn")
    page.wait_for_selector("text=已完成：立案")
    assert "十四届三次会议 第0001号" in page.inner_text("main")
    _act(page, "assign")
    _pick(page, "#act-assign", "assign-lead", "体育局", "市体育局")  # the searchable picker
    page.click("#act-assign button.btn")
    page.wait_for_selector("text=已完成：交办")

    # The sports bureau sees it in its worklist, drafts and submits the reply (no co-unit: countersign skipped).
    _login(page, live_server, "unit")
    page.goto(f"{live_server.url}/proposals/work/")
    page.click("text=关于增加广州滑板场建设的提案")
    _act(page, "reply")
    page.select_option("select[name=reply-reply_class]", "A")
    page.fill("textarea[name=reply-body]", "天河体育中心城市滑板公园已建成开放。")
    page.click("#act-reply button.btn")
    page.wait_for_selector("text=已完成：起草答复")
    _act(page, "submit_reply")
    page.click("#act-submit_reply button.btn")
    page.wait_for_selector("text=已完成：提交答复待审核")

    # Staff approve the reply; the member rates it 满意 and the proposal is closed.
    _login(page, live_server, "staff")
    page.goto(f"{live_server.url}/proposals/{pk}/")
    _act(page, "review_reply")
    page.click("#act-review_reply button.btn")
    page.wait_for_selector("text=已完成：审核答复")
    _login(page, live_server, "member")
    page.goto(f"{live_server.url}/proposals/{pk}/")
    assert "天河体育中心城市滑板公园已建成开放" in page.inner_text("main")
    _act(page, "rate")
    page.check("input[name=rate-value][value=satisfied]")
    page.click("#act-rate button.btn")
    page.wait_for_selector("text=已完成：评价答复")
    assert Proposal.objects.get(pk=pk).status == ProposalStatus.CLOSED
    assert "已办结" in page.inner_text("main")
    assert "评价：满意" in page.inner_text("#timeline")


def test_partner_follows_the_cross_level_joint_proposal(page, live_server, orgs, users):
    p = f.draft(
        users,
        title="关于推动港澳药械通扩大指定医疗机构范围的提案",
        body="建议将广东祈福医院纳入指定医疗机构。",
    )
    services.cosponsor_add(actor=users["staff"], proposal=p, organisation=orgs.province)
    services.cosponsor_add(actor=users["staff"], proposal=p, organisation=orgs.district)
    services.proposal_submit(actor=users["member"], proposal=p)
    hidden = f.draft(users, title="仅本委员会可见的提案")
    _login(page, live_server, "partner")
    page.goto(f"{live_server.url}/proposals/")
    listing = page.inner_text("main")
    assert "港澳药械通" in listing and hidden.title not in listing
    page.click("text=关于推动港澳药械通扩大指定医疗机构范围的提案")
    assert "省政协" in page.inner_text("main") and "天河区政协" in page.inner_text("main")
    response = page.goto(f"{live_server.url}/proposals/{hidden.pk}/")
    assert response.status == 404
