"""Guard 5: `manage.py send_reminders` killed half-way (SIGKILL, a real process) leaves every reminder either
sent (marked and notified) or not at all, and the next run sends each missing one exactly once."""

import datetime as dt

import pytest
from django.db.models import Count
from django.utils import timezone

from accounts.models import User
from activities import services
from activities.tests.factories import ActivityFactory
from core.tests.crash import KILLED, SharedDatabase
from members.tests.factories import PersonFactory
from notifications.models import Notification, SentReminder

pytestmark = pytest.mark.django_db(transaction=True)

RULE = "activities.deadline_near"
INVITEES = 30


@pytest.fixture
def invitees(orgs, staff):
    now = timezone.now()
    activity = ActivityFactory(
        owner_org=orgs.committee,
        starts_at=now + dt.timedelta(days=4),
        signup_deadline=now + dt.timedelta(days=1),
    )
    persons = [
        PersonFactory(owner_org=orgs.committee, user=User.objects.create(username=f"crash{i}", role="member"))
        for i in range(INVITEES)
    ]
    services.invitations_create(actor=staff, activity=activity, persons=persons)
    return persons


def _state():
    marks = SentReminder.objects.filter(rule=RULE)
    notes = Notification.objects.filter(event=f"reminder:{RULE}")
    doubled = notes.values("recipient").annotate(n=Count("id")).filter(n__gt=1).exists()
    return marks.count(), notes.count(), doubled


@pytest.mark.parametrize(
    "crash_at, sent_before_crash",
    [("notifications.reminder.writing:11", 10), ("notifications.reminder.sent:5", 5)],
    ids=["inside-a-reminder", "between-reminders"],
)
def test_a_killed_reminder_run_is_completed_by_the_next_run(tmp_path, invitees, crash_at, sent_before_crash):
    db = SharedDatabase(tmp_path)

    killed = db.run("send_reminders", "--rule", RULE, crash_at=crash_at)
    assert killed.returncode == KILLED, killed.stderr
    assert _state() == (sent_before_crash, sent_before_crash, False)  # every mark has its notification

    again = db.run("send_reminders", "--rule", RULE)
    assert again.returncode == 0, again.stderr
    assert f"{RULE}: 发送 {INVITEES - sent_before_crash} 条" in again.stdout
    assert _state() == (INVITEES, INVITEES, False)

    once_more = db.run("send_reminders", "--rule", RULE)
    assert f"{RULE}: 发送 0 条" in once_more.stdout
    assert _state() == (INVITEES, INVITEES, False)
