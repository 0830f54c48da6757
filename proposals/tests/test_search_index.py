"""The proposal search finds exactly the proposals whose text contains what was typed, whatever its length and
script; on PostgreSQL it is served by the bigram index (core.search) — which must never lose a match."""

import pytest
from django.db import connection
from hypothesis import given, settings
from hypothesis import strategies as st

from core import search

from .. import selectors
from ..models import Proposal
from .factories import submitted

pytestmark = pytest.mark.django_db
on_postgres = pytest.mark.skipif(connection.vendor != "postgresql", reason="the index is PostgreSQL's")

TITLES = [
    "关于增加广州滑板场建设的提案",
    "关于改善社区养老服务的提案",
    "关于推进粤港澳大湾区青年创业的提案",
    # Every bigram of 滑板车 (滑板, 板车) but not the word: the index's candidates, refused by the exact match.
    "关于规范滑板与共享板车停放的提案",
]


@pytest.fixture
def proposals(users):
    return [submitted(users, title=t) for t in TITLES]


def found(users, q):
    return sorted(p.title for p in selectors.proposal_list(user=users["staff"], q=q))


@pytest.mark.parametrize(
    "q, expected",
    [
        ("滑", [0, 3]),  # one character: no bigram, the plain scan
        ("滑板", [0, 3]),
        ("滑板场", [0]),
        ("滑板場", [0]),  # 繁體 typed, 简体 stored
        ("滑板车", []),  # both bigrams present in TITLES[3], the word is not
        ("板滑", []),
        ("广州养老", []),  # 广州 and 养老 are in two different proposals
        ("养老服务", [1]),
        ("大湾区青年", [2]),
        ("ＡＢＣ", []),  # full-width, normalised
        ("提案", [0, 1, 2, 3]),
    ],
)
def test_the_search_finds_exactly_the_proposals_containing_the_text(users, proposals, q, expected):
    assert found(users, q) == sorted(TITLES[i] for i in expected)


def test_the_merge_picker_finds_by_two_characters(users, proposals):
    hits = selectors.proposal_search(users["staff"], "养老")
    assert [p.title for p in hits] == [TITLES[1]]


@on_postgres
@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=12))
def test_the_database_cuts_the_same_bigrams_as_python(text):
    with connection.cursor() as cursor:
        cursor.execute("SELECT tongxin_bigrams(%s)", [text])
        assert sorted(set(cursor.fetchone()[0])) == search.bigrams(text)


@on_postgres
def test_a_search_can_be_read_off_the_bigram_index(users, proposals):
    """With plain scans ruled out the planner still has a way: the GIN index over the bigrams (at province
    scale it takes it by itself — docs/benchmarks.md)."""
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
    plan = Proposal.objects.filter(search.contains_q(Proposal, "养老服务")).explain()
    assert "proposals_proposal_search_text_bigrams" in plan


def test_a_long_query_finds_its_proposal(users, proposals):
    """A pasted title: more bigrams than the index is asked for (MAX_QUERY_BIGRAMS), still exactly the match."""
    long_title = (
        "关于加快推进粤港澳大湾区青年创新创业基地建设和完善配套服务政策体系以及人才住房保障措施的提案"
    )
    p = submitted(users, title=long_title)
    assert len(search.bigrams(long_title)) > search.MAX_QUERY_BIGRAMS
    assert found(users, long_title) == [p.title]
    assert found(users, long_title[5:45]) == [p.title]
    # one bigram more, which the index may not be asked for: the exact match still refuses it
    assert found(users, long_title[5:45] + "甲") == []
