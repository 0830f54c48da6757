import pytest

from opinions.tests.factories import OpinionReportFactory


@pytest.fixture
def member_person(users):
    return users["member"].person


@pytest.fixture
def draft(member_person):
    return OpinionReportFactory(author=member_person, owner_org=member_person.owner_org)
