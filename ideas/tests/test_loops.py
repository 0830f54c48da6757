"""Loops that close (issue 12.5–6): the citizen's status page follows the proposal to its end, with an email at
立案, reply and outcome; a forwarded idea reaches the department, which answers from its inbox."""

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse

from ideas.models import IdeaStatus as S
from ideas.services import idea_answer, idea_develop, idea_transition
from ideas.tests.factories import IdeaFactory
from notifications.models import Notification
from proposals import services as ps
from proposals.tests.factories import plenary_session, seat

pytestmark = pytest.mark.django_db


def _to_citizen() -> list:
    return [m for m in mail.outbox if "citizen@example.test" in m.to]


def _status_page(client, idea) -> str:
    return client.get(reverse("ideas_public:lookup"), {"code": idea.code}).content.decode()


def _developed(orgs, users, title="关于增加广州滑板场建设的提案"):
    seat(users["member"].person)  # only a current member may author the proposal
    idea = IdeaFactory(owner_org=orgs.committee, title="增加广州滑板场建设")
    idea = idea_transition(actor=users["staff"], idea=idea, target=S.OPEN)
    idea = idea_transition(actor=users["member"], idea=idea, target=S.CLAIMED)
    idea, proposal = idea_develop(
        actor=users["member"], idea=idea, title=title, body="建议规划建设公共滑板场。"
    )
    return idea, proposal


def test_status_page_follows_the_proposal_to_its_outcome_and_emails_each_milestone(
    client, orgs, users, django_capture_on_commit_callbacks
):
    plenary_session(orgs)
    staff, member, unit = users["staff"], users["member"], users["unit"]
    with django_capture_on_commit_callbacks(execute=True):
        idea, proposal = _developed(orgs, users)
    html = _status_page(client, idea)
    assert "委员据此起草提案" in html and "办结" not in html  # a draft is not an end

    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        ps.proposal_submit(actor=member, proposal=proposal)
        proposal = ps.proposal_file(actor=staff, proposal=proposal)
    assert len(_to_citizen()) == 1 and proposal.number_label in _to_citizen()[0].body
    html = _status_page(client, idea)
    assert "委员提交提案" in html and f"立案：{proposal.number_label}" in html

    with django_capture_on_commit_callbacks(execute=True):
        ps.proposal_assign(actor=staff, proposal=proposal, lead=orgs.sports)
        ps.reply_save(actor=unit, proposal=proposal, reply_class="A", body="已在天河体育中心建成滑板公园。")
        ps.reply_submit(actor=unit, proposal=proposal)
        ps.reply_review(actor=staff, proposal=proposal, approve=True)
    assert len(_to_citizen()) == 2 and "答复" in _to_citizen()[1].body
    html = _status_page(client, idea)
    assert "交办市体育局办理" in html
    assert f"#proposal-{proposal.pk}" in html and "承办单位答复已公开" in html
    assert "办结" not in html

    with django_capture_on_commit_callbacks(execute=True):
        ps.reply_rate(actor=member, proposal=proposal, value="satisfied")
        ps.outcome_record(
            actor=staff,
            proposal=proposal,
            actions="滑板公园已建成开放。",
            completed=True,
            completed_on=dt.date(2025, 10, 1),
        )
    assert len(_to_citizen()) == 3 and "办理成效" in _to_citizen()[2].body
    html = _status_page(client, idea)
    assert (
        "提案人评价：满意" in html
        and "办理成效：已完成（2025-10-01）" in html
        and "滑板公园已建成开放" in html
    )
    assert "办结" in html
    assert "13812345678" not in html and "citizen@example.test" not in html and "陈大文" not in html


def test_a_merged_proposal_is_followed_to_the_surviving_one(
    client, orgs, users, django_capture_on_commit_callbacks
):
    plenary_session(orgs)
    from proposals.tests.factories import submitted

    idea, proposal = _developed(orgs, users)
    ps.proposal_submit(actor=users["member"], proposal=proposal)
    survivor = submitted(users, title="关于建设城市滑板公园的提案")
    ps.proposal_merge(actor=users["staff"], proposal=proposal, into=survivor)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        survivor = ps.proposal_file(actor=users["staff"], proposal=survivor)
    assert len(_to_citizen()) == 1 and survivor.number_label in _to_citizen()[0].body
    html = _status_page(client, idea)
    assert (
        "并入提案《关于建设城市滑板公园的提案》一并办理" in html and f"立案：{survivor.number_label}" in html
    )


def test_forwarding_is_not_an_end_and_the_department_answers_from_its_inbox(
    client, orgs, users, django_capture_on_commit_callbacks
):
    idea = IdeaFactory(owner_org=orgs.committee, title="增加社区滑板场")
    idea_transition(
        actor=users["staff"], idea=idea, target=S.FORWARDED, note="属体育设施规划", forwarded_to=orgs.sports
    )
    html = _status_page(client, idea)
    assert "转交市体育局研究办理" in html and "办结" not in html
    unit = users["unit"]
    assert Notification.objects.filter(recipient=unit, event="ideas.forwarded_to_you").exists()

    client.force_login(unit)
    assert "增加社区滑板场" in client.get(reverse("ideas:list")).content.decode()
    home = client.get(reverse("core:home")).content.decode()
    assert "转交本单位的百姓提案（1）" in home
    detail = client.get(reverse("ideas:detail", args=[idea.pk])).content.decode()
    assert "发送答复" in detail and "13812345678" not in detail
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            reverse("ideas:answer", args=[idea.pk]), {"text": "已纳入明年社区体育设施计划。"}, follow=True
        )
    assert "答复已发送" in response.content.decode()
    assert len(_to_citizen()) == 1 and "已纳入明年社区体育设施计划" in _to_citizen()[0].body
    assert Notification.objects.filter(recipient=users["staff"], event="ideas.answered").exists()
    assert "转交本单位的百姓提案" not in client.get(reverse("core:home")).content.decode()

    client.logout()
    html = _status_page(client, idea)
    assert "市体育局答复" in html and "已纳入明年社区体育设施计划" in html and "办结" in html


def test_another_department_neither_sees_nor_answers_a_forwarded_idea(client, orgs, users):
    from accounts.tests.factories import UserFactory
    from core.errors import PermissionRefused

    idea = IdeaFactory(owner_org=orgs.committee)
    idea_transition(actor=users["staff"], idea=idea, target=S.FORWARDED, note="x", forwarded_to=orgs.sports)
    other = UserFactory(username="planner", role="unit", organisation=orgs.planning)
    client.force_login(other)
    assert client.get(reverse("ideas:detail", args=[idea.pk])).status_code == 404
    with pytest.raises(PermissionRefused):
        idea_answer(actor=users["staff"], idea=idea, text="x")


def test_developing_an_idea_lands_the_member_on_the_draft(client, orgs, users):
    seat(users["member"].person)
    idea = IdeaFactory(owner_org=orgs.committee)
    idea_transition(actor=users["staff"], idea=idea, target=S.OPEN)
    idea_transition(actor=users["member"], idea=idea, target=S.CLAIMED)
    client.force_login(users["member"])
    response = client.post(
        reverse("ideas:develop", args=[idea.pk]), {"title": "关于增加运动场地的提案", "body": "建议增建。"}
    )
    idea.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == reverse(
        "proposals:edit", args=[idea.proposal_id]
    )
