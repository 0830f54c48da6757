"""Similar proposals: BM25 over jieba words, with a precomputed term-weight table (an inverted index).

Indexing (when a proposal is submitted or changed) writes one `ProposalTerm` row per significant word
with its BM25 term-frequency part, and keeps document frequencies in `TermFrequency`. A lookup is then:
1. segment the query (title counts three times), look up the words' document frequencies (one query);
2. keep the ~24 most informative words (highest tf·idf);
3. one grouped SQL query over the index: SUM(weight × idf) per proposal, top N.
The score is shown as a share of the query's score against itself (0–100 %), so it reads as "how much
of this draft's vocabulary the other proposal covers". 50,000 proposals: see `proposals/bench.py`.
"""

import math
from collections import Counter
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import F

from core.text import words

from .models import Proposal, ProposalStatus, ProposalTerm, TermFrequency

K1 = 1.2
B = 0.75
AVG_LEN = 600  # 一件提案（标题计三次）约六百个词；固定平均长度，索引不必随语料增长而重算
MAX_DOC_TERMS = 80
MAX_QUERY_TERMS = 20
COMMON_SHARE = 0.05
COMMON_MIN = 200
TITLE_WEIGHT = 3

# Words that carry no topic in proposals (beyond jieba's single characters, which are dropped).
STOPWORDS = frozenset(
    "建议 提案 关于 问题 进一步 加强 推进 推动 工作 我们 他们 一些 以及 通过 进行 相关 有关 目前 存在 "
    "需要 应当 可以 没有 已经 还是 如何 就是 这个 那个 因为 所以 但是 同时 其中 对于 一个 不断 充分 "
    "广州 广州市 我市 全市".split()
)

# Proposals that are part of the corpus (drafts and withdrawn ones are not).
INDEXED_STATES = [
    s for s in ProposalStatus.values if s not in (ProposalStatus.DRAFT, ProposalStatus.WITHDRAWN)
]


def tokens(title: str, body: str) -> list[str]:
    out = []
    title_words = [w for w in words(title) if len(w) > 1 and w not in STOPWORDS]
    for _ in range(TITLE_WEIGHT):
        out.extend(title_words)
    out.extend(w for w in words(body) if len(w) > 1 and w not in STOPWORDS)
    return [w[:40] for w in out]


def _tf_part(tf: int, length: int) -> float:
    return tf * (K1 + 1) / (tf + K1 * (1 - B + B * length / AVG_LEN))


def _idf(df: int, total: int) -> float:
    return math.log(1 + (total - df + 0.5) / (df + 0.5))


CORPUS_SIZE_KEY = "proposals:similarity:corpus_size"


def corpus_size() -> int:
    """How many proposals are indexed (the N of the IDF). Counting them reads every proposal (88 ms at 300,000
    on PostgreSQL) on each proposal page, so the figure is kept in the cache until the index changes
    (`index_proposal` forgets it) or for ten minutes."""
    from django.core.cache import cache

    n = cache.get(CORPUS_SIZE_KEY)
    if n is None:
        n = Proposal.objects.filter(status__in=INDEXED_STATES).count()
        cache.set(CORPUS_SIZE_KEY, n, 600)
    return n


def _forget_corpus_size() -> None:
    from django.core.cache import cache

    cache.delete(CORPUS_SIZE_KEY)


def term_weights(toks: list[str], dfs: dict[str, int], total: int, limit: int) -> dict[str, float]:
    """BM25 term-frequency parts of the `limit` most informative words of a token list."""
    counts = Counter(toks)
    length = max(len(toks), 1)
    ranked = sorted(counts, key=lambda t: (-(counts[t] * _idf(dfs.get(t, 0), total)), t))[:limit]
    return {t: _tf_part(counts[t], length) for t in ranked}


def _dfs(toks) -> dict[str, int]:
    return dict(TermFrequency.objects.filter(token__in=set(toks)).values_list("token", "docs"))


@transaction.atomic
def index_proposal(proposal: Proposal) -> int:
    """(Re)write the proposal's index rows and the document frequencies. Returns the number of words kept."""
    old = set(ProposalTerm.objects.filter(proposal=proposal).values_list("token", flat=True))
    ProposalTerm.objects.filter(proposal=proposal).delete()
    _forget_corpus_size()
    transaction.on_commit(_forget_corpus_size)  # and once more when others can see the change
    if proposal.status not in INDEXED_STATES:
        _adjust_df(removed=old, added=set())
        return 0
    toks = tokens(proposal.title, proposal.body)
    weights = term_weights(toks, _dfs(toks), max(corpus_size(), 1), MAX_DOC_TERMS)
    ProposalTerm.objects.bulk_create(
        [ProposalTerm(proposal=proposal, token=t, weight=w) for t, w in weights.items()]
    )
    _adjust_df(removed=old - set(weights), added=set(weights) - old)
    return len(weights)


def _adjust_df(*, removed: set[str], added: set[str]) -> None:
    if removed:
        TermFrequency.objects.filter(token__in=removed, docs__gt=0).update(docs=F("docs") - 1)
    if added:
        TermFrequency.objects.bulk_create(
            [TermFrequency(token=t, docs=0) for t in added], ignore_conflicts=True
        )
        TermFrequency.objects.filter(token__in=added).update(docs=F("docs") + 1)


@dataclass
class Match:
    proposal: Proposal
    score: float  # 0..1

    @property
    def percent(self) -> int:
        return round(self.score * 100)


def similar_ids(
    title: str, body: str, *, limit: int = 10, exclude_id: int | None = None
) -> list[tuple[int, float]]:
    """(proposal id, score 0..1) of the most similar indexed proposals, best first. Three SQL queries."""
    toks = tokens(title, body)
    if not toks:
        return []
    dfs = _dfs(toks)
    total = max(corpus_size(), 1)
    weights = term_weights(toks, dfs, total, MAX_QUERY_TERMS)
    idf = {t: _idf(dfs.get(t, 0), total) for t in weights}
    self_score = sum(weights[t] * idf[t] for t in weights) or 1.0
    # Words found in more than COMMON_SHARE of the proposals add little to the score but most of the rows
    # to scan; they are left out of the lookup (unless nothing else is left).
    known = [t for t in weights if dfs.get(t)]
    rare = [t for t in known if dfs[t] <= max(COMMON_MIN, COMMON_SHARE * total)]
    known = rare or known
    if not known:
        return []
    table = ProposalTerm._meta.db_table
    case = " ".join("WHEN %s THEN %s" for _ in known)
    params: list = []
    for t in known:
        params += [t, idf[t]]
    placeholders = ", ".join("%s" for _ in known)
    sql = (
        f"SELECT proposal_id, SUM(weight * CASE token {case} ELSE 0 END) AS score "
        f"FROM {table} WHERE token IN ({placeholders}) "
        + ("AND proposal_id <> %s " if exclude_id else "")
        + "GROUP BY proposal_id ORDER BY score DESC LIMIT %s"
    )
    params += known
    if exclude_id:
        params.append(exclude_id)
    params.append(limit)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [(pid, min(score / self_score, 1.0)) for pid, score in rows]


def similar_proposals(
    *, title: str, body: str, limit: int = 8, exclude: Proposal | None = None, queryset=None
) -> list[Match]:
    """The most similar proposals of this and past terms with their scores (≥ 5 %), best first."""
    ranked = [
        (pid, s)
        for pid, s in similar_ids(title, body, limit=limit * 3, exclude_id=getattr(exclude, "pk", None))
        if s >= 0.05
    ]
    if not ranked:
        return []
    qs = queryset if queryset is not None else Proposal.objects.all()
    found = qs.select_related("author", "session__term").in_bulk([pid for pid, _ in ranked])
    return [Match(found[pid], s) for pid, s in ranked if pid in found][:limit]
