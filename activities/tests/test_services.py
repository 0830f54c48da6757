import datetime as dt

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from activities import services
from activities.models import Activity, ActivityFile, Invitation, TripStop
from activities.models import InvitationStatus as S
from activities.tests.factories import ActivityFactory, KindFactory
from activities.workflows import INVITATION
from core.errors import DomainError, PermissionRefused
from core.models import TransitionLog
from members.tests.factories import PersonFactory
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _trip(orgs, **kw):
    start = timezone.make_aware(dt.datetime(2030, 5, 10, 8, 0))
    return ActivityFactory(
        owner_org=orgs.committee,
        kind=KindFactory(name="调研视察", is_trip=True),
        starts_at=start,
        ends_at=start + dt.timedelta(days=9, hours=10),
        **kw,
    )


# ---------------------------------------------------------------- activities and stops


def test_staff_create_activity_with_co_organiser_shares_it_with_the_partner(orgs, users):
    start = timezone.now() + dt.timedelta(days=3)
    activity = services.activity_create(
        actor=users["staff"],
        kind=KindFactory(),
        title="港澳委员座谈会",
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        co_organisers=[orgs.province],
    )
    assert activity.owner_org == orgs.committee
    assert Activity.objects.visible_to(users["partner"]).filter(pk=activity.pk).exists()
    assert not Activity.objects.visible_to(users["other_staff"]).filter(pk=activity.pk).exists()


def test_member_cannot_create_an_activity(orgs, users):
    with pytest.raises(PermissionRefused, match="只有工作人员可以新建活动"):
        services.activity_create(
            actor=users["member"],
            kind=KindFactory(),
            title="x",
            starts_at=timezone.now(),
            ends_at=timezone.now(),
        )


def test_end_before_start_is_refused_and_nothing_written(orgs, users):
    start = timezone.now()
    with pytest.raises(DomainError, match="结束时间不能早于开始时间"):
        services.activity_create(
            actor=users["staff"],
            kind=KindFactory(),
            title="x",
            starts_at=start,
            ends_at=start - dt.timedelta(hours=1),
        )
    assert not Activity.objects.exists()


def test_trip_stops_within_dates_are_kept_in_order(orgs, users):
    trip = _trip(orgs)
    for i, city in enumerate(("南宁", "桂林")):
        services.trip_stop_add(
            actor=users["staff"],
            activity=trip,
            city=city,
            start_date=dt.date(2030, 5, 10 + 2 * i),
            end_date=dt.date(2030, 5, 11 + 2 * i),
        )
    assert [s.city for s in trip.stops.all()] == ["南宁", "桂林"]


def test_a_trip_stop_outside_the_activity_dates_is_refused(orgs, users):
    trip = _trip(orgs)
    with pytest.raises(DomainError, match="超出活动日期"):
        services.trip_stop_add(
            actor=users["staff"],
            activity=trip,
            city="德阳",
            start_date=dt.date(2030, 5, 19),
            end_date=dt.date(2030, 5, 21),
        )
    assert not TripStop.objects.exists()


def test_shortening_an_activity_past_its_stops_is_refused(orgs, users):
    trip = _trip(orgs)
    services.trip_stop_add(
        actor=users["staff"],
        activity=trip,
        city="成都",
        start_date=dt.date(2030, 5, 17),
        end_date=dt.date(2030, 5, 18),
    )
    with pytest.raises(DomainError, match="不在活动日期之内"):
        services.activity_update(
            actor=users["staff"], activity=trip, ends_at=trip.starts_at + dt.timedelta(days=2)
        )
    trip.refresh_from_db()
    assert trip.ends_at.day == 19


def test_staff_of_another_committee_cannot_edit(orgs, users, activity):
    with pytest.raises(Exception) as exc:
        services.activity_update(actor=users["other_staff"], activity=activity, title="改名")
    assert exc.type.__name__ in ("Http404", "PermissionRefused")


# ---------------------------------------------------------------- invitations


def test_inviting_notifies_each_invitee_and_skips_those_already_invited(invited, staff, member_person):
    assert invited.invitations.count() == 2
    assert Notification.objects.filter(recipient=member_person.user, event="activities.invited").count() == 1
    again = services.invitations_create(actor=staff, activity=invited, persons=[member_person])
    assert again == 0
    assert Notification.objects.filter(recipient=member_person.user, event="activities.invited").count() == 1


def test_inviting_by_filter_takes_macao_members_of_the_current_term(orgs, users, activity):
    from members.models import TermRoleKind
    from members.services import term_role_add
    from members.tests.factories import TermFactory

    term = TermFactory(cppcc=orgs.city)
    macao = [PersonFactory(owner_org=orgs.committee, region="mo") for _ in range(3)]
    for p in macao[:2]:
        term_role_add(person=p, term=term, role=TermRoleKind.MEMBER)
    term_role_add(person=macao[2], term=term, role=TermRoleKind.ADVISOR)
    hk = PersonFactory(owner_org=orgs.committee, region="hk")
    term_role_add(person=hk, term=term, role=TermRoleKind.MEMBER)
    from activities.selectors import persons_by_filter

    persons, _ = persons_by_filter(user=users["staff"], params={"region": "mo", "role": TermRoleKind.MEMBER})
    assert services.invitations_create(actor=users["staff"], activity=activity, persons=persons) == 2
    assert set(activity.invitations.values_list("person_id", flat=True)) == {macao[0].pk, macao[1].pk}


TABLE = [
    (S.INVITED, S.CONFIRMED, True),
    (S.INVITED, S.DECLINED, True),
    (S.INVITED, S.LEAVE_REQUESTED, True),
    (S.INVITED, S.CHECKED_IN, True),
    (S.INVITED, S.ABSENT, True),
    (S.INVITED, S.LEAVE_APPROVED, False),
    (S.CONFIRMED, S.DECLINED, True),
    (S.CONFIRMED, S.LEAVE_REQUESTED, True),
    (S.CONFIRMED, S.CHECKED_IN, True),
    (S.CONFIRMED, S.INVITED, False),
    (S.WAITLISTED, S.CONFIRMED, True),
    (S.WAITLISTED, S.DECLINED, True),
    (S.LEAVE_REQUESTED, S.LEAVE_APPROVED, True),
    (S.LEAVE_REQUESTED, S.INVITED, True),
    (S.LEAVE_REQUESTED, S.CONFIRMED, True),  # the member withdraws the leave request
    (S.LEAVE_APPROVED, S.CONFIRMED, True),
    (S.LEAVE_APPROVED, S.ABSENT, False),
    (S.DECLINED, S.CONFIRMED, True),
    (S.DECLINED, S.ABSENT, False),
    (S.CHECKED_IN, S.ABSENT, True),
    (S.CHECKED_IN, S.DECLINED, False),
    (S.ABSENT, S.CHECKED_IN, True),
    (S.ABSENT, S.CONFIRMED, False),
]


@pytest.mark.parametrize(("source", "target", "allowed"), TABLE)
def test_invitation_transition_table(source, target, allowed, my_invitation, staff):
    Invitation.objects.filter(pk=my_invitation.pk).update(
        status=source, checked_in_at=timezone.now(), waitlisted_at=timezone.now()
    )
    if allowed:
        result = INVITATION.transition(my_invitation, target, actor=staff, note="理由")
        assert result.status == target
        assert TransitionLog.objects.filter(workflow="activities.invitation", target=target).exists()
    else:
        with pytest.raises(DomainError, match="不能执行"):
            INVITATION.transition(my_invitation, target, actor=staff, note="理由")
        my_invitation.refresh_from_db()
        assert my_invitation.status == source


def test_member_confirms_own_invitation(my_invitation, member):
    result = services.invitation_respond(actor=member, invitation=my_invitation, answer="confirm")
    assert result.status == S.CONFIRMED


def test_member_cannot_answer_someone_elses_invitation(invited, member, advisor_person):
    other = invited.invitations.get(person=advisor_person)
    with pytest.raises(Exception) as exc:
        services.invitation_respond(actor=member, invitation=other, answer="confirm")
    assert exc.type.__name__ == "Http404"
    other.refresh_from_db()
    assert other.status == S.INVITED


def test_leave_request_needs_a_reason(my_invitation, member):
    with pytest.raises(DomainError, match="请填写请假理由"):
        services.invitation_respond(actor=member, invitation=my_invitation, answer="leave", reason=" ")
    my_invitation.refresh_from_db()
    assert my_invitation.status == S.INVITED


def test_leave_request_tells_staff_and_approval_tells_the_member(my_invitation, member, staff):
    services.invitation_respond(actor=member, invitation=my_invitation, answer="leave", reason="在港出差")
    assert Notification.objects.filter(recipient=staff, event="activities.leave_requested").exists()
    result = services.invitation_decide_leave(actor=staff, invitation=my_invitation, approve=True)
    assert result.status == S.LEAVE_APPROVED and result.leave_reason == "在港出差"
    assert Notification.objects.filter(recipient=member, event="activities.leave_decided").exists()


def test_member_cannot_approve_own_leave(my_invitation, member):
    services.invitation_respond(actor=member, invitation=my_invitation, answer="leave", reason="病假")
    with pytest.raises(PermissionRefused):
        services.invitation_decide_leave(actor=member, invitation=my_invitation, approve=True)


def test_rsvp_after_the_deadline_is_refused(my_invitation, member):
    Activity.objects.filter(pk=my_invitation.activity_id).update(
        signup_deadline=timezone.now() - dt.timedelta(hours=1)
    )
    with pytest.raises(DomainError, match="报名已于.*截止"):
        services.invitation_respond(actor=member, invitation=my_invitation, answer="confirm")
    my_invitation.refresh_from_db()
    assert my_invitation.status == S.INVITED


def test_leave_may_still_be_asked_after_the_deadline_until_the_start(my_invitation, member):
    Activity.objects.filter(pk=my_invitation.activity_id).update(
        signup_deadline=timezone.now() - dt.timedelta(hours=1)
    )
    result = services.invitation_respond(
        actor=member, invitation=my_invitation, answer="leave", reason="临时有事"
    )
    assert result.status == S.LEAVE_REQUESTED


def test_full_quota_puts_the_next_on_the_waiting_list_and_a_withdrawal_promotes_them(orgs, users, staff):
    activity = ActivityFactory(owner_org=orgs.committee, quota=1)
    first_user, second_user = users["member"], users["advisor"]
    services.invitations_create(
        actor=staff, activity=activity, persons=[first_user.person, second_user.person]
    )
    a = activity.invitations.get(person=first_user.person)
    b = activity.invitations.get(person=second_user.person)
    assert services.invitation_respond(actor=first_user, invitation=a, answer="confirm").status == S.CONFIRMED
    assert (
        services.invitation_respond(actor=second_user, invitation=b, answer="confirm").status == S.WAITLISTED
    )
    services.invitation_respond(actor=first_user, invitation=a, answer="decline")
    b.refresh_from_db()
    assert b.status == S.CONFIRMED and b.waitlisted_at is None
    assert Notification.objects.filter(recipient=second_user, event="activities.promoted").exists()


def test_waiting_list_is_first_come_first_served(orgs, users, staff):
    activity = ActivityFactory(owner_org=orgs.committee, quota=1)
    persons = [PersonFactory(owner_org=orgs.committee) for _ in range(3)]
    services.invitations_create(actor=staff, activity=activity, persons=persons)
    invs = [activity.invitations.get(person=p) for p in persons]
    for inv in invs:
        services.invitation_respond(actor=staff, invitation=inv, answer="confirm")
    services.invitation_respond(actor=staff, invitation=invs[0], answer="leave", reason="公务")
    statuses = [Invitation.objects.get(pk=i.pk).status for i in invs]
    assert statuses == [S.LEAVE_REQUESTED, S.CONFIRMED, S.WAITLISTED]


# ---------------------------------------------------------------- check-in


def _now_activity(orgs, **kw):
    start = timezone.now() - dt.timedelta(minutes=30)
    return ActivityFactory(
        owner_org=orgs.committee,
        starts_at=start,
        ends_at=start + dt.timedelta(hours=2),
        signup_deadline=None,
        **kw,
    )


def test_member_checks_in_with_the_qr_code_and_twice_is_harmless(orgs, staff, member):
    activity = _now_activity(orgs)
    services.invitations_create(actor=staff, activity=activity, persons=[member.person])
    token = services.check_in_token(activity)
    first = services.check_in_with_token(user=member, token=token)
    second = services.check_in_with_token(user=member, token=token)
    assert first.status == second.status == S.CHECKED_IN
    assert first.checked_in_at == second.checked_in_at and first.check_in_method == "qr"
    assert TransitionLog.objects.filter(target=S.CHECKED_IN).count() == 1


def test_check_in_by_someone_not_invited_is_refused(orgs, users):
    activity = _now_activity(orgs)
    with pytest.raises(DomainError, match="不在本次活动的邀请名单中"):
        services.check_in_with_token(user=users["advisor"], token=services.check_in_token(activity))


def test_check_in_with_a_forged_code_is_refused(orgs, staff, member):
    activity = _now_activity(orgs)
    services.invitations_create(actor=staff, activity=activity, persons=[member.person])
    forged = services.check_in_token(activity)[:-3] + "abc"
    with pytest.raises(DomainError, match="签到二维码无效"):
        services.check_in_with_token(user=member, token=forged)
    other_salt = signing.TimestampSigner(salt="other").sign(str(activity.pk))
    with pytest.raises(DomainError, match="签到二维码无效"):
        services.check_in_with_token(user=member, token=other_salt)
    assert activity.invitations.get().status == S.INVITED


def test_check_in_with_an_expired_code_is_refused(orgs, staff, member, monkeypatch):
    activity = _now_activity(orgs)
    services.invitations_create(actor=staff, activity=activity, persons=[member.person])
    token = services.check_in_token(activity)
    import time

    real = time.time
    monkeypatch.setattr(time, "time", lambda: real() + services.CHECKIN_TOKEN_MAX_AGE + 60)
    with pytest.raises(DomainError, match="已过期"):
        services.check_in_with_token(user=member, token=token)


def test_check_in_long_after_the_activity_ended_is_refused(orgs, staff, member):
    start = timezone.now() - dt.timedelta(days=1)
    activity = ActivityFactory(
        owner_org=orgs.committee, starts_at=start, ends_at=start + dt.timedelta(hours=2), signup_deadline=None
    )
    services.invitations_create(actor=staff, activity=activity, persons=[member.person], check=False)
    with pytest.raises(DomainError, match="活动已结束较久"):
        services.check_in_with_token(user=member, token=services.check_in_token(activity))
    assert activity.invitations.get().status == S.INVITED


def test_staff_record_checkins_from_the_paper_sheet_after_the_event(orgs, staff):
    start = timezone.now() - dt.timedelta(days=1)
    activity = ActivityFactory(
        owner_org=orgs.committee, starts_at=start, ends_at=start + dt.timedelta(hours=2), signup_deadline=None
    )
    persons = [PersonFactory(owner_org=orgs.committee) for _ in range(4)]
    services.invitations_create(actor=staff, activity=activity, persons=persons, check=False)
    ids = list(activity.invitations.values_list("pk", flat=True)[:3])
    with pytest.raises(DomainError, match="补录理由"):
        services.invitations_check_in_bulk(actor=staff, activity=activity, invitation_ids=ids)
    sheet = "按现场纸质签到表补录"
    assert (
        services.invitations_check_in_bulk(actor=staff, activity=activity, invitation_ids=ids, reason=sheet)
        == 3
    )
    assert (
        services.invitations_check_in_bulk(actor=staff, activity=activity, invitation_ids=ids, reason=sheet)
        == 0
    )
    assert TransitionLog.objects.filter(target=S.CHECKED_IN, note=f"补录：{sheet}", actor=staff).count() == 3
    assert services.invitations_mark_absent(actor=staff, activity=activity) == 1
    counts = {s: activity.invitations.filter(status=s).count() for s in (S.CHECKED_IN, S.ABSENT)}
    assert counts == {S.CHECKED_IN: 3, S.ABSENT: 1}


# ---------------------------------------------------------------- report, files, briefings


def _png(size=(4, 4)):
    import io

    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", size, "red").save(buf, format="PNG")
    return SimpleUploadedFile("photo.png", buf.getvalue(), content_type="image/png")


def test_report_with_a_photo(activity, staff):
    services.activity_report(
        actor=staff, activity=activity, summary="座谈顺利", support_amount=100000, support_note="资助梯面镇"
    )
    row = services.activity_file_add(
        actor=staff, activity=activity, upload=_png(), kind="photo", caption="合影"
    )
    activity.refresh_from_db()
    assert activity.reported_at is not None and activity.support_amount == 100000
    assert row.name.endswith(".jpg")


def test_a_photo_that_is_not_an_image_is_refused(activity, staff):
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not a photo", content_type="image/jpeg")
    with pytest.raises(DomainError, match="类型不被接受"):
        services.activity_file_add(actor=staff, activity=activity, upload=fake, kind="photo")
    assert not ActivityFile.objects.exists()


def test_a_200_mb_photo_is_refused(activity, staff):
    class Huge:
        name = "big.jpg"
        size = 200 * 1024 * 1024

        def seek(self, n):
            pass

        def read(self, n=-1):
            return b"\xff\xd8\xff" + b"\0" * 13

    with pytest.raises(DomainError, match="太大"):
        services.activity_file_add(actor=staff, activity=activity, upload=Huge(), kind="photo")
    assert not ActivityFile.objects.exists()


def test_briefing_reaches_chosen_persons_who_read_it(orgs, staff, member, users):
    briefing = services.briefing_publish(
        actor=staff, title="情况通报：大湾区建设", body="正文", persons=[member.person]
    )
    from activities.models import Briefing

    assert Briefing.objects.visible_to(member).filter(pk=briefing.pk).exists()
    assert not Briefing.objects.visible_to(users["advisor"]).filter(pk=briefing.pk).exists()
    assert services.briefing_mark_read(user=member, briefing=briefing) is True
    assert services.briefing_mark_read(user=member, briefing=briefing) is False
    assert briefing.recipients.get().read_at is not None


def test_briefing_without_recipients_is_refused(staff):
    with pytest.raises(DomainError, match="至少一位接收人"):
        services.briefing_publish(actor=staff, title="t", body="b", persons=[])


def test_an_invalid_filter_matches_nobody_rather_than_everyone(orgs, users):
    from activities.selectors import persons_by_filter

    PersonFactory(owner_org=orgs.committee)
    persons, _ = persons_by_filter(user=users["staff"], params={"region": "火星"})
    assert persons.count() == 0


def test_staff_cannot_check_anyone_in_before_the_activity_starts(orgs, staff, member):
    """17 days before the activity, 代签到 was accepted and the member's record showed 已签到 (issue 12.9)."""
    activity = ActivityFactory(owner_org=orgs.committee, starts_at=timezone.now() + dt.timedelta(days=17))
    services.invitations_create(actor=staff, activity=activity, persons=[member.person], check=False)
    inv = activity.invitations.get()
    with pytest.raises(DomainError, match="签到尚未开始"):
        services.invitation_check_in(actor=staff, invitation=inv)
    with pytest.raises(DomainError, match="签到尚未开始"):
        services.invitation_check_in(actor=staff, invitation=inv, late_reason="纸质签到表")
    with pytest.raises(DomainError, match="签到尚未开始"):
        services.invitations_check_in_bulk(
            actor=staff, activity=activity, invitation_ids=[inv.pk], reason="表"
        )
    inv.refresh_from_db()
    assert inv.status == S.INVITED and inv.checked_in_at is None


def test_staff_check_in_during_the_activity_is_named_in_the_log(orgs, staff, member):
    start = timezone.now() - dt.timedelta(minutes=30)
    activity = ActivityFactory(owner_org=orgs.committee, starts_at=start, signup_deadline=None)
    services.invitations_create(actor=staff, activity=activity, persons=[member.person], check=False)
    inv = services.invitation_check_in(actor=staff, invitation=activity.invitations.get())
    assert inv.status == S.CHECKED_IN and inv.check_in_method == "manual"
    assert TransitionLog.objects.get(target=S.CHECKED_IN).actor == staff


def test_a_member_cannot_use_a_late_reason(orgs, staff, member):
    start = timezone.now() - dt.timedelta(days=1)
    activity = ActivityFactory(
        owner_org=orgs.committee, starts_at=start, ends_at=start + dt.timedelta(hours=2), signup_deadline=None
    )
    services.invitations_create(actor=staff, activity=activity, persons=[member.person], check=False)
    with pytest.raises(DomainError, match="活动已结束较久"):
        services.invitation_check_in(
            actor=member, invitation=activity.invitations.get(), late_reason="我来过"
        )


def test_member_withdraws_a_leave_request_even_after_the_sign_up_deadline(my_invitation, member, staff):
    services.invitation_respond(actor=member, invitation=my_invitation, answer="leave", reason="临时有事")
    Activity.objects.filter(pk=my_invitation.activity_id).update(
        signup_deadline=timezone.now() - dt.timedelta(hours=1)
    )
    result = services.invitation_respond(actor=member, invitation=my_invitation, answer="confirm")
    assert result.status == S.CONFIRMED
    from activities.selectors import leave_queue

    assert not leave_queue(user=staff).exists()


def test_the_leave_queue_is_the_organisers_subtrees_and_no_one_elses(my_invitation, member, users, orgs):
    """谁组织谁记录: the committee's staff and leader (and an admin) see its member's leave request; the other
    committee's staff, a handling unit, a partner, a deactivated staff account and the member (whose request
    it is: theirs is on their own page) do not."""
    from accounts.tests.factories import UserFactory
    from activities.selectors import leave_queue
    from core.roles import Role

    services.invitation_respond(actor=member, invitation=my_invitation, answer="leave", reason="在港开会")
    city_staff = UserFactory(username="city_staff", role=Role.STAFF, organisation=orgs.city)
    gone = UserFactory(username="gone", role=Role.STAFF, organisation=orgs.committee, is_active=False)
    for user in (users["staff"], users["leader"], users["admin"], city_staff):
        assert list(leave_queue(user=user)) == [my_invitation], user.username
    for user in (users["other_staff"], users["unit"], users["partner"], member, users["advisor"], gone):
        assert not leave_queue(user=user).exists(), user.username
