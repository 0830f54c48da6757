"""The demo tells the consultation and research of the source document's year, and scores that year."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from archives.models import Donation
from archives.selectors import rule_set_for
from core.demo import DEMO_YEAR
from proposals.models import Proposal

from ..models import Meeting, ResearchStatus, ResearchTopic, Speech, SpeechStatus, TopicStatus

pytestmark = pytest.mark.django_db


def test_demo_meeting_research_and_donations_and_a_second_run_adds_nothing():
    call_command("load_demo", stdout=io.StringIO())
    counts = (Meeting.objects.count(), Speech.objects.count(), Donation.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (Meeting.objects.count(), Speech.objects.count(), Donation.objects.count()) == counts

    meeting = Meeting.objects.get(title="市领导与港澳委员座谈会")
    assert meeting.date.year == DEMO_YEAR and meeting.activity is not None and meeting.minutes
    statuses = sorted(meeting.topics.values_list("status", flat=True))
    assert len(statuses) == 6 and statuses.count(TopicStatus.SELECTED) == 3
    speeches = list(meeting.speeches.order_by("speaking_order"))
    assert [s.speaking_order for s in speeches] == [1, 2, 3]
    for speech in speeches:
        revisions = speech.revisions.count()
        assert speech.status == SpeechStatus.DELIVERED and 2 <= revisions <= 3
        assert speech.approved_revision.number == revisions
        assert speech.revisions.filter(comments__isnull=False).exists()
        assert speech.responses.exists()
        # every revision carries the story's date, before the meeting
        assert all(r.created_at.date() < meeting.date for r in speech.revisions.all())

    research = ResearchTopic.objects.get(title__contains="港澳药械通")
    assert research.status == ResearchStatus.ADOPTED
    partners = {s.organisation.short_name for s in research.shares().filter(capacity="partner")}
    assert partners == {"省政协", "番禺区政协"}
    assert list(research.proposals.values_list("title", flat=True)) == [
        Proposal.objects.get(title__startswith="关于推动“港澳药械通”").title
    ]

    assert rule_set_for(DEMO_YEAR, meeting.owner_org) is not None
    verified = Donation.objects.filter(verified_at__isnull=False)
    assert verified.get(recipient="吴川市王村港镇").amount == Decimal("240000")
    tm = verified.get(recipient="花都区梯面镇")
    assert (tm.amount, tm.trees) == (Decimal("100000"), 300)
    assert tm.activity.title == "“绿美梯面”植树活动"
    assert tm.shares.aggregate(s=Sum("amount"))["s"] == Decimal("100000")
    assert Donation.objects.filter(verified_at__isnull=True).count() == 1
