import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from activities import services
from activities.models import Activity, Invitation, TripStop
from activities.models import InvitationStatus as S
from activities.tests.factories import ActivityFactory, KindFactory
from members.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def _many(orgs, staff, n_activities=5, n_invitees=0):
    persons = [PersonFactory(owner_org=orgs.committee) for _ in range(n_invitees)]
    for _ in range(n_activities):
        a = ActivityFactory(owner_org=orgs.committee)
        if persons:
            services.invitations_create(actor=staff, activity=a, persons=persons, notify_invitees=False)


def test_staff_list_shows_attendance_counts(client, staff, invited):
    client.force_login(staff)
    html = client.get(reverse("activities:list")).content.decode()
    assert invited.title in html


def test_list_query_count_is_independent_of_rows_and_invitees(
    client, orgs, staff, django_assert_max_num_queries
):
    client.force_login(staff)
    _many(orgs, staff, 2, 1)
    client.get(reverse("activities:list"))
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("activities:list"))
    _many(orgs, staff, 25, 30)
    with django_assert_max_num_queries(12) as many:
        response = client.get(reverse("activities:list"))
    assert response.status_code == 200
    # Two activities fit on the first page and are not counted; 27 are counted once (one query), not per row.
    assert len(many.captured_queries) == len(few.captured_queries) + 1


def test_attendance_page_query_count_is_independent_of_invitees(
    client, orgs, staff, django_assert_max_num_queries
):
    client.force_login(staff)
    activity = ActivityFactory(owner_org=orgs.committee)
    services.invitations_create(
        actor=staff, activity=activity, persons=[PersonFactory(owner_org=orgs.committee)]
    )
    url = reverse("activities:attendance", args=[activity.pk])
    client.get(url)
    with django_assert_max_num_queries(20) as few:
        client.get(url)
    persons = [PersonFactory(owner_org=orgs.committee) for _ in range(60)]
    services.invitations_create(actor=staff, activity=activity, persons=persons)
    with django_assert_max_num_queries(20) as many:
        response = client.get(url)
    assert response.status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_exports_query_count_is_independent_of_rows(client, orgs, staff, django_assert_max_num_queries):
    client.force_login(staff)
    activity = ActivityFactory(owner_org=orgs.committee)
    services.invitations_create(
        actor=staff, activity=activity, persons=[PersonFactory(owner_org=orgs.committee)]
    )
    urls = [
        reverse("activities:attendance_export", args=[activity.pk]),
        reverse("activities:export"),
        reverse("activities:summary_export") + "?start=2000-01-01&end=2100-01-01",
    ]
    few = {}
    for url in urls:
        with django_assert_max_num_queries(12) as ctx:
            assert client.get(url).status_code == 200
        few[url] = len(ctx.captured_queries)
    _many(orgs, staff, 10, 20)
    services.invitations_create(
        actor=staff, activity=activity, persons=[PersonFactory(owner_org=orgs.committee) for _ in range(30)]
    )
    for url in urls:
        with django_assert_max_num_queries(12) as ctx:
            client.get(url)
        assert len(ctx.captured_queries) == few[url], url


def test_member_sees_only_activities_they_are_invited_to(client, orgs, member, invited):
    other = ActivityFactory(owner_org=orgs.committee, title="未受邀的活动")
    client.force_login(member)
    html = client.get(reverse("activities:list")).content.decode()
    assert invited.title in html and "未受邀的活动" not in html
    assert client.get(reverse("activities:detail", args=[other.pk])).status_code == 404


def test_member_sees_only_own_invitation_not_the_attendance_list(client, member, invited, advisor_person):
    client.force_login(member)
    assert client.get(reverse("activities:attendance", args=[invited.pk])).status_code == 404
    theirs = invited.invitations.get(person=advisor_person)
    response = client.post(reverse("activities:respond", args=[theirs.pk]), {"answer": "confirm"})
    assert response.status_code == 404
    theirs.refresh_from_db()
    assert theirs.status == S.INVITED


def test_leader_views_but_may_not_edit(client, users, invited):
    client.force_login(users["leader"])
    assert client.get(reverse("activities:detail", args=[invited.pk])).status_code == 200
    response = client.post(reverse("activities:edit", args=[invited.pk]), {"title": "x"})
    assert response.status_code == 403
    assert "只有主办单位的工作人员" in response.content.decode()


def test_partner_sees_activities_shared_with_them_as_organiser(client, orgs, users, staff):
    from accounts.tests.factories import UserFactory
    from organisations.models import ShareCapacity
    from organisations.services import share_with

    partner = UserFactory(username="district_partner", role="partner", organisation=orgs.district)

    shared = ActivityFactory(owner_org=orgs.committee, title="联合调研")
    ActivityFactory(owner_org=orgs.committee, title="内部学习")
    share_with(shared, orgs.district, ShareCapacity.ORGANISER)
    client.force_login(partner)
    html = client.get(reverse("activities:list")).content.decode()
    assert "联合调研" in html and "内部学习" not in html


def test_staff_creates_activity_through_the_form(client, staff, orgs):
    client.force_login(staff)
    kind = KindFactory(name="调研视察", is_trip=True)
    response = client.post(
        reverse("activities:create"),
        {
            "kind": kind.pk,
            "title": "赴成都调研视察",
            "starts_at": "2030-04-20T08:00",
            "ends_at": "2030-04-23T18:00",
            "place": "成都",
            "co_organisers": [orgs.district.pk],
        },
    )
    activity = Activity.objects.get(title="赴成都调研视察")
    assert response.status_code == 302
    response = client.post(
        reverse("activities:stop_add", args=[activity.pk]),
        {"city": "德阳", "start_date": "2030-04-25", "end_date": "2030-04-26"},
        follow=True,
    )
    assert "超出活动日期" in response.content.decode()
    assert not TripStop.objects.exists()


def test_bad_form_input_shows_chinese_error_and_writes_nothing(client, staff):
    client.force_login(staff)
    kind = KindFactory()
    response = client.post(
        reverse("activities:create"),
        {"kind": kind.pk, "title": "倒序", "starts_at": "2030-04-20T08:00", "ends_at": "2030-04-19T08:00"},
    )
    assert "结束时间不能早于开始时间" in response.content.decode()
    assert not Activity.objects.exists()


def test_invite_by_filter_from_the_page(client, orgs, staff, activity):
    from members.models import TermRoleKind
    from members.services import term_role_add
    from members.tests.factories import TermFactory

    term = TermFactory(cppcc=orgs.city)
    for _ in range(3):
        term_role_add(
            person=PersonFactory(owner_org=orgs.committee, region="mo"), term=term, role=TermRoleKind.MEMBER
        )
    PersonFactory(owner_org=orgs.committee, region="hk")
    client.force_login(staff)
    response = client.post(
        reverse("activities:invite", args=[activity.pk]),
        {"mode": "filter", "region": "mo", "role": "member"},
    )
    assert response.status_code == 302
    assert activity.invitations.count() == 3


def test_member_answers_from_the_phone_page(client, member, my_invitation):
    client.force_login(member)
    html = client.get(reverse("activities:my")).content.decode()
    assert my_invitation.activity.title in html and "确认参加" in html
    client.post(
        reverse("activities:respond", args=[my_invitation.pk]), {"answer": "leave", "reason": "在港开会"}
    )
    my_invitation.refresh_from_db()
    assert my_invitation.status == S.LEAVE_REQUESTED


def test_a_members_activity_page_shows_their_answer_buttons_reading_their_invitation_once(
    client, member, my_invitation, django_assert_num_queries
):
    """The invitation the buttons belong to is read once, with its person; the buttons' checks do not look it,
    its person or its activity up again (was three more queries on every member's activity page)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client.force_login(member)
    url = reverse("activities:detail", args=[my_invitation.activity_id])
    client.get(url)  # warm-up: content types, the unread badge
    with CaptureQueriesContext(connection) as queries:
        html = client.get(url).content.decode()
    assert "确认参加" in html and "不参加" in html and "请假" in html
    invitation_reads = [
        q for q in queries if 'FROM "activities_invitation"' in q["sql"] and "COUNT" not in q["sql"]
    ]
    assert len(invitation_reads) == 1
    assert not [q for q in queries if q["sql"].startswith('SELECT "members_person"')]


def test_qr_check_in_page_refuses_a_forged_code_in_chinese(client, member):
    client.force_login(member)
    response = client.post(reverse("activities:checkin", args=["1:forged:code"]))
    assert response.status_code == 404
    assert "签到二维码无效" in response.content.decode()


def test_qr_page_shows_an_svg_and_the_member_checks_in_with_it(client, orgs, staff, member):
    start = timezone.now() - dt.timedelta(minutes=10)
    activity = ActivityFactory(
        owner_org=orgs.committee, starts_at=start, ends_at=start + dt.timedelta(hours=2), signup_deadline=None
    )
    services.invitations_create(actor=staff, activity=activity, persons=[member.person])
    client.force_login(staff)
    html = client.get(reverse("activities:qr", args=[activity.pk])).content.decode()
    assert "<svg" in html
    url = html.split('id="checkin-url">')[1].split("<")[0]
    client.force_login(member)
    assert "确认签到" in client.get(url).content.decode()
    assert "签到成功" in client.post(url).content.decode()
    assert Invitation.objects.get(activity=activity).status == S.CHECKED_IN


def test_sign_in_sheet_is_a_pdf(client, staff, invited):
    client.force_login(staff)
    response = client.get(reverse("activities:sign_in_sheet", args=[invited.pk]))
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")


def test_bulk_check_in_from_the_sheet(client, staff, invited):
    invited.starts_at = timezone.now() - dt.timedelta(hours=1)
    invited.ends_at = invited.starts_at + dt.timedelta(hours=2)
    invited.signup_deadline = None
    invited.save()
    client.force_login(staff)
    ids = list(invited.invitations.values_list("pk", flat=True))
    client.post(reverse("activities:bulk_check_in", args=[invited.pk]), {"invitation": ids})
    assert invited.invitations.filter(status=S.CHECKED_IN).count() == 2


def test_attendance_page_offers_no_proxy_check_in_before_the_activity(client, staff, invited):
    client.force_login(staff)
    html = client.get(reverse("activities:attendance", args=[invited.pk])).content.decode()
    assert "活动尚未开始" in html and "代签到</button>" not in html
    inv = invited.invitations.first()
    response = client.post(reverse("activities:staff_check_in", args=[inv.pk]), follow=True)
    assert "签到尚未开始" in response.content.decode()
    assert invited.invitations.filter(status=S.CHECKED_IN).count() == 0


def test_my_activities_shows_staff_only_their_own_invitations(client, staff, users, invited):
    """Staff saw every member's invitation with RSVP buttons and no names; pressing one confirmed a member."""
    client.force_login(staff)
    html = client.get(reverse("activities:my")).content.decode()
    assert invited.title not in html and "暂无待参加的活动" in html
    client.force_login(users["member"])
    assert invited.title in client.get(reverse("activities:my")).content.decode()


def test_month_calendar_shows_the_activity(client, member, invited):
    client.force_login(member)
    month = timezone.localtime(invited.starts_at).strftime("%Y-%m")
    html = client.get(reverse("activities:calendar"), {"month": month}).content.decode()
    assert invited.title in html


def test_ics_feed_works_without_a_session_and_a_bad_token_is_404(client, member, invited):
    from activities.views import feed_token

    response = client.get(reverse("activities:feed", args=[feed_token(member)]))
    body = response.content.decode()
    assert response["Content-Type"].startswith("text/calendar")
    assert "BEGIN:VCALENDAR" in body and f"activity-{invited.pk}@tongxin" in body
    assert client.get(reverse("activities:feed", args=["1.member:bad"])).status_code == 404


def test_activity_ics_needs_visibility(client, users, invited):
    client.force_login(users["other_staff"])
    assert client.get(reverse("activities:ics", args=[invited.pk])).status_code == 404


def test_briefing_read_status_is_shown_to_staff(client, staff, member):
    b = services.briefing_publish(actor=staff, title="情况通报", body="正文", persons=[member.person])
    client.force_login(member)
    client.get(reverse("activities:briefing", args=[b.pk]))
    client.force_login(staff)
    html = client.get(reverse("activities:briefing", args=[b.pk])).content.decode()
    assert "陈大文" in html and "未读" not in html


def test_briefing_in_traditional_for_a_member_who_chose_it(client, staff, member):
    b = services.briefing_publish(
        actor=staff, title="学习材料：国家发展", body="国家发展", persons=[member.person]
    )
    member.script = "hant"
    member.save()
    client.force_login(member)
    html = client.get(reverse("activities:briefing", args=[b.pk])).content.decode()
    assert "國家發展" in html


def test_person_section_shows_attendance_figures(rf, staff, invited, member_person):
    from django.apps import apps

    request = rf.get("/")
    request.user = staff
    sections = apps.get_app_config("activities").person_sections(request, member_person)
    assert sections[0]["title"] == "活动出勤" and invited.title in sections[0]["html"]


def test_home_cards_for_member_count_invitations_to_answer(member, invited):
    from django.apps import apps

    cards = {c["label"]: c["value"] for c in apps.get_app_config("activities").home_cards(member)}
    assert cards["待回复的邀请"] == 1


def test_upload_a_non_image_photo_on_the_report_page_is_refused(client, staff, activity):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(staff)
    response = client.post(
        reverse("activities:file_add", args=[activity.pk]),
        {"kind": "photo", "file": SimpleUploadedFile("a.jpg", b"not an image at all")},
        follow=True,
    )
    assert "类型不被接受" in response.content.decode()
    assert not activity.files.exists()


@pytest.mark.parametrize(
    "url_name",
    ["activities:my", "activities:my_history", "activities:briefings", "activities:calendar"],
)
def test_member_pages_query_count_is_independent_of_rows(
    client, orgs, staff, member, url_name, django_assert_max_num_queries
):
    def add(n):
        for _ in range(n):
            a = ActivityFactory(owner_org=orgs.committee, starts_at=timezone.now() + dt.timedelta(days=2))
            past = ActivityFactory(owner_org=orgs.committee, starts_at=timezone.now() - dt.timedelta(days=2))
            services.invitations_create(actor=staff, activity=a, persons=[member.person])
            services.invitations_create(actor=staff, activity=past, persons=[member.person], check=False)
            services.briefing_publish(actor=staff, title="材料", body="正文", persons=[member.person])

    client.force_login(member)
    add(1)
    client.get(reverse(url_name))
    with django_assert_max_num_queries(40) as few:
        client.get(reverse(url_name))
    add(8)
    client.get(reverse(url_name))  # the unread badge counted again (the new invitations notified the member)
    with django_assert_max_num_queries(40) as many:
        assert client.get(reverse(url_name)).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


@pytest.mark.parametrize("url_name", ["activities:summary", "activities:briefings", "activities:invite"])
def test_staff_pages_query_count_is_independent_of_rows(
    client, orgs, staff, activity, url_name, django_assert_max_num_queries
):
    from members.models import TermRoleKind
    from members.services import term_role_add
    from members.tests.factories import TermFactory

    term = TermFactory(cppcc=orgs.city)
    url = reverse(url_name, args=[activity.pk]) if url_name == "activities:invite" else reverse(url_name)

    def add(n):
        persons = [PersonFactory(owner_org=orgs.committee) for _ in range(n)]
        for p in persons:
            term_role_add(person=p, term=term, role=TermRoleKind.MEMBER)
        other = ActivityFactory(owner_org=orgs.committee)
        services.invitations_create(actor=staff, activity=other, persons=persons)
        services.briefing_publish(actor=staff, title="材料", body="正文", persons=persons)

    client.force_login(staff)
    add(2)
    client.get(url)
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    add(30)
    with django_assert_max_num_queries(30) as many:
        assert client.get(url).status_code == 200
    assert len(many.captured_queries) == len(few.captured_queries)


def test_staff_cancel_tells_invitees(client, staff, member, invited):
    from notifications.models import Notification

    client.force_login(staff)
    client.post(reverse("activities:cancel", args=[invited.pk]), {"reason": "台风预警"})
    invited.refresh_from_db()
    assert invited.is_cancelled
    n = Notification.objects.get(recipient=member, event="activities.cancelled")
    assert "台风预警" in n.body


def test_member_cannot_cancel(client, member, invited):
    client.force_login(member)
    response = client.post(reverse("activities:cancel", args=[invited.pk]))
    assert response.status_code == 403
    invited.refresh_from_db()
    assert not invited.is_cancelled


def test_a_leader_answering_an_invitation_gets_403_before_the_answer_is_read(client, users, my_invitation):
    """Permission first (core.actions): a leader may see the list but not answer for an invitee."""
    client.force_login(users["leader"])
    r = client.post(reverse("activities:respond", args=[my_invitation.pk]), {"answer": "nonsense"})
    assert r.status_code == 403
    my_invitation.refresh_from_db()
    assert my_invitation.status == "invited"


def test_check_in_page_says_not_started_instead_of_the_button(client, member, invited):
    client.force_login(member)
    html = client.get(reverse("activities:checkin", args=[services.check_in_token(invited)])).content.decode()
    assert "尚未开始" in html and "checkin-button" not in html


def test_member_sees_a_withdraw_button_on_a_pending_leave_request(client, member, my_invitation):
    services.invitation_respond(actor=member, invitation=my_invitation, answer="leave", reason="出差")
    client.force_login(member)
    assert "撤回请假（参加）" in client.get(reverse("activities:my")).content.decode()
    client.post(reverse("activities:respond", args=[my_invitation.pk]), {"answer": "confirm"})
    my_invitation.refresh_from_db()
    assert my_invitation.status == S.CONFIRMED


def test_staff_answer_for_a_named_member_on_the_attendance_page_and_it_is_logged(client, staff, invited):
    from core.models import TransitionLog

    client.force_login(staff)
    url = reverse("activities:attendance", args=[invited.pk])
    html = client.get(url).content.decode()
    inv = invited.invitations.select_related("person").first()
    assert f"代{inv.person.name}确认参加" in html
    client.post(reverse("activities:respond", args=[inv.pk]), {"answer": "confirm", "next": url})
    inv.refresh_from_db()
    assert inv.status == S.CONFIRMED
    assert TransitionLog.objects.get(object_id=inv.pk, target=S.CONFIRMED).actor == staff
