"""The home page is a set of work queues: each role finds what waits for it, oldest first, one click from the
action, bounded, at a fixed number of queries whatever the number of rows."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from activities.services import invitation_respond, invitations_create
from activities.tests.factories import ActivityFactory
from ideas.tests.factories import IdeaFactory
from members.tests.factories import PersonFactory
from opinions.models import ReportStatus
from opinions.tests.factories import OpinionReportFactory
from proposals import services as proposal_services
from proposals.tests import factories as pf
from visits.tests.factories import make_request

pytestmark = pytest.mark.django_db


def _home(client, user):
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def day_of_work(users, orgs):
    """A committee's morning: proposals to review, a reply to review, leave requests on two activities, an
    idea to screen, a report to accept, a request nearly due; for the member a co-signature, an invitation,
    a reply to rate."""
    staff = users["staff"]
    first = pf.submitted(users, title="关于完善港澳青年就业服务的提案")
    pf.submitted(users, title="关于增设跨境巴士线路的提案")
    review = pf.reply_review(users, orgs, title="关于建设城市滑板公园的提案")
    rated = pf.replied(users, orgs, title="关于优化公园开放时间的提案")
    pf.handling(users, orgs, title="关于增加夜间公交的提案")
    cosign = pf.draft(users, title="关于湾区医疗通办的提案")
    cosign.author = PersonFactory(name="李委员", owner_org=orgs.committee)
    cosign.save()
    cosign.cosigners.create(person=users["member"].person, owner_org=orgs.committee)
    leave = []
    for title in ("学习交流会", "情况通报会"):
        activity = ActivityFactory(owner_org=orgs.committee, title=title)
        invitations_create(
            actor=staff, activity=activity, persons=[users["member"].person, users["advisor"].person]
        )
        inv = activity.invitations.get(person=users["advisor"].person)
        leave.append(
            invitation_respond(actor=users["advisor"], invitation=inv, answer="leave", reason="出差")
        )
    IdeaFactory(owner_org=orgs.committee, title="增加社区滑板场")
    OpinionReportFactory(
        owner_org=orgs.committee,
        title="关于港澳青年创业的建议",
        status=ReportStatus.SUBMITTED,
        submitted_at=timezone.now(),
    )
    make_request(
        staff,
        users["member"].person,
        title="子女插班入学",
        deadline=timezone.localdate() + dt.timedelta(days=3),
    )
    return {"first": first, "review": review, "rated": rated, "cosign": cosign, "leave": leave}


def test_staff_home_lists_each_queue_with_rows_linking_to_their_action(client, users, day_of_work):
    html = _home(client, users["staff"])
    for title in (
        "待审查提案（2）",
        "答复待审核（1）",
        "待审批的请假（2）",
        "待审核的百姓提案（1）",
        "待受理的社情民意（1）",
        "临期和超期的诉求（1）",
    ):
        assert title in html
    assert reverse("proposals:detail", args=[day_of_work["first"].pk]) in html
    assert reverse("proposals:detail", args=[day_of_work["review"].pk]) in html
    assert "关于建设城市滑板公园的提案" in html and "广州市体育局" in html
    # oldest first: the proposal submitted first comes first
    assert html.index("关于完善港澳青年就业服务的提案") < html.index("关于增设跨境巴士线路的提案")
    assert "增加社区滑板场" in html and "关于港澳青年创业的建议" in html and "子女插班入学" in html
    assert 'name="decision" value="approve"' in html


def test_staff_approves_leave_requests_of_two_activities_in_one_step(client, users, day_of_work):
    client.force_login(users["staff"])
    ids = [inv.pk for inv in day_of_work["leave"]]
    response = client.post(
        reverse("activities:leave_requests"),
        {"invitation": ids, "decision": "approve", "next": "/"},
        follow=True,
    )
    assert "已准假2人" in response.content.decode()
    for inv in day_of_work["leave"]:
        inv.refresh_from_db()
        assert inv.status == "leave_approved"
    advisor_notes = users["advisor"].notifications.filter(title__startswith="请假已批准")
    assert advisor_notes.count() == 2
    assert "待审批的请假（" not in _home(client, users["staff"])


def test_leave_refusal_by_staff_of_another_committee_changes_nothing(client, users, day_of_work):
    client.force_login(users["other_staff"])
    inv = day_of_work["leave"][0]
    response = client.post(
        reverse("activities:leave_requests"), {"invitation": [inv.pk], "decision": "refuse"}, follow=True
    )
    assert "未作改动" in response.content.decode()
    inv.refresh_from_db()
    assert inv.status == "leave_requested"


def test_members_cannot_open_the_leave_list(client, users):
    client.force_login(users["member"])
    assert client.get(reverse("activities:leave_requests")).status_code == 403


def test_unit_home_lists_assigned_proposals_with_role_deadline_and_mark(client, users, orgs):
    p = pf.handling(users, orgs, title="关于建设城市滑板公园的提案")
    p.reply_due = timezone.localdate() - dt.timedelta(days=1)
    p.save()
    html = _home(client, users["unit"])
    assert "本单位待办理的提案（1）" in html
    assert "关于建设城市滑板公园的提案" in html and "主办" in html and "逾期" in html
    assert p.reply_due.strftime("%Y-%m-%d") in html


def test_member_home_lists_cosignature_invitation_and_reply_to_rate(client, users, day_of_work):
    html = _home(client, users["member"])
    assert "待确认联名（1）" in html and "关于湾区医疗通办的提案" in html
    assert "待评价的答复（1）" in html and "关于优化公园开放时间的提案" in html
    assert "待回复的活动邀请（2）" in html and "学习交流会" in html
    assert "待审查提案（" not in html and "待审批的请假（" not in html


def test_a_rated_reply_leaves_the_members_queue(client, users, day_of_work):
    proposal_services.reply_rate(actor=users["member"], proposal=day_of_work["rated"], value="satisfied")
    assert "待评价的答复" not in _home(client, users["member"])


def test_leader_home_is_the_overview_not_the_staff_queues(client, users, day_of_work):
    html = _home(client, users["leader"])
    assert "履职总览" in html
    assert "待审查提案（" not in html and "待审批的请假（" not in html


def test_a_long_queue_shows_ten_rows_and_a_link_to_all(client, users, orgs):
    for i in range(12):
        IdeaFactory(owner_org=orgs.committee, title=f"市民建议{i:02d}")
    html = _home(client, users["staff"])
    assert "待审核的百姓提案（12）" in html
    assert "市民建议09" in html and "市民建议10" not in html
    assert "全部 12 项" in html and reverse("ideas:list") + "?status=submitted" in html


# Each role's home at its full queues (and, for a member, the archive's year at a glance): a row more in any
# queue costs nothing; a new section costs its own one or two queries here. The office's three proposal cards are
# three index-backed counts (one aggregate over every visible proposal grew with the years kept).
@pytest.mark.parametrize("role, budget", [("staff", 26), ("unit", 9), ("member", 23), ("leader", 25)])
def test_home_page_query_count_does_not_grow_with_rows(
    client, users, orgs, day_of_work, role, budget, django_assert_max_num_queries
):
    for i in range(12):
        IdeaFactory(owner_org=orgs.committee, title=f"市民建议{i:02d}")
    client.force_login(users[role])
    with django_assert_max_num_queries(budget):
        assert client.get(reverse("core:home")).status_code == 200


def test_staff_and_leader_cards_count_what_their_links_open(client, users, day_of_work):
    """The office's proposal cards (each its own index-backed count) and the leave card: staff see the leave
    queue itself with its count (no second count beside it), a leader the card."""
    from proposals.models import Proposal

    overdue = Proposal.objects.get(title="关于增加夜间公交的提案")
    Proposal.objects.filter(pk=overdue.pk).update(reply_due=timezone.localdate() - dt.timedelta(days=1))
    client.force_login(users["staff"])
    cards = {c["label"]: c["value"] for c in client.get(reverse("core:home")).context["cards"]}
    assert (cards["待审查提案"], cards["办理中提案"], cards["逾期未答复"]) == (2, 1, 1)
    assert "待审批的请假" not in cards
    client.force_login(users["leader"])
    cards = {c["label"]: c["value"] for c in client.get(reverse("core:home")).context["cards"]}
    assert cards["待审批的请假"] == 2 and cards["待审查提案"] == 2
