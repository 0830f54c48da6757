"""The drafting loop in a browser: a member writes a draft, staff comment and return it, the member revises
twice, staff compare revision 1 with 3 side by side and approve, the meeting is recorded with the leader's
response, and the delivered speech counts on the member's archive (headless Chromium)."""

import pytest
from django.utils import timezone

from archives.services import rule_set_create_default
from members.models import Person

from .. import services
from ..models import Speech, SpeechStatus
from .factories import DRAFT_1, DRAFT_2, DRAFT_3, make_meeting, make_topic, select

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username):
    page.context.clear_cookies()
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Passw0rd!x")
    page.click("button[type=submit]")
    page.wait_for_selector("h1")


def _submit_draft(page, live_server, speech, text, note):
    page.goto(f"{live_server.url}/consultations/speeches/{speech.pk}/")
    page.click("a.btn:has-text('稿')")  # 撰写第一稿 / 修改并提交第N稿
    page.fill("textarea[name=text]", text)
    page.fill("input[name=note]", note)
    with page.expect_navigation():
        page.click("button[name=submit]")


def _comment_and_return(page, live_server, speech, paragraph, text):
    page.goto(f"{live_server.url}/consultations/speeches/{speech.pk}/")
    page.fill("#c-paragraph", str(paragraph))
    page.fill("#c-text", text)
    with page.expect_navigation():
        page.click("#comment-form button")
    assert text in page.content()
    with page.expect_navigation():
        page.click("button:has-text('退回修改')")


def test_member_drafts_staff_review_compare_approve_and_the_speech_counts(page, live_server, users):
    staff = users["staff"]
    rule_set_create_default(actor=staff, year=timezone.localdate().year)
    meeting = make_meeting(staff, date=timezone.localdate())
    topic = select(staff, make_topic(users["member"], meeting))
    member = Person.objects.get(user=users["member"])
    speech = services.speech_create(actor=staff, topic=topic, speaker=member, title="支持港澳青年在穗创业")
    page.on("dialog", lambda dialog: dialog.accept())

    _login(page, live_server, "member")
    _submit_draft(page, live_server, speech, DRAFT_1, "初稿")
    _login(page, live_server, "staff")
    _comment_and_return(page, live_server, speech, 2, "请补充住房和资金支持的具体措施")
    _login(page, live_server, "member")
    page.goto(f"{live_server.url}/consultations/speeches/{speech.pk}/write/")
    assert "请补充住房和资金支持的具体措施" in page.content()  # the reviewer's comment beside the editor
    _submit_draft(page, live_server, speech, DRAFT_2, "按意见补充住房、资金")
    _login(page, live_server, "staff")
    _comment_and_return(page, live_server, speech, 3, "结尾请提出可评估的建议")
    _login(page, live_server, "member")
    _submit_draft(page, live_server, speech, DRAFT_3, "结尾改为专项资金和年度评估")

    _login(page, live_server, "staff")
    page.goto(f"{live_server.url}/consultations/speeches/{speech.pk}/compare/?a=1&b=3")
    compare = page.locator("#compare")
    assert compare.locator("del").count() >= 1
    assert "前海" in " ".join(compare.locator("ins").all_inner_texts())
    page.goto(f"{live_server.url}/consultations/speeches/{speech.pk}/")
    with page.expect_navigation():
        page.click("button:has-text('审定定稿')")
    assert "正文已锁定" in page.content()
    with page.expect_navigation():
        page.click("button:has-text('登记已发言')")
    page.fill("form[action$='/respond/'] input[name=leader]", "市长（测试）")
    page.fill("form[action$='/respond/'] textarea[name=text]", "请市人社局研究落实。")
    with page.expect_navigation():
        page.click("form[action$='/respond/'] button")
    assert "请市人社局研究落实。" in page.content()

    speech = Speech.objects.get(pk=speech.pk)
    assert speech.status == SpeechStatus.DELIVERED
    assert list(speech.revisions.values_list("number", flat=True)) == [1, 2, 3]
    assert speech.approved_revision.number == 3 and speech.approved_revision.text == DRAFT_3

    _login(page, live_server, "member")
    page.goto(f"{live_server.url}/archives/me/")
    row = page.locator("tr", has_text="会议发言").first
    assert "1" in row.inner_text()
