import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse

from notifications import reminders
from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db


def test_notify_writes_in_app_rows_and_emails_after_commit(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        notify(
            [users["member"], users["member"].person, users["staff"]],
            "test",
            title="活动邀请",
            body="请确认出席",
        )
    assert Notification.objects.filter(recipient=users["member"]).count() == 1  # user and person deduplicated
    assert {m.to[0] for m in mail.outbox} == {users["member"].email, users["staff"].email}
    assert mail.outbox[0].subject.startswith("【同心】")


def test_no_email_when_transaction_rolls_back(users, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify([users["staff"]], "test", title="x")
    assert callbacks and mail.outbox == []  # the email waits for the commit (so does the badge's recount)


def test_traditional_user_gets_traditional_email(users, django_capture_on_commit_callbacks):
    users["member"].script = "hant"
    users["member"].save()
    with django_capture_on_commit_callbacks(execute=True):
        notify([users["member"]], "test", title="委员活动通知")
    assert "委員" in mail.outbox[0].subject


def test_digest_users_get_one_email_a_day(users, django_capture_on_commit_callbacks):
    staff = users["staff"]
    staff.notification_mode = "digest"
    staff.save()
    with django_capture_on_commit_callbacks(execute=True):
        notify([staff], "test", title="第一条")
        notify([staff], "test", title="第二条")
    assert mail.outbox == []
    call_command("send_reminders", stdout=open("/dev/null", "w"))
    call_command("send_reminders", stdout=open("/dev/null", "w"))
    assert len(mail.outbox) == 1 and "2 条" in mail.outbox[0].body


def test_reminder_rules_are_idempotent(users, django_capture_on_commit_callbacks):
    @reminders.register("test_rule")
    def _rule(now):
        yield reminders.Reminder(
            obj=users["member"].person, recipients=[users["member"]], period="2026-11-27", title="明天有活动"
        )

    try:
        with django_capture_on_commit_callbacks(execute=True):
            call_command("send_reminders", "--rule", "test_rule", stdout=open("/dev/null", "w"))
            call_command("send_reminders", "--rule", "test_rule", stdout=open("/dev/null", "w"))
        assert Notification.objects.filter(recipient=users["member"], title="明天有活动").count() == 1
    finally:
        reminders._RULES.pop("test_rule")


def test_notification_centre_shows_unread_count_and_marks_read(client, users):
    notify([users["member"]], "test", title="请查看简报")
    client.force_login(users["member"])
    html = client.get(reverse("notifications:list")).content.decode()
    assert "请查看简报" in html and 'id="unread-count">1<' in html
    client.post(reverse("notifications:mark_read"), {"next": "/notifications/"})
    assert not Notification.objects.filter(recipient=users["member"], read_at__isnull=True).exists()


def test_a_user_cannot_mark_anothers_notifications(client, users):
    n = notify([users["staff"]], "test", title="内部")[0]
    client.force_login(users["member"])
    client.post(reverse("notifications:mark_read"), {"id": n.pk})
    n.refresh_from_db()
    assert n.read_at is None


def test_opening_a_notification_marks_it_read_and_goes_to_its_page(client, users):
    staff = users["staff"]
    (n,) = notify([staff], "test", title="请审查提案", url="/proposals/")
    client.force_login(staff)
    html = client.get(reverse("notifications:list")).content.decode()
    assert reverse("notifications:open", args=[n.pk]) in html
    response = client.post(reverse("notifications:open", args=[n.pk]))
    assert response.status_code == 302 and response["Location"] == "/proposals/"
    n.refresh_from_db()
    assert n.read_at is not None
    client.force_login(users["member"])  # someone else's notification: not found
    assert client.post(reverse("notifications:open", args=[n.pk])).status_code == 404


def test_the_unread_badge_is_counted_once_and_follows_every_change(client, users, django_assert_num_queries):
    """The badge on every page is read from the cache after the first count, and still changes at once when a
    notification arrives, is read, or the user's notifications are erased."""
    from notifications.selectors import unread_count
    from notifications.services import mark_read, notifications_erase

    member, staff = users["member"], users["staff"]
    assert unread_count(member) == 0
    with django_assert_num_queries(0):
        assert unread_count(member) == 0
    notify([member, staff], "test", title="请查看简报")
    assert unread_count(member) == 1 and unread_count(staff) == 1
    client.force_login(member)
    assert 'id="unread-count">1<' in client.get("/").content.decode()
    notify([member], "test", title="第二条")
    assert 'id="unread-count">2<' in client.get("/").content.decode()
    mark_read(user=member)
    assert 'id="unread-count">' not in client.get("/").content.decode()
    assert unread_count(member) == 0 and unread_count(staff) == 1
    notifications_erase(user=staff)
    assert unread_count(staff) == 0
