import pytest

from activities.tests.factories import ActivityFactory


@pytest.fixture
def member(users):
    return users["member"]


@pytest.fixture
def member_person(users):
    return users["member"].person


@pytest.fixture
def advisor_person(users):
    return users["advisor"].person


@pytest.fixture
def activity(orgs, users):
    return ActivityFactory(owner_org=orgs.committee)


@pytest.fixture
def invited(activity, member_person, advisor_person, staff):
    """The activity with the member and the advisor invited."""
    from activities.services import invitations_create

    invitations_create(actor=staff, activity=activity, persons=[member_person, advisor_person])
    return activity


@pytest.fixture
def my_invitation(invited, member_person):
    return invited.invitations.get(person=member_person)
