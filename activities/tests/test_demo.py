import io

import pytest
from django.core.management import call_command
from django.utils import timezone

from activities.models import Activity, Briefing, Invitation
from activities.models import InvitationStatus as S

pytestmark = pytest.mark.django_db


def test_demo_tells_the_years_activities_and_a_second_run_adds_nothing():
    call_command("load_demo", stdout=io.StringIO())
    counts = (Activity.objects.count(), Invitation.objects.count(), Briefing.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (Activity.objects.count(), Invitation.objects.count(), Briefing.objects.count()) == counts

    trip = Activity.objects.get(title__startswith="赴南宁")
    assert [s.city for s in trip.stops.all()] == ["南宁", "桂林", "西安", "成都", "德阳"]
    assert trip.shares().filter(capacity="organiser").exists()
    party_days = Activity.objects.filter(kind__name="主题党日").values_list("place", flat=True)
    assert set(party_days) == {"广州华侨博物馆", "永安堂", "爱群大厦", "广州侨梦苑"}
    assert Activity.objects.get(title="“绿美梯面”植树活动").support_amount == 100000
    assert Activity.objects.get(title="湛江吴川帮扶活动").support_amount == 240000

    mine = Invitation.objects.filter(person__user__username="member")
    now = timezone.now()
    assert mine.filter(activity__starts_at__gt=now).exists()
    assert mine.filter(activity__ends_at__lt=now, status=S.CHECKED_IN).exists()
    assert set(Invitation.objects.values_list("status", flat=True)) >= {
        S.CHECKED_IN,
        S.ABSENT,
        S.LEAVE_APPROVED,
        S.DECLINED,
        S.CONFIRMED,
        S.INVITED,
    }
