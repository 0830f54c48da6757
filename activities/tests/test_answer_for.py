"""Staff record the answer a member gave by phone (代为确认 / 代为不参加 / 代为请假) on the attendance page: the
workflow's rules, who may, what the page offers, what the member sees and how attendance counts it."""

import datetime as dt

import pytest
from django.http import Http404
from django.urls import reverse
from django.utils import timezone

from activities import selectors, services
from activities.models import Activity
from activities.models import InvitationStatus as S
from activities.tests.factories import ActivityFactory
from core.errors import DomainError, PermissionRefused
from core.models import TransitionLog
from members.tests.factories import PersonFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _log(invitation):
    return list(
        TransitionLog.objects.filter(workflow="activities.invitation", object_id=invitation.pk)
        .order_by("id")
        .values_list("target", "note", "actor_id")
    )


def _running(activity):
    """The activity started half an hour ago and ends in an hour and a half (sign-up closed long ago)."""
    start = timezone.now() - dt.timedelta(minutes=30)
    Activity.objects.filter(pk=activity.pk).update(
        starts_at=start, ends_at=start + dt.timedelta(hours=2), signup_deadline=start - dt.timedelta(days=2)
    )


# ---------------------------------------------------------------- the service


def test_decline_for_a_member_names_the_staff_member_in_the_log_and_history_and_tells_the_member(
    my_invitation, staff, member
):
    result = services.invitation_answer_for(actor=staff, invitation=my_invitation, answer="decline")
    assert result.status == S.DECLINED
    note = f"由工作人员{staff.display_name}代为登记：陈大文不参加"
    assert _log(my_invitation) == [(S.DECLINED, note, staff.pk)]
    last = my_invitation.history.order_by("-history_id").first()
    assert last.history_user == staff and last.history_change_reason == note
    told = Notification.objects.get(recipient=member, event="activities.answered_for")
    assert told.title == f"工作人员已为您登记不参加：{my_invitation.activity.title}"
    assert told.body == note and told.url == reverse("activities:my")


def test_leave_for_a_member_keeps_their_reason_and_waits_for_a_decision(my_invitation, staff, member, orgs):
    from accounts.tests.factories import UserFactory

    colleague = UserFactory(username="colleague", role="staff", organisation=orgs.committee)
    result = services.invitation_answer_for(
        actor=staff, invitation=my_invitation, answer="leave", reason="电话告知：在港出差"
    )
    assert result.status == S.LEAVE_REQUESTED and result.leave_reason == "电话告知：在港出差"
    assert _log(my_invitation) == [
        (
            S.LEAVE_REQUESTED,
            f"由工作人员{staff.display_name}代为登记：陈大文请假，理由：电话告知：在港出差",
            staff.pk,
        )
    ]
    assert Notification.objects.filter(recipient=member, event="activities.answered_for").count() == 1
    # The other staff of the organiser are asked to decide; the one who recorded it is not told of it.
    asked = Notification.objects.filter(event="activities.leave_requested")
    assert list(asked.values_list("recipient", flat=True)) == [colleague.pk]
    decided = services.invitation_decide_leave(actor=colleague, invitation=my_invitation, approve=True)
    assert decided.status == S.LEAVE_APPROVED


def test_leave_recorded_and_approved_in_one_step_is_two_logged_transitions_and_one_message(
    my_invitation, staff, member
):
    result = services.invitation_answer_for(
        actor=staff, invitation=my_invitation, answer="leave", reason="住院", approve=True
    )
    assert result.status == S.LEAVE_APPROVED and result.leave_reason == "住院"
    assert [(target, actor) for target, _, actor in _log(my_invitation)] == [
        (S.LEAVE_REQUESTED, staff.pk),
        (S.LEAVE_APPROVED, staff.pk),
    ]
    assert (
        _log(my_invitation)[1][1] == f"由工作人员{staff.display_name}代为登记：陈大文请假并准假，理由：住院"
    )
    mine = Notification.objects.filter(recipient=member).exclude(event="activities.invited")
    assert [(n.event, n.title) for n in mine] == [
        ("activities.answered_for", f"工作人员已为您登记请假（已准假）：{my_invitation.activity.title}")
    ]
    assert not Notification.objects.filter(event="activities.leave_requested").exists()


def test_leave_for_a_member_needs_the_reason_they_gave(my_invitation, staff):
    with pytest.raises(DomainError, match="请填写请假理由"):
        services.invitation_answer_for(actor=staff, invitation=my_invitation, answer="leave", reason=" ")
    my_invitation.refresh_from_db()
    assert (
        my_invitation.status == S.INVITED
        and not Notification.objects.filter(event="activities.answered_for").exists()
    )


def test_only_a_leave_may_be_approved_at_once(my_invitation, staff):
    with pytest.raises(DomainError, match="只有代为请假时可以同时准假"):
        services.invitation_answer_for(actor=staff, invitation=my_invitation, answer="decline", approve=True)
    my_invitation.refresh_from_db()
    assert my_invitation.status == S.INVITED


def test_staff_answer_for_a_member_after_the_sign_up_deadline_while_the_activity_runs(my_invitation, staff):
    _running(my_invitation.activity)
    result = services.invitation_answer_for(actor=staff, invitation=my_invitation, answer="decline")
    assert result.status == S.DECLINED


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"is_cancelled": True}, "活动已取消"),
        ({"starts_at_hours": -5}, "活动已结束，不能再回复"),
    ],
)
def test_no_answer_for_a_member_once_the_activity_is_cancelled_or_over(my_invitation, staff, change, message):
    if "starts_at_hours" in change:
        start = timezone.now() + dt.timedelta(hours=change["starts_at_hours"])
        Activity.objects.filter(pk=my_invitation.activity_id).update(
            starts_at=start, ends_at=start + dt.timedelta(hours=2), signup_deadline=None
        )
    else:
        Activity.objects.filter(pk=my_invitation.activity_id).update(**change)
    for answer in ("confirm", "decline", "leave"):
        with pytest.raises(DomainError, match=message):
            services.invitation_answer_for(
                actor=staff, invitation=my_invitation, answer=answer, reason="事假"
            )
    my_invitation.refresh_from_db()
    assert my_invitation.status == S.INVITED and _log(my_invitation) == []


def test_answers_for_a_member_follow_the_workflow_table(my_invitation, staff):
    services.invitation_answer_for(actor=staff, invitation=my_invitation, answer="decline")
    with pytest.raises(DomainError, match="当前状态为“不参加”，不能执行“请假待批”"):
        services.invitation_answer_for(actor=staff, invitation=my_invitation, answer="leave", reason="事假")
    assert services.invitation_answer_for(actor=staff, invitation=my_invitation, answer="confirm").status == (
        S.CONFIRMED
    )


def test_declining_for_a_confirmed_member_gives_the_place_to_the_waiting_list(orgs, users, staff):
    activity = ActivityFactory(owner_org=orgs.committee, quota=1)
    first, second = users["member"], users["advisor"]
    services.invitations_create(actor=staff, activity=activity, persons=[first.person, second.person])
    a = activity.invitations.get(person=first.person)
    b = activity.invitations.get(person=second.person)
    services.invitation_respond(actor=first, invitation=a, answer="confirm")
    assert services.invitation_respond(actor=second, invitation=b, answer="confirm").status == S.WAITLISTED
    services.invitation_answer_for(actor=staff, invitation=a, answer="decline")
    b.refresh_from_db()
    assert b.status == S.CONFIRMED
    assert Notification.objects.filter(recipient=second, event="activities.promoted").exists()


def test_admin_may_answer_for_a_member(my_invitation, users):
    result = services.invitation_answer_for(actor=users["admin"], invitation=my_invitation, answer="decline")
    assert result.status == S.DECLINED


@pytest.mark.parametrize("role", ["member", "leader"])
def test_members_and_leaders_may_not_answer_for_anyone(my_invitation, users, role):
    """The member's own invitation included: their door is “my activities”, not the office's."""
    with pytest.raises(PermissionRefused):
        services.invitation_answer_for(actor=users[role], invitation=my_invitation, answer="decline")
    my_invitation.refresh_from_db()
    assert my_invitation.status == S.INVITED


def test_staff_of_another_body_may_not_answer_for_its_invitees(my_invitation, users, orgs):
    from organisations.models import ShareCapacity
    from organisations.services import share_with

    other = users["other_staff"]
    with pytest.raises(Http404):  # not their activity: they do not even see it
        services.invitation_answer_for(actor=other, invitation=my_invitation, answer="decline")
    share_with(my_invitation.activity, orgs.other_committee, ShareCapacity.ORGANISER)
    with pytest.raises(PermissionRefused):  # a co-organiser sees the list but does not keep it
        services.invitation_answer_for(actor=other, invitation=my_invitation, answer="decline")
    my_invitation.refresh_from_db()
    assert my_invitation.status == S.INVITED


# ---------------------------------------------------------------- the page


def _answer_for(client, invitation, **data):
    return client.post(reverse("activities:answer_for", args=[invitation.pk]), data)


def test_a_member_is_refused_before_their_input_is_read(client, member, my_invitation):
    client.force_login(member)
    response = _answer_for(client, my_invitation, answer="nonsense")
    assert response.status_code == 403
    my_invitation.refresh_from_db()
    assert my_invitation.status == S.INVITED


def test_a_co_organisers_staff_is_refused_before_their_input_is_read(client, users, orgs, my_invitation):
    from organisations.models import ShareCapacity
    from organisations.services import share_with

    client.force_login(users["other_staff"])
    assert _answer_for(client, my_invitation, answer="nonsense").status_code == 404
    share_with(my_invitation.activity, orgs.other_committee, ShareCapacity.ORGANISER)
    assert client.get(reverse("activities:attendance", args=[my_invitation.activity_id])).status_code == 200
    assert _answer_for(client, my_invitation, answer="nonsense").status_code == 403
    my_invitation.refresh_from_db()
    assert my_invitation.status == S.INVITED


def test_the_attendance_page_offers_answers_for_members_only_where_the_workflow_allows(
    client, staff, users, invited, member_person, advisor_person
):
    url = reverse("activities:attendance", args=[invited.pk])
    mine = invited.invitations.get(person=member_person)
    services.invitation_answer_for(actor=staff, invitation=mine, answer="decline")
    client.force_login(staff)
    html = client.get(url).content.decode()
    # 黄侨心 is still to answer: all three; 陈大文 declined: only 代为确认 (the table's way back).
    assert html.count("代为不参加</button>") == 1 and html.count("代为请假</summary>") == 1
    assert html.count("代为确认</button>") == 2
    assert "代黄侨心登记不参加？" in html and "代陈大文登记不参加？" not in html
    assert reverse("core:history", args=["activities", "invitation", mine.pk]) in html
    client.force_login(users["leader"])  # leaders look, they do not keep the list
    assert "代为" not in client.get(url).content.decode()
    start = timezone.now() - dt.timedelta(hours=5)
    Activity.objects.filter(pk=invited.pk).update(
        starts_at=start, ends_at=start + dt.timedelta(hours=2), signup_deadline=None
    )
    client.force_login(staff)
    assert "代为" not in client.get(url).content.decode()


def test_staff_decline_for_a_member_from_the_page_and_the_member_sees_it(
    client, staff, member, my_invitation
):
    url = reverse("activities:attendance", args=[my_invitation.activity_id])
    client.force_login(staff)
    response = _answer_for(client, my_invitation, answer="decline", next=url)
    assert response.status_code == 302 and response["Location"] == url
    page = client.get(url).content.decode()
    assert "已代陈大文登记：不参加，并已通知本人。" in page
    history = client.get(reverse("core:history", args=["activities", "invitation", my_invitation.pk]))
    assert f"由工作人员{staff.display_name}代为登记：陈大文不参加" in history.content.decode()
    client.force_login(member)
    notes = client.get(reverse("notifications:list")).content.decode()
    assert f"工作人员已为您登记不参加：{my_invitation.activity.title}" in notes
    mine = client.get(reverse("activities:my")).content.decode()
    assert my_invitation.activity.title in mine and "不参加</span>" in mine


def test_staff_record_and_approve_a_leave_from_the_page(client, staff, member, my_invitation):
    client.force_login(staff)
    _answer_for(client, my_invitation, answer="leave", reason="电话请假：家中有事", approve="1")
    my_invitation.refresh_from_db()
    assert my_invitation.status == S.LEAVE_APPROVED and my_invitation.leave_reason == "电话请假：家中有事"
    client.force_login(member)
    detail = client.get(reverse("activities:detail", args=[my_invitation.activity_id])).content.decode()
    assert "已准假" in detail


def test_a_leave_without_the_reason_is_refused_on_the_page(client, staff, my_invitation):
    client.force_login(staff)
    response = client.post(
        reverse("activities:answer_for", args=[my_invitation.pk]), {"answer": "leave"}, follow=True
    )
    assert "请填写请假理由" in response.content.decode()
    my_invitation.refresh_from_db()
    assert my_invitation.status == S.INVITED


# ---------------------------------------------------------------- attendance figures


def test_answers_recorded_for_members_count_as_declined_and_leave_never_as_absent(orgs, staff):
    activity = ActivityFactory(owner_org=orgs.committee)
    declined, excused, silent = (PersonFactory(owner_org=orgs.committee) for _ in range(3))
    services.invitations_create(actor=staff, activity=activity, persons=[declined, excused, silent])
    _running(activity)
    services.invitation_answer_for(
        actor=staff, invitation=activity.invitations.get(person=declined), answer="decline"
    )
    services.invitation_answer_for(
        actor=staff,
        invitation=activity.invitations.get(person=excused),
        answer="leave",
        reason="出差",
        approve=True,
    )
    start = timezone.now() - dt.timedelta(hours=5)
    Activity.objects.filter(pk=activity.pk).update(starts_at=start, ends_at=start + dt.timedelta(hours=2))
    activity.refresh_from_db()
    assert services.invitations_mark_absent(actor=staff, activity=activity) == 1
    day = timezone.localtime(start).date()
    rows = {
        r["person_id"]: r
        for r in selectors.attendance_summary(user=staff, start=day, end=day)
        if r["person_id"] in (declined.pk, excused.pk, silent.pk)
    }
    figures = ("invited", "checked_in", "leave", "absent", "declined")
    assert {pk: tuple(r[f] for f in figures) for pk, r in rows.items()} == {
        declined.pk: (1, 0, 0, 0, 1),
        excused.pk: (1, 0, 1, 0, 0),
        silent.pk: (1, 0, 0, 1, 0),
    }
    archive = selectors.invitation_counts_by_person(
        start=start - dt.timedelta(hours=1), end=timezone.now(), persons=[declined.pk, excused.pk, silent.pk]
    )
    assert {pk: (r["leave"], r["absent"]) for pk, r in archive.items()} == {
        declined.pk: (0, 0),
        excused.pk: (1, 0),
        silent.pk: (0, 1),
    }
