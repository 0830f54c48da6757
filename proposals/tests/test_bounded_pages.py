"""A proposal's page stays the same size however many activities, proposals or persons exist (issue 13)."""

import datetime as dt
import re

from django.utils import timezone

from activities.models import Activity
from activities.tests.factories import ActivityFactory, KindFactory
from conftest import login_client

from ..forms import FollowUpForm
from . import factories as f


def _activities(orgs, n):
    kind = KindFactory()
    start = timezone.now() - dt.timedelta(days=10)
    Activity.objects.bulk_create(
        [
            Activity(owner_org=orgs.committee, kind=kind, title=f"活动{i}", starts_at=start - dt.timedelta(hours=i),
                     ends_at=start - dt.timedelta(hours=i) + dt.timedelta(hours=2))
            for i in range(n)
        ]
    )  # fmt: skip


def test_follow_up_form_offers_a_bounded_list_of_recent_activities(users, orgs):
    proposal = f.handling(users, orgs)
    _activities(orgs, FollowUpForm.ACTIVITY_CHOICES + 30)
    old = ActivityFactory(
        owner_org=orgs.committee,
        title="很久以前的活动",
        starts_at=timezone.now() - dt.timedelta(days=900),
        ends_at=timezone.now() - dt.timedelta(days=899),
    )
    form = FollowUpForm(user=users["staff"], proposal=proposal)
    choices = list(form.fields["activity"].queryset)
    assert len(choices) == FollowUpForm.ACTIVITY_CHOICES
    assert choices[0].title == "活动0"  # newest first
    assert old not in choices


def _activity_options(html: str) -> int:
    select = re.search(r'<select[^>]*name="followup-activity"[^>]*>(.*?)</select>', html, re.S)
    return select.group(1).count("<option")


def test_proposal_page_does_not_grow_with_the_number_of_activities(client, users, orgs):
    proposal = f.handling(users, orgs)
    staff = login_client(client, users["staff"])
    opened = f"/proposals/{proposal.pk}/?open=followup"  # the follow-up form, rendered on the page
    _activities(orgs, 5)
    assert _activity_options(staff.get(opened).content.decode()) == 5 + 1
    _activities(orgs, 400)
    html = staff.get(opened).content.decode()
    assert _activity_options(html) == FollowUpForm.ACTIVITY_CHOICES + 1  # plus the empty choice
