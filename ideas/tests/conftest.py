import pytest
from django.core.cache import cache

from ideas.tests.factories import IdeaFactory


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def idea(orgs):
    return IdeaFactory(owner_org=orgs.committee)
