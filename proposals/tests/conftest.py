import pytest


@pytest.fixture
def session(orgs):
    from .factories import plenary_session

    return plenary_session(orgs)


@pytest.fixture(autouse=True)
def on_commit_runs_now(monkeypatch):
    """Tests run inside one transaction that never commits: run on-commit notifications at once."""
    monkeypatch.setattr("django.db.transaction.on_commit", lambda fn, using=None, robust=False: fn())
