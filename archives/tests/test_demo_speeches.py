"""Issue 10's "done when": the speech counts on the member's profile — in the demo year as loaded, every
speech delivered at the 市领导与港澳委员座谈会 is on its speaker's archive with the default rule's points,
and a speaker who has a login sees it from the profile."""

import io

import pytest
from django.core.management import call_command
from django.urls import reverse

from archives import selectors
from consultations.models import Meeting, SpeechStatus
from core.demo import DEMO_YEAR

pytestmark = pytest.mark.django_db


def test_the_demo_speeches_count_on_their_speakers_archives_and_profiles(client):
    call_command("load_demo", stdout=io.StringIO())
    meeting = Meeting.objects.get(title="市领导与港澳委员座谈会")
    speeches = list(meeting.speeches.filter(status=SpeechStatus.DELIVERED).select_related("speaker"))
    assert len(speeches) == 3
    with_login = None
    for speech in speeches:
        speaker = speech.speaker
        counts = selectors.person_counts(speaker, DEMO_YEAR)
        archive = selectors.person_archive(None, speaker, year=DEMO_YEAR)
        line = archive.result.line("speech")
        assert counts.get("speech") >= 1 and line.points == 10 * counts.get("speech")
        entries = {e.column.key: e for _, group in archive.groups for e in group}
        assert speech.title in [r.title for r in entries["speech"].records]
        if speaker.user_id and with_login is None:
            with_login = speech
    assert with_login is not None  # at least one speaker of the demo signs in
    speaker = with_login.speaker
    client.force_login(speaker.user)
    profile = client.get(reverse("members:detail", args=[speaker.pk])).content.decode()
    assert "履职积分" in profile and "查看我的履职档案" in profile
    page = client.get(reverse("archives:person", args=[speaker.pk]), {"year": DEMO_YEAR}).content.decode()
    assert "会议发言" in page and with_login.title in page
