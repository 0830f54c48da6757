import io

import pytest
from django.core.management import call_command

from accounts.models import User
from core.demo import DEMO_YEAR
from visits.models import LiaisonEvent, LiaisonLink, Request, Visit
from visits.selectors import coverage

pytestmark = pytest.mark.django_db


def test_demo_tells_the_years_visits_and_requests_and_a_second_run_adds_nothing():
    call_command("load_demo", stdout=io.StringIO())
    counts = (Visit.objects.count(), Request.objects.count(), LiaisonEvent.objects.count())
    call_command("load_demo", stdout=io.StringIO())
    assert (Visit.objects.count(), Request.objects.count(), LiaisonEvent.objects.count()) == counts

    cov = coverage(user=User.objects.get(username="leader"), year=DEMO_YEAR)
    assert 85 <= cov.percent < 100
    assert set(Request.objects.values_list("status", flat=True)) == {
        "open",
        "in_progress",
        "solved",
        "unsolvable",
    }
    story = Request.objects.get(title__contains="港澳药械通")
    assert story.visit is not None and story.status == "solved" and story.thanks_note
    assert "学位已满" in Request.objects.get(status="unsolvable").resolution
    names = set(LiaisonLink.objects.values_list("organisation__name", flat=True))
    assert {"香港广州市政协委员联谊会", "澳门穗协联谊会", "香港广州社团总会", "广东省政协"} <= names
