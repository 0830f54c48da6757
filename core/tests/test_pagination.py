"""Lists count their rows up to `COUNT_CAP` (core.pagination): counting 300,000 visible proposals took a second on
PostgreSQL at province scale. Beyond the cap the page says so and asks for a filter; below it nothing changes."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from core import pagination

pytestmark = pytest.mark.django_db


@pytest.fixture
def proposals(users):
    from proposals.tests import factories as f

    return [f.draft(users, title=f"关于第{i}项工作的提案") for i in range(12)]


def test_below_the_cap_the_list_counts_exactly(client, users, proposals):
    client.force_login(users["member"])
    html = client.get(reverse("proposals:list") + "?per_page=20").content.decode()
    assert "共 12 件" in html and "超过" not in html


def test_beyond_the_cap_the_list_says_so_and_pages_still_work(client, users, proposals, monkeypatch):
    monkeypatch.setattr(pagination.CappedPaginator, "cap", 5)
    client.force_login(users["member"])
    url = reverse("proposals:list")
    html = client.get(url + "?per_page=20").content.decode()
    assert "共 超过 5 件" in html
    page = pagination.paginate(_get(url + "?per_page=20&page=1", users), _mine(users))
    assert page.paginator.capped and page.paginator.count == 5 and len(page.object_list) == 5


def test_the_pager_offers_no_last_page_when_capped(users, proposals, monkeypatch):
    from django.template.loader import render_to_string

    monkeypatch.setattr(pagination.CappedPaginator, "cap", 10)
    page = pagination.CappedPaginator(_mine(users), 3).page(1)  # four pages of the first ten
    html = render_to_string("core/_pagination.html", {"page": page, "query": ""})
    assert "超过 10 条" in html and "请用筛选缩小范围" in html and "下一页" in html and "末页" not in html
    monkeypatch.setattr(pagination.CappedPaginator, "cap", 100)
    page = pagination.CappedPaginator(_mine(users), 3).page(1)
    html = render_to_string("core/_pagination.html", {"page": page, "query": ""})
    assert "共 12 条" in html and "末页" in html and "超过" not in html


def _mine(users):
    from proposals.models import Proposal

    return Proposal.objects.filter(author=users["member"].person).order_by("-id")


def _get(url, users):
    from django.test import RequestFactory

    request = RequestFactory().get(url)
    request.user = users["member"]
    return request


def test_the_count_reads_ids_only_not_the_lists_annotations(users, proposals):
    """An annotated list (an activity's attendance figures are correlated subqueries) is counted over its ids:
    computing the annotations for every counted row made the activity list 242 ms at city scale."""
    from django.db import connection
    from django.db.models import Count, OuterRef, Subquery
    from django.test.utils import CaptureQueriesContext

    from proposals.models import Cosigner

    per_proposal = Cosigner.objects.filter(proposal=OuterRef("pk")).values("proposal").annotate(n=Count("id"))
    annotated = _mine(users).annotate(n_cosigners=Subquery(per_proposal.values("n")))
    with CaptureQueriesContext(connection) as queries:
        assert pagination.CappedPaginator(annotated, 5).count == 12
    (count,) = [q["sql"] for q in queries.captured_queries]
    assert "COUNT(*)" in count and "proposals_cosigner" not in count


def test_a_grouped_list_counts_its_groups(users, proposals):
    """Per-person figures (a values().annotate() list, as the attendance summary) count persons, not rows."""
    from django.db.models import Count

    from proposals.models import Proposal

    per_author = Proposal.objects.values("author_id").annotate(n=Count("id")).order_by("author_id")
    assert pagination.CappedPaginator(per_author, 5).count == 1


@pytest.mark.parametrize("per_page, orphans", [(5, 0), (5, 2), (20, 0)])
def test_a_page_found_by_its_ids_first_holds_the_same_rows_in_the_same_order(
    users, proposals, per_page, orphans
):
    """`ids_first` (the proposal list: a search matching thousands joins only a page of them) changes how the
    page is read, never what it holds."""
    from proposals.models import Proposal

    rows = (
        Proposal.objects.filter(author=users["member"].person)
        .select_related("author")
        .order_by("title", "id")
    )
    plain = pagination.CappedPaginator(rows, per_page, orphans=orphans)
    narrow = pagination.CappedPaginator(rows, per_page, orphans=orphans, ids_first=True)
    assert narrow.num_pages == plain.num_pages > 0
    for number in plain.page_range:
        expected = [p.title for p in plain.page(number)]
        with CaptureQueriesContext(connection) as queries:
            got = narrow.page(number)
            titles = [p.title for p in got]
        assert "IN (SELECT" in queries[0]["sql"]
        assert titles == expected and got[0].author.name


def test_the_proposal_list_pages_by_ids_first_newest_first(client, users, proposals):
    client.force_login(users["member"])
    html = client.get(reverse("proposals:list") + "?per_page=20").content.decode()
    assert html.index("关于第11项") < html.index("关于第10项") < html.index("关于第0项")
    assert "共 12 件" in html and all(f"关于第{i}项" in html for i in range(12))


@pytest.mark.parametrize("extra, queries_expected", [(0, 1), (1, 2)])
def test_a_first_page_that_holds_the_whole_list_is_not_counted(users, proposals, extra, queries_expected):
    """The first page reads one row more than it shows: a list that fits is not counted (one query), one row
    more and it is (two). Either way the page and the total are right."""
    from proposals.models import Proposal

    rows = Proposal.objects.filter(author=users["member"].person).order_by("title", "id")
    total = rows.count()
    with CaptureQueriesContext(connection) as queries:
        page = pagination.CappedPaginator(rows, total - extra).page("1")
        shown = list(page)
    assert len(queries) == queries_expected
    assert "COUNT" in queries[-1]["sql"] if extra else "COUNT" not in queries[0]["sql"]
    assert page.paginator.count == total and page.paginator.num_pages == 1 + extra
    assert [p.pk for p in shown] == [p.pk for p in rows[: total - extra]]
    assert page.has_next() is bool(extra)
