"""The demo tells both stories to their outcomes, spreads proposals over every state, and is idempotent."""

import pytest
from django.core.management import call_command

from ..models import Proposal, ProposalStatus

pytestmark = pytest.mark.django_db


class _Out:
    def __init__(self):
        self.lines = []

    def write(self, text):
        self.lines.append(text)


def _load():
    import importlib

    for app in ("organisations", "accounts", "members", "proposals"):
        importlib.import_module(f"{app}.demo").load(_Out())


def test_demo_walks_both_stories_and_every_state(monkeypatch):
    monkeypatch.setattr("django.db.transaction.on_commit", lambda fn, using=None, robust=False: fn())
    _load()
    skate = Proposal.objects.get(title="关于增加广州滑板场建设的提案")
    assert skate.status == ProposalStatus.CLOSED and skate.is_key
    assert skate.followups.count() >= 10 and skate.outcome.completed
    assert {a.unit.short_name for a in skate.assignments.all()} == {
        "市体育局",
        "市规划和自然资源局",
        "市林业园林局",
    }
    drugs = Proposal.objects.get(title__startswith="关于推动“港澳药械通")
    assert drugs.outcome.adopted_by.short_name == "省卫健委"
    assert {s.organisation.short_name for s in drugs.shares() if s.capacity == "co_sponsor"} == {
        "省政协",
        "番禺区政协",
    }
    assert set(Proposal.objects.values_list("status", flat=True)) == set(ProposalStatus.values)
    assert Proposal.objects.count() >= 32
    before = Proposal.objects.count()
    _load()
    assert Proposal.objects.count() == before
    call_command("check")
