"""The proposal workflow table: every allowed and forbidden step by role, and random walks of actions."""

import itertools

import pytest
from django.http import Http404
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, invariant, rule, run_state_machine_as_test

from core.errors import DomainError
from core.models import TransitionLog
from organisations.services import share_with

from .. import services
from ..models import FILED_STATES, Assignment, Proposal, ProposalStatus, Reply, ReplyStatus
from ..workflows import PROPOSAL
from . import factories as f

pytestmark = pytest.mark.django_db

S = ProposalStatus
ROLES = ("admin", "staff", "leader", "member", "advisor", "unit", "partner", "other_staff")
AUTHOR_OR_STAFF = {"member", "staff", "admin"}
STAFF = {"staff", "admin"}

# (from, to) → the roles that may take the step (the member is the proposal's author; the unit its lead unit).
ALLOWED = {
    (S.DRAFT, S.SUBMITTED): AUTHOR_OR_STAFF,
    (S.RETURNED, S.SUBMITTED): AUTHOR_OR_STAFF,
    (S.DRAFT, S.WITHDRAWN): AUTHOR_OR_STAFF,
    (S.RETURNED, S.WITHDRAWN): AUTHOR_OR_STAFF,
    (S.SUBMITTED, S.WITHDRAWN): AUTHOR_OR_STAFF,
    (S.SUBMITTED, S.FILED): STAFF,
    (S.SUBMITTED, S.NOT_FILED): STAFF,
    (S.SUBMITTED, S.MERGED): STAFF,
    (S.SUBMITTED, S.CONVERTED): STAFF,
    (S.SUBMITTED, S.RETURNED): STAFF,
    (S.FILED, S.HANDLING): STAFF,
    (S.HANDLING, S.REPLY_REVIEW): {"unit"},
    (S.REPLY_REVIEW, S.HANDLING): STAFF,
    (S.REPLY_REVIEW, S.REPLIED): STAFF,
    (S.REPLIED, S.HANDLING): {"member"},
    (S.REPLIED, S.CLOSED): STAFF,
}


def test_table_matches_the_workflow():
    declared = {(src, t.target) for t in PROPOSAL.transitions for src in t.sources}
    assert declared == set(ALLOWED)


@pytest.fixture
def stage(users, orgs):
    """A proposal by the member, shared with the unit (lead) and the province (co-sponsor), plus a merge target."""
    p = f.draft(users)
    other = f.draft(users, title="另一件提案")
    Assignment.objects.create(proposal=p, owner_org=p.owner_org, unit=orgs.sports, role="lead")
    share_with(p, orgs.sports, "handler")
    share_with(p, orgs.province, "co_sponsor")
    return p, other


def _apply(other):
    def apply(p):
        if p.status == S.MERGED:
            p.merged_into = other
        if p.status == S.NOT_FILED:
            p.not_filed_reason = "other"

    return apply


@pytest.mark.parametrize("source, target", list(itertools.product(S.values, S.values)))
def test_every_step_by_every_role(users, stage, source, target):
    p, other = stage
    allowed = ALLOWED.get((source, target), set())
    for role in ROLES:
        Proposal.objects.filter(pk=p.pk).update(
            status=source,
            merged_into=other if source == S.MERGED else None,
            not_filed_reason="other" if source == S.NOT_FILED else "",
        )
        logs = TransitionLog.objects.count()
        try:
            PROPOSAL.transition(
                Proposal.objects.get(pk=p.pk), target, actor=users[role], note="说明", apply=_apply(other)
            )
        except (DomainError, Http404) as exc:
            assert role not in allowed, f"{role} 应能 {source}→{target}：{exc}"
            assert getattr(exc, "message", "") == "" or any("\u4e00" <= ch <= "\u9fff" for ch in exc.message)
            assert Proposal.objects.get(pk=p.pk).status == source
            assert TransitionLog.objects.count() == logs
        else:
            assert role in allowed, f"{role} 不应能 {source}→{target}"
            assert Proposal.objects.get(pk=p.pk).status == target
            assert TransitionLog.objects.count() == logs + 1


class ProposalMachine(RuleBasedStateMachine):
    """Random sequences of real service calls by random roles; the state stays legal and every step is logged."""

    users = None
    orgs = None

    def __init__(self):
        super().__init__()
        self.p = f.draft(self.users)
        self.changes = 0

    def _try(self, fn):
        before = Proposal.objects.get(pk=self.p.pk).status
        try:
            fn(Proposal.objects.get(pk=self.p.pk))
        except (DomainError, Http404):
            assert Proposal.objects.get(pk=self.p.pk).status == before
            return
        if Proposal.objects.get(pk=self.p.pk).status != before:
            self.changes += 1

    @rule(role=st.sampled_from(ROLES))
    def submit(self, role):
        self._try(lambda p: services.proposal_submit(actor=self.users[role], proposal=p))

    @rule(role=st.sampled_from(ROLES))
    def withdraw(self, role):
        self._try(lambda p: services.proposal_withdraw(actor=self.users[role], proposal=p))

    @rule(role=st.sampled_from(ROLES), how=st.sampled_from(["file", "return", "not_file", "convert"]))
    def review(self, role, how):
        actor = self.users[role]
        calls = {
            "file": lambda p: services.proposal_file(actor=actor, proposal=p),
            "return": lambda p: services.proposal_return(actor=actor, proposal=p, note="请修改"),
            "not_file": lambda p: services.proposal_not_file(
                actor=actor, proposal=p, reason="vague", note="不明确"
            ),
            "convert": lambda p: services.proposal_convert(actor=actor, proposal=p, note="转意见"),
        }
        self._try(calls[how])

    @rule(role=st.sampled_from(ROLES))
    def revise(self, role):
        self._try(
            lambda p: services.proposal_update(
                actor=self.users[role], proposal=p, title=p.title, body=p.body + "。"
            )
        )

    @rule(role=st.sampled_from(ROLES))
    def assign(self, role):
        self._try(
            lambda p: services.proposal_assign(actor=self.users[role], proposal=p, lead=self.orgs.sports)
        )

    @rule(role=st.sampled_from(ROLES), cls=st.sampled_from("ABC"))
    def reply(self, role, cls):
        actor = self.users[role]
        self._try(lambda p: services.reply_save(actor=actor, proposal=p, reply_class=cls, body="答复"))
        self._try(lambda p: services.reply_submit(actor=actor, proposal=p))

    @rule(role=st.sampled_from(ROLES), approve=st.booleans())
    def review_reply(self, role, approve):
        self._try(
            lambda p: services.reply_review(actor=self.users[role], proposal=p, approve=approve, note="审核")
        )

    @rule(role=st.sampled_from(ROLES), value=st.sampled_from(["satisfied", "basic", "unsatisfied"]))
    def rate(self, role, value):
        self._try(
            lambda p: services.reply_rate(actor=self.users[role], proposal=p, value=value, comment="意见")
        )

    @rule(role=st.sampled_from(ROLES))
    def close(self, role):
        self._try(lambda p: services.proposal_close(actor=self.users[role], proposal=p))

    @invariant()
    def state_is_legal_and_every_step_logged(self):
        p = Proposal.objects.get(pk=self.p.pk)
        assert p.status in S.values
        logs = list(TransitionLog.objects.filter(object_id=p.pk, workflow="proposal").order_by("id"))
        assert len(logs) == self.changes
        previous = S.DRAFT
        for log in logs:
            assert log.source == previous and (log.source, log.target) in ALLOWED
            previous = log.target
        assert previous == p.status
        if p.status in FILED_STATES:
            assert p.number and p.session_id
        if p.status in (S.HANDLING, S.REPLY_REVIEW, S.REPLIED, S.CLOSED):
            assert p.assignments.filter(ended_at__isnull=True, role="lead").exists() and p.reply_due
        if p.status in (S.REPLIED, S.CLOSED):
            assert Reply.objects.filter(proposal=p, round=p.round, status=ReplyStatus.APPROVED).exists()
        if p.status == S.NOT_FILED:
            assert p.not_filed_reason


def test_random_action_sequences_never_reach_an_illegal_state(users, orgs, session):
    ProposalMachine.users = users
    ProposalMachine.orgs = orgs
    run_state_machine_as_test(
        ProposalMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=20,
            deadline=None,
            suppress_health_check=list(HealthCheck),
        ),
    )
