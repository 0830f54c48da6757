import pytest
from django.core import mail
from django.http import Http404

from core.errors import DomainError, PermissionRefused
from core.models import SensitiveAccessLog
from core.workflow import log_for
from ideas import throttle
from ideas.models import Idea, IdeaStatus
from ideas.services import idea_invite_followup, idea_reveal_contact, idea_submit, idea_transition
from ideas.tests.factories import IdeaFactory
from notifications.models import Notification
from proposals.tests.factories import seat

pytestmark = pytest.mark.django_db
S = IdeaStatus

GOOD = {
    "title": "增加广州滑板场建设",
    "body": "青少年玩滑板的人越来越多，但全市专业滑板场很少，建议规划建设公共滑板场。",
    "citizen_name": "梁小滑",
    "citizen_phone": "13800001111",
    "citizen_email": "skate@example.test",
}


def test_a_citizens_idea_waits_for_review_with_a_code_and_an_email(orgs, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_submit(client_ip="10.0.0.1", **GOOD)
    assert idea.status == S.SUBMITTED
    assert idea.code.startswith("JD") and len(idea.code) == 10
    assert idea.owner_org == orgs.committee
    assert len(mail.outbox) == 1 and idea.code in mail.outbox[0].body


def test_the_phone_is_encrypted_at_rest(orgs):
    from django.db import connection

    idea = idea_submit(client_ip="10.0.0.1", **GOOD)
    with connection.cursor() as cursor:
        cursor.execute("SELECT citizen_phone FROM ideas_idea WHERE id = %s", [idea.pk])
        stored = cursor.fetchone()[0]
    assert "13800001111" not in stored
    assert Idea.objects.get(pk=idea.pk).citizen_phone == "+8613800001111"  # E.164 (core.phones)


def test_a_flood_from_one_address_is_refused_and_nothing_is_written(orgs):
    for _ in range(throttle.LIMIT):
        idea_submit(client_ip="10.0.0.9", **GOOD)
    with pytest.raises(DomainError, match="提交过于频繁"):
        idea_submit(client_ip="10.0.0.9", **GOOD)
    assert Idea.objects.count() == throttle.LIMIT
    # Another address is not affected.
    idea_submit(client_ip="10.0.0.10", **GOOD)
    assert Idea.objects.count() == throttle.LIMIT + 1


@pytest.mark.parametrize(
    "change, message",
    [
        ({"title": ""}, "请填写标题"),
        ({"body": "太短"}, "至少 10 个字"),
        ({"body": "字" * 3001}, "不能超过 3000 字"),
        ({"citizen_name": " "}, "请填写您的姓名"),
        ({"citizen_phone": "", "citizen_email": ""}, "至少留下电话或电子邮箱"),
        ({"citizen_phone": "abc"}, "电话号码“abc”无法识别"),
        ({"citizen_phone": "+86 85291234568"}, "不是有效的号码"),
        ({"citizen_email": "not-an-email"}, "电子邮箱格式不正确"),
    ],
)
def test_bad_submissions_are_refused_in_chinese_and_nothing_written(orgs, change, message):
    with pytest.raises(DomainError, match=message):
        idea_submit(client_ip="10.0.0.2", **{**GOOD, **change})
    assert not Idea.objects.exists()
    assert not mail.outbox


ALLOWED = {
    (S.SUBMITTED, S.OPEN): "staff",
    (S.SUBMITTED, S.FORWARDED): "staff",
    (S.SUBMITTED, S.DECLINED): "staff",
    (S.OPEN, S.FORWARDED): "staff",
    (S.OPEN, S.DECLINED): "staff",
    (S.OPEN, S.CLAIMED): "member",
    (S.CLAIMED, S.OPEN): "member",
    (S.CLAIMED, S.FORWARDED): "staff",
    (S.CLAIMED, S.DECLINED): "staff",
    (S.CLAIMED, S.SPEECH): "member",
}


def _in_state(orgs, users, status):
    fields = {}
    if status in (S.CLAIMED, S.PROPOSAL, S.SPEECH):
        fields["claimed_by"] = users["member"].person
    if status == S.FORWARDED:
        fields["forwarded_to"] = orgs.sports
    if status in (S.FORWARDED, S.DECLINED, S.SPEECH):
        fields["outcome_note"] = "理由"
    return IdeaFactory(owner_org=orgs.committee, status=status, **fields)


@pytest.mark.parametrize("source", [s for s in S.values if s != S.PROPOSAL])
@pytest.mark.parametrize("target", [s for s in S.values if s != S.PROPOSAL])
def test_transition_table(orgs, users, source, target):
    idea = _in_state(orgs, users, source)
    actor = users[ALLOWED.get((source, target), "staff")]
    call = {"actor": actor, "idea": idea, "target": target, "note": "理由", "forwarded_to": orgs.sports}
    if (source, target) in ALLOWED:
        assert idea_transition(**call).status == target
    else:
        with pytest.raises((DomainError, Http404)):
            idea_transition(**call)
        idea.refresh_from_db()
        assert idea.status == source
        assert not log_for(idea).exists()


def test_proposal_end_only_through_developing(orgs, users):
    idea = _in_state(orgs, users, S.CLAIMED)
    with pytest.raises(DomainError, match="形成提案草稿"):
        idea_transition(actor=users["member"], idea=idea, target=S.PROPOSAL)


@pytest.mark.parametrize("role", ["member", "advisor", "leader", "unit"])
def test_only_staff_screen(orgs, users, idea, role):
    with pytest.raises((PermissionRefused, Http404)):
        idea_transition(actor=users[role], idea=idea, target=S.OPEN)
    idea.refresh_from_db()
    assert idea.status == S.SUBMITTED


def test_staff_cannot_claim_for_a_member(orgs, users):
    idea = _in_state(orgs, users, S.OPEN)
    with pytest.raises(PermissionRefused, match="委员、顾问"):
        idea_transition(actor=users["staff"], idea=idea, target=S.CLAIMED)


def test_claiming_records_the_member_and_releasing_clears_it(orgs, users):
    idea = _in_state(orgs, users, S.OPEN)
    idea = idea_transition(actor=users["member"], idea=idea, target=S.CLAIMED)
    assert idea.claimed_by == users["member"].person and idea.claimed_at
    idea = idea_transition(actor=users["member"], idea=idea, target=S.OPEN)
    assert idea.claimed_by is None


def test_another_member_cannot_release_or_develop_someone_elses_claim(orgs, users):
    idea = _in_state(orgs, users, S.CLAIMED)
    with pytest.raises((PermissionRefused, Http404)):
        idea_transition(actor=users["advisor"], idea=idea, target=S.OPEN)
    with pytest.raises((PermissionRefused, Http404)):
        idea_transition(actor=users["advisor"], idea=idea, target=S.SPEECH, note="x")


def test_members_see_open_ideas_and_their_claims_but_not_unscreened_ones(orgs, users):
    waiting = _in_state(orgs, users, S.SUBMITTED)
    open_ = _in_state(orgs, users, S.OPEN)
    mine = _in_state(orgs, users, S.CLAIMED)
    declined = _in_state(orgs, users, S.DECLINED)
    assert set(Idea.objects.visible_to(users["member"])) == {open_, mine}
    assert set(Idea.objects.visible_to(users["advisor"])) == {open_}
    assert waiting not in Idea.objects.visible_to(users["unit"]) and declined


@pytest.mark.parametrize("target", [S.DECLINED, S.FORWARDED])
def test_the_citizen_is_emailed_the_end_with_the_reason(
    orgs, users, idea, target, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_transition(
            actor=users["staff"], idea=idea, target=target, note="已有同类规划", forwarded_to=orgs.sports
        )
    assert idea.closed_at and idea.citizen_notified_at and idea.outcome_note == "已有同类规划"
    to_citizen = [
        m for m in mail.outbox if idea.citizen_email in m.to
    ]  # (the department's users are told too)
    assert len(to_citizen) == 1
    assert "已有同类规划" in to_citizen[0].body and idea.code in to_citizen[0].subject


def test_declining_needs_a_reason(orgs, users, idea):
    with pytest.raises(DomainError, match="需要填写说明"):
        idea_transition(actor=users["staff"], idea=idea, target=S.DECLINED)


def test_forwarding_needs_a_department(orgs, users, idea):
    with pytest.raises(DomainError, match="转交的部门"):
        idea_transition(actor=users["staff"], idea=idea, target=S.FORWARDED, note="x")
    idea.refresh_from_db()
    assert idea.status == S.SUBMITTED


def test_the_claimant_hears_when_staff_decline_their_idea(orgs, users):
    idea = _in_state(orgs, users, S.CLAIMED)
    idea_transition(actor=users["staff"], idea=idea, target=S.DECLINED, note="不在职责范围")
    assert Notification.objects.filter(recipient=users["member"], event="ideas.declined").exists()


def test_followup_invitation_is_recorded_and_emailed(orgs, users, idea, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        idea = idea_invite_followup(actor=users["staff"], idea=idea, note="12月5日到市体育局座谈")
    assert idea.followup_invited_at and "座谈" in mail.outbox[0].body


def test_followup_is_refused_when_the_citizen_did_not_agree(orgs, users):
    idea = IdeaFactory(owner_org=orgs.committee, wants_followup=False)
    with pytest.raises(DomainError, match="未表示愿意"):
        idea_invite_followup(actor=users["staff"], idea=idea, note="x")


def test_revealing_contact_details_is_logged_and_members_may_not(orgs, users, idea):
    assert (
        idea_reveal_contact(actor=users["staff"], idea=idea)["phone"] == "13812345678"
    )  # stored before E.164: shown as written
    assert SensitiveAccessLog.objects.filter(user=users["staff"], field="citizen_phone").count() == 1
    open_idea = _in_state(orgs, users, S.OPEN)
    with pytest.raises(PermissionRefused):
        idea_reveal_contact(actor=users["member"], idea=open_idea)


def test_the_claimant_develops_the_idea_into_a_linked_proposal_draft(
    orgs, users, django_capture_on_commit_callbacks
):
    from ideas.services import idea_develop

    idea = _in_state(orgs, users, S.CLAIMED)
    seat(users["member"].person)  # only a current member may author the proposal
    with django_capture_on_commit_callbacks(execute=True):
        idea, proposal = idea_develop(
            actor=users["member"],
            idea=idea,
            title="关于增加社区运动场地的提案",
            body="建议在老城区增建运动场地。",
        )
    assert idea.status == S.PROPOSAL and idea.proposal == proposal and idea.closed_at
    assert proposal.author == users["member"].person and idea.code in proposal.origin_note
    assert list(proposal.source_ideas.all()) == [idea]
    assert any("形成提案" in m.body for m in mail.outbox)


def test_only_the_claimant_may_develop_and_a_refused_draft_leaves_nothing(orgs, users):
    from ideas.services import idea_develop
    from proposals.models import Proposal

    idea = _in_state(orgs, users, S.CLAIMED)
    seat(users["member"].person)  # refused for the empty body, not for the seat
    with pytest.raises((PermissionRefused, Http404)):
        idea_develop(actor=users["advisor"], idea=idea, title="x", body="y")
    with pytest.raises(DomainError):
        idea_develop(actor=users["member"], idea=idea, title="关于x的提案", body="")
    idea.refresh_from_db()
    assert idea.status == S.CLAIMED and idea.proposal is None
    assert not Proposal.objects.exists()
