import datetime as dt

import pytest
from django.utils import timezone

from members.models import Person


@pytest.fixture
def member_person(users):
    return Person.objects.get(user=users["member"])


@pytest.fixture
def advisor_person(users):
    return Person.objects.get(user=users["advisor"])


@pytest.fixture
def today():
    """The local date (Asia/Shanghai) when the test runs, not when the module was imported."""
    return timezone.localdate()


@pytest.fixture
def tomorrow(today):
    return today + dt.timedelta(days=1)
