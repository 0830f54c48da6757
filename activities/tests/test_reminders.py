import datetime as dt

import pytest
from django.utils import timezone

from activities import services
from activities.tests.factories import ActivityFactory
from notifications.models import Notification
from notifications.reminders import registered, run_rule

pytestmark = pytest.mark.django_db


def test_deadline_near_reminds_only_those_who_have_not_answered_once(orgs, staff, users):
    now = timezone.now()
    activity = ActivityFactory(
        owner_org=orgs.committee,
        starts_at=now + dt.timedelta(days=4),
        signup_deadline=now + dt.timedelta(days=1),
    )
    services.invitations_create(
        actor=staff, activity=activity, persons=[users["member"].person, users["advisor"].person]
    )
    services.invitation_respond(
        actor=users["advisor"],
        invitation=activity.invitations.get(person__user=users["advisor"]),
        answer="confirm",
    )
    rule = registered()["activities.deadline_near"]
    assert run_rule("activities.deadline_near", rule, now) == 1
    assert run_rule("activities.deadline_near", rule, now) == 0
    assert (
        Notification.objects.filter(
            event="reminder:activities.deadline_near", recipient=users["member"]
        ).count()
        == 1
    )


def test_activity_tomorrow_reminds_the_confirmed(orgs, staff, users):
    now = timezone.now()
    tomorrow = timezone.localtime(now) + dt.timedelta(days=1)
    activity = ActivityFactory(owner_org=orgs.committee, starts_at=tomorrow, signup_deadline=None)
    services.invitations_create(
        actor=staff, activity=activity, persons=[users["member"].person, users["advisor"].person]
    )
    services.invitation_respond(
        actor=users["advisor"],
        invitation=activity.invitations.get(person__user=users["advisor"]),
        answer="decline",
    )
    rule = registered()["activities.tomorrow"]
    assert run_rule("activities.tomorrow", rule, now) == 1
    assert Notification.objects.filter(
        event="reminder:activities.tomorrow", recipient=users["member"]
    ).exists()
