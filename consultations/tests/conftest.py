import pytest

from members.models import Person


@pytest.fixture
def member_person(users):
    return Person.objects.get(user=users["member"])


@pytest.fixture
def advisor_person(users):
    return Person.objects.get(user=users["advisor"])


@pytest.fixture
def meeting(users):
    from .factories import make_meeting

    return make_meeting(users["staff"])


@pytest.fixture
def selected_topic(users, meeting, member_person):
    from .factories import make_topic, select

    return select(users["staff"], make_topic(users["member"], meeting))


@pytest.fixture
def speech(users, selected_topic, member_person):
    from consultations import services

    return services.speech_create(actor=users["staff"], topic=selected_topic, speaker=member_person)
