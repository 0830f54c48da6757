import io

import pytest
from django.core.management import call_command

from ideas.models import Idea, IdeaStatus
from opinions.models import OpinionReport, ReportStatus

pytestmark = pytest.mark.django_db


def test_demo_tells_the_story_in_every_state_and_a_second_run_adds_nothing():
    call_command("load_demo", stdout=io.StringIO())
    counts = (Idea.objects.count(), OpinionReport.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (Idea.objects.count(), OpinionReport.objects.count()) == counts
    skate = Idea.objects.get(title="增加广州滑板场建设")
    assert skate.claimed_by.user.username == "member" and skate.followup_invited_at
    assert set(Idea.objects.values_list("status", flat=True)) >= set(IdeaStatus.values) - {
        IdeaStatus.PROPOSAL
    }
    assert set(OpinionReport.objects.values_list("status", flat=True)) == set(ReportStatus.values)
    assert OpinionReport.objects.filter(
        status=ReportStatus.INSTRUCTED, instruction_level="provincial"
    ).exists()
