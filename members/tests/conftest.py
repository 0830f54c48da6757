import pytest

from members.tests.factories import TermFactory


@pytest.fixture
def term(orgs):
    return TermFactory(cppcc=orgs.city)


@pytest.fixture
def client_for(client):
    def login(user):
        client.force_login(user)
        return client

    return login
