"""Defect 4 (issue 11): proposal numbers (立案) and opinion-report numbers are given without collisions when
requests arrive at once (PostgreSQL answered 500 on the unique constraint), and without gaps."""

import threading

import pytest
from django.db import connection, connections

from core.errors import PermissionRefused
from opinions import services as opinion_services
from opinions.models import OpinionReport, ReportStatus
from opinions.tests.factories import OpinionReportFactory
from proposals import services as proposal_services
from proposals.models import Proposal
from proposals.tests.factories import plenary_session, submitted


# SQLite lets one writer at a time (IMMEDIATE transactions), so only PostgreSQL can race; the rest runs on both.
# Threads need committed rows (their own connections): the race tests run outside the test transaction.
def races(test):
    only_pg = pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite serialises writers")
    return only_pg(pytest.mark.django_db(transaction=True)(test))


N = 10


def _at_once(n, work):
    """Run work(i) for i in range(n) in n threads released together; (results, errors)."""
    barrier, results, errors = threading.Barrier(n), [None] * n, []

    def run(i):
        try:
            barrier.wait()
            results[i] = work(i)
        except Exception as exc:  # the test reports every failure
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results, errors


def _proposals(users, n):
    return [submitted(users, title=f"关于增加第{i}号社区滑板场的提案") for i in range(n)]


@races
def test_simultaneous_filings_all_succeed_with_consecutive_numbers(users, orgs):
    plenary_session(orgs)
    pks = [p.pk for p in _proposals(users, N)]
    results, errors = _at_once(
        N,
        lambda i: (
            proposal_services.proposal_file(
                actor=users["staff"], proposal=Proposal.objects.get(pk=pks[i])
            ).number
        ),
    )
    assert errors == []
    assert sorted(results) == list(range(1, N + 1))


@races
def test_simultaneous_acceptances_all_succeed_with_consecutive_numbers(users, orgs):
    pks = [OpinionReportFactory(owner_org=orgs.committee, status=ReportStatus.SUBMITTED).pk for _ in range(N)]
    results, errors = _at_once(
        N,
        lambda i: (
            opinion_services.report_transition(
                actor=users["staff"],
                report=OpinionReport.objects.get(pk=pks[i]),
                target=ReportStatus.ACCEPTED,
            ).number
        ),
    )
    assert errors == []
    assert sorted(int(n.split("-")[1]) for n in results) == list(range(1, N + 1))


@pytest.mark.django_db
def test_numbering_continues_after_numbers_already_given_and_a_refused_filing_takes_none(users, orgs):
    session = plenary_session(orgs)
    first, second, third = _proposals(users, 3)
    Proposal.objects.filter(pk=first.pk).update(session=session, number=41)
    assert proposal_services.proposal_file(actor=users["staff"], proposal=second).number == 42
    with pytest.raises(PermissionRefused):
        # A member may not file: nothing is numbered, the next filing still gets 43.
        proposal_services.proposal_file(actor=users["member"], proposal=third)
    assert proposal_services.proposal_file(actor=users["staff"], proposal=third).number == 43
