import pytest

from members.models import Person


@pytest.fixture
def member_person(users):
    return Person.objects.get(user=users["member"])


@pytest.fixture
def advisor_person(users):
    return Person.objects.get(user=users["advisor"])
