import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.models import SensitiveAccessLog
from ideas import throttle
from ideas.models import Idea, IdeaStatus
from ideas.tests.factories import IdeaFactory
from proposals.tests.factories import seat

pytestmark = pytest.mark.django_db
S = IdeaStatus
SUBMIT = "/public/ideas/"


def _challenge(client):
    """The token and the right answer, read from the question as a person would (the token reveals nothing)."""
    html = client.get(SUBMIT).content.decode()
    token = re.search(r'name="token" value="([^"]+)"', html).group(1)
    a, b = re.search(r"验证问题：(\d) 加 (\d) 等于几", html).groups()
    return token, str(int(a) + int(b))


def _form(client, **change):
    token, answer = _challenge(client)
    return {
        "title": "增加广州滑板场建设",
        "body": "青少年玩滑板的人越来越多，建议规划建设公共滑板场。",
        "citizen_name": "梁小滑",
        "citizen_phone": "13800001111",
        "citizen_email": "",
        "consent": "on",
        "token": token,
        "answer": answer,
        **change,
    }


def test_public_page_needs_no_login_and_asks_a_question(client):
    response = client.get(SUBMIT)
    assert response.status_code == 200
    assert "验证问题" in response.content.decode()


def test_citizen_submits_and_is_sent_to_the_status_page_with_the_code(client, orgs):
    response = client.post(SUBMIT, _form(client), follow=True)
    idea = Idea.objects.get()
    html = response.content.decode()
    assert idea.code in html and "待审核" in html
    assert "梁小滑" not in html and "13800001111" not in html


@pytest.mark.parametrize(
    "change, message",
    [({"answer": "999"}, "验证问题回答不正确"), ({"token": "forged"}, "验证问题回答不正确"),
     ({"consent": ""}, "请勾选同意"), ({"website": "http://spam"}, "提交未通过校验")],
)  # fmt: skip
def test_failed_human_check_or_missing_consent_writes_nothing(client, orgs, change, message):
    response = client.post(SUBMIT, _form(client, **change))
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not Idea.objects.exists()


def test_a_flood_from_one_address_gets_a_clear_chinese_refusal(client, orgs):
    for _ in range(throttle.LIMIT):
        client.post(SUBMIT, _form(client))
    response = client.post(SUBMIT, _form(client))
    assert response.status_code == 429
    assert "提交过于频繁" in response.content.decode()
    assert Idea.objects.count() == throttle.LIMIT


def test_lookup_shows_status_and_outcome_but_no_personal_data(client, orgs):
    idea = IdeaFactory(owner_org=orgs.committee, status=S.DECLINED, outcome_note="已有同类项目在建")
    html = client.get(reverse("ideas_public:lookup"), {"code": idea.code.lower()}).content.decode()
    assert "不予采纳" in html and "已有同类项目在建" in html
    assert idea.citizen_name not in html and "13812345678" not in html and "citizen@" not in html


def test_unknown_code_says_so(client):
    response = client.get(reverse("ideas_public:lookup"), {"code": "JDNOPE1234"})
    assert response.status_code == 404 and "没有找到该查询码" in response.content.decode()


def test_staff_see_the_phone_masked_and_reveal_it_with_a_log_row(client, users, orgs):
    idea = IdeaFactory(owner_org=orgs.committee)
    client.force_login(users["staff"])
    html = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert "138****5678" in html and "13812345678" not in html
    html = client.post(reverse("ideas:reveal", args=[idea.pk])).content.decode()
    assert "13812345678" in html
    assert SensitiveAccessLog.objects.filter(field="citizen_phone", user=users["staff"]).exists()


def test_member_sees_an_open_idea_without_contact_details_and_claims_it(client, users, orgs):
    idea = IdeaFactory(owner_org=orgs.committee, status=S.OPEN)
    client.force_login(users["member"])
    html = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert (
        "13812345678" not in html
        and "138****" not in html
        and idea.citizen_name not in html
        and "认领" in html
    )
    assert client.post(reverse("ideas:reveal", args=[idea.pk])).status_code == 403
    client.post(reverse("ideas:transition", args=[idea.pk]), {"target": "claimed"})
    idea.refresh_from_db()
    assert idea.status == S.CLAIMED and idea.claimed_by == users["member"].person


def test_member_cannot_open_an_unscreened_idea(client, users, orgs):
    idea = IdeaFactory(owner_org=orgs.committee)
    client.force_login(users["member"])
    assert client.get(reverse("ideas:detail", args=[idea.pk])).status_code == 404


def test_member_screening_is_refused_with_a_chinese_reason(client, users, orgs):
    idea = IdeaFactory(owner_org=orgs.committee, status=S.OPEN)
    client.force_login(users["member"])
    response = client.post(reverse("ideas:transition", args=[idea.pk]), {"target": "declined", "note": "x"})
    assert response.status_code == 403 and "只有工作人员" in response.content.decode()


def _many(orgs, users, n):
    for i in range(n):
        IdeaFactory(owner_org=orgs.committee, status=S.CLAIMED, claimed_by=users["member"].person,
                    title=f"金点子{i}")  # fmt: skip


@pytest.mark.parametrize("rows", [3, 30])
def test_list_query_count_does_not_grow(client, users, orgs, rows, django_assert_max_num_queries):
    _many(orgs, users, rows)
    client.force_login(users["staff"])
    with django_assert_max_num_queries(9):
        response = client.get(reverse("ideas:list"), {"sort": "claimed_by"})
    assert response.status_code == 200


@pytest.mark.parametrize("rows", [3, 30])
def test_export_query_count_does_not_grow_and_keeps_filters(
    client, users, orgs, rows, django_assert_max_num_queries
):
    _many(orgs, users, rows)
    IdeaFactory(owner_org=orgs.committee, title="待审核的一条")
    client.force_login(users["staff"])
    with django_assert_max_num_queries(6):
        response = client.get(reverse("ideas:export"), {"status": "claimed"})
    sheet = load_workbook(io.BytesIO(response.content)).active
    titles = [row[1] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert len(titles) == rows and "待审核的一条" not in titles


def test_member_list_shows_open_ideas_on_a_phone_friendly_table(client, users, orgs):
    IdeaFactory(owner_org=orgs.committee, status=S.OPEN, title="可认领的一条")
    IdeaFactory(owner_org=orgs.committee, title="未审核的一条")
    client.force_login(users["member"])
    html = client.get(reverse("ideas:list")).content.decode()
    assert "可认领的一条" in html and "未审核的一条" not in html and 'data-label="标题"' in html
    assert client.get(reverse("ideas:export")).status_code == 403


def test_staff_search_works_in_traditional_script(client, users, orgs):
    IdeaFactory(owner_org=orgs.committee, title="增加滑板场", search_text="增加滑板场")
    IdeaFactory(owner_org=orgs.committee, title="其他建议", search_text="其他建议")
    client.force_login(users["staff"])
    html = client.get(reverse("ideas:list"), {"q": "滑板場"}).content.decode()
    assert "增加滑板场" in html and "其他建议" not in html


def test_member_develops_a_claimed_idea_from_the_page(client, users, orgs):
    seat(users["member"].person)  # only a current member may author the proposal
    idea = IdeaFactory(owner_org=orgs.committee, status=S.CLAIMED, claimed_by=users["member"].person)
    client.force_login(users["member"])
    form = client.get(reverse("ideas:develop", args=[idea.pk])).content.decode()
    assert idea.body in form
    client.post(
        reverse("ideas:develop", args=[idea.pk]), {"title": "关于增加运动场地的提案", "body": idea.body}
    )
    idea.refresh_from_db()
    assert idea.status == S.PROPOSAL
    html = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert reverse("proposals:detail", args=[idea.proposal_id]) in html


def test_a_member_declining_an_idea_gets_403_before_the_form_is_read(client, users, idea):
    """Permission first (core.workflow.check): screening is the staff's, so a malformed post earns 403."""
    Idea.objects.filter(pk=idea.pk).update(status=S.OPEN)
    client.force_login(users["member"])
    r = client.post(
        reverse("ideas:transition", args=[idea.pk]), {"target": "declined", "forwarded_to": "abc"}
    )
    assert r.status_code == 403
    assert Idea.objects.get(pk=idea.pk).status == S.OPEN
