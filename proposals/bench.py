"""Similar-proposal lookup against 50,000 indexed proposals (target: under 200 ms), and the proposal list.

The corpus is synthetic but shaped like the real one: words drawn with a Zipf-like skew from the jieba
vocabulary of real proposal texts plus a long tail of rarer words, 60 distinct words per proposal kept in
the index (as `similarity.MAX_DOC_TERMS` keeps the most informative ones).
"""

import random

from bench.support import foundation, measure, page

SIZES = (5_000, 50_000)
DOC_WORDS = 60
QUERIES = [
    (
        "关于增加广州滑板场建设的提案",
        "公共滑板场地不足，建议在天河体育中心建设城市滑板公园，并结合公园绿地改造增设社区滑板场。",
    ),
    (
        "关于推动港澳药械通扩大指定医疗机构范围的提案",
        "建议将服务港澳居民较多的医院纳入港澳药械通指定医疗机构，完善急需药械目录。",
    ),
    (
        "关于优化港澳居民办理居住证流程的提案",
        "港澳居民办理居住证需多次往返，建议线上预约、材料一次告知、就近办理。",
    ),
]


def _vocabulary():
    from core.text import words
    from proposals.demo import OTHERS
    from proposals.similarity import STOPWORDS

    text = " ".join(t + b for t, b, _, _ in OTHERS) + " ".join(t + b for t, b in QUERIES)
    real = sorted({w for w in words(text) if len(w) > 1 and w not in STOPWORDS})
    vocab = real + [f"术语{i:05d}" for i in range(20_000)]
    random.Random(7).shuffle(vocab)  # real words at every frequency rank, not only the commonest
    return vocab


def _build(ctx, total):
    from django.db import connection, transaction

    from members.tests.factories import PersonFactory
    from proposals.models import Proposal, ProposalStatus, ProposalTerm, TermFrequency
    from proposals.similarity import _tf_part

    orgs, users = foundation(ctx)
    have = Proposal.objects.count()
    if have >= total:
        return
    vocab = ctx.once("proposal-vocab", _vocabulary)
    author = ctx.once("proposal-author", lambda: PersonFactory(owner_org=orgs.committee))
    rng = random.Random(total)
    cum, acc = [], 0.0
    for i in range(len(vocab)):
        acc += 1 / (i + 1) ** 0.9
        cum.append(acc)
    batch = 2_000
    for start in range(have, total, batch):
        n = min(batch, total - start)
        rows = Proposal.objects.bulk_create(
            [
                Proposal(
                    owner_org=orgs.committee,
                    author=author,
                    title=f"基准提案{start + i}",
                    body="正文",
                    status=ProposalStatus.FILED if i % 5 else ProposalStatus.CLOSED,
                )
                for i in range(n)
            ]
        )
        terms = []
        for p in rows:
            chosen = set(rng.choices(vocab, cum_weights=cum, k=DOC_WORDS * 2))
            for w in list(chosen)[:DOC_WORDS]:
                terms.append((p.pk, w, _tf_part(rng.choice((1, 1, 1, 2, 3)), 600)))
        # One transaction per batch: in autocommit SQLite commits every row (12,500 rows/s, 4.5 minutes).
        with transaction.atomic(), connection.cursor() as cur:
            cur.executemany(
                f"INSERT INTO {ProposalTerm._meta.db_table} (proposal_id, token, weight) VALUES (%s, %s, %s)",
                terms,
            )
    with connection.cursor() as cur:
        cur.execute(f"DELETE FROM {TermFrequency._meta.db_table}")
        cur.execute(
            f"INSERT INTO {TermFrequency._meta.db_table} (token, docs) "
            f"SELECT token, COUNT(*) FROM {ProposalTerm._meta.db_table} GROUP BY token"
        )
        cur.execute("ANALYZE")


def _similar(ctx):
    from proposals.similarity import similar_ids

    rows = []
    for total in SIZES:
        _build(ctx, total)
        for title, body in QUERIES:
            result = measure(lambda t=title, b=body: similar_ids(t, b, limit=24), repeat=7)
            rows.append({"proposals": total, "query": title[:14] + "…", **result})
    return rows


def _list(ctx):
    orgs, users = foundation(ctx)
    return [
        {"page": "proposal list (staff, 50,000)", **page(users["staff"], "/proposals/")},
        {
            "page": "register export, filtered (closed)",
            **page(users["staff"], "/proposals/export.xlsx?status=closed&q=基准提案4999"),
        },
    ]


BENCHMARKS = [
    ("similar-proposal lookup (BM25 over the term-weight index)", _similar),
    ("proposal list", _list),
]
