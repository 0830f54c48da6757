"""Fixtures shared by every app's tests: the organisation tree, one user per role, browser set-up."""

import os

import pytest

# Live-server browser tests drive a sync Playwright API inside pytest's event loop.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("TONGXIN_CHROMIUM", "/usr/bin/chromium")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {**browser_context_args, "locale": "zh-CN", "timezone_id": "Asia/Shanghai"}


@pytest.fixture
def orgs(db):
    """A small tree: city CPPCC → the committee; a district CPPCC; the provincial CPPCC; two departments."""
    from organisations.tests.factories import org_tree

    return org_tree()


@pytest.fixture
def users(orgs):
    """One user per role, named by role, in the organisation that role belongs to."""
    from accounts.tests.factories import users_for

    return users_for(orgs)


@pytest.fixture
def staff(users):
    return users["staff"]


@pytest.fixture
def staff_client(client, staff):
    client.force_login(staff)
    return client


def login_client(client, user):
    client.force_login(user)
    return client


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache: cached reads (e.g. the current term) never outlive the test
    database rows they were read from."""
    from django.core.cache import cache

    cache.clear()
    yield
