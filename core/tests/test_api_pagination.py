"""The API's lists count their rows up to `COUNT_CAP`, as the pages do (`core.api.CappedLimitOffsetPagination`,
`core.pagination.capped_count`): counting 300,000 visible proposals cost the proposal list a second at province
scale. Beyond the cap `count` stops there and `count_capped` says so; `items` and `offset` are unchanged."""

import pytest
from asgiref.sync import async_to_sync
from django.db import connection
from django.test.utils import CaptureQueriesContext

from conftest import login_client
from core.api import CappedLimitOffsetPagination

pytestmark = pytest.mark.django_db

URL = "/api/v1/proposals"


@pytest.fixture
def five(users):
    """Five drafts of the member, newest first as the list shows them."""
    from proposals.tests import factories as f

    drafts = [f.draft(users, title=f"关于第{i}项工作的提案") for i in range(5)]
    return [p.pk for p in reversed(drafts)]


def _list(client, **params):
    response = client.get(URL, {"mine": True, **params})
    assert response.status_code == 200, response.content
    return response.json()


def test_below_the_cap_the_api_counts_exactly(client, users, five):
    body = _list(login_client(client, users["member"]))
    assert body["count"] == 5 and body["count_capped"] is False
    assert [item["id"] for item in body["items"]] == five


def test_beyond_the_cap_the_count_stops_and_says_so_but_offsets_still_reach_every_row(
    client, users, five, monkeypatch
):
    monkeypatch.setattr(CappedLimitOffsetPagination, "cap", 3)
    login_client(client, users["member"])
    body = _list(client)
    assert body["count"] == 3 and body["count_capped"] is True
    assert [item["id"] for item in body["items"]] == five
    beyond = _list(client, offset=3, limit=2)
    assert [item["id"] for item in beyond["items"]] == five[3:] and beyond["count_capped"] is True
    assert [item["id"] for item in _list(client, offset=4, limit=10)["items"]] == five[4:]


def test_exactly_the_cap_is_not_capped(client, users, five, monkeypatch):
    monkeypatch.setattr(CappedLimitOffsetPagination, "cap", 5)
    body = _list(login_client(client, users["member"]))
    assert body["count"] == 5 and body["count_capped"] is False


def test_the_count_is_one_capped_query_over_ids_whatever_the_cap(client, users, five, monkeypatch):
    """The proposal list's count reads at most cap + 1 ids (no annotation, no ordering), and capping adds no
    query: the same number of queries with the cap above or below the list."""
    login_client(client, users["member"])
    _list(client)  # warm-up: content types, the current term
    with CaptureQueriesContext(connection) as exact:
        _list(client)
    monkeypatch.setattr(CappedLimitOffsetPagination, "cap", 3)
    with CaptureQueriesContext(connection) as capped:
        assert _list(client)["count_capped"] is True
    assert len(capped.captured_queries) == len(exact.captured_queries)
    (count,) = [q["sql"] for q in capped.captured_queries if "COUNT(" in q["sql"]]
    assert "LIMIT 4" in count and "ORDER BY" not in count


def _paginate(rows, *, cap, limit=2, offset=0):
    pagination = CappedLimitOffsetPagination()
    pagination.cap = cap
    result = pagination.paginate_queryset(rows, pagination.Input(limit=limit, offset=offset), request=None)
    return result["count"], result["count_capped"], list(result["items"])


def test_a_grouped_list_counts_its_groups_and_an_annotated_one_its_rows(users, five):
    from django.db.models import Count, OuterRef, Subquery

    from proposals.models import Cosigner, Proposal

    per_author = Proposal.objects.values("author_id").annotate(n=Count("id")).order_by("author_id")
    assert _paginate(per_author, cap=3)[:2] == (1, False)
    assert _paginate(per_author, cap=0)[:2] == (0, True)
    per_proposal = Cosigner.objects.filter(proposal=OuterRef("pk")).values("proposal").annotate(n=Count("id"))
    annotated = Proposal.objects.annotate(n_cosigners=Subquery(per_proposal.values("n"))).order_by("-id")
    assert _paginate(annotated, cap=10) == (5, False, list(annotated[:2]))
    assert _paginate(annotated, cap=3, offset=3)[:2] == (3, True)


def test_a_list_of_rows_already_read_counts_exactly():
    """A list (the statistics table's rows) is in memory already: its length is the count."""
    assert _paginate(list(range(5)), cap=3, offset=4) == (5, False, [4])


def test_the_async_count_is_the_same_rule(users, five):
    from proposals.models import Proposal

    pagination = CappedLimitOffsetPagination()
    pagination.cap = 3
    rows = Proposal.objects.order_by("-id")
    result = async_to_sync(pagination.apaginate_queryset)(
        rows, pagination.Input(limit=2, offset=3), request=None
    )
    assert (result["count"], result["count_capped"]) == (3, True)
    assert [p.pk for p in result["items"]] == five[3:]


def test_every_api_list_says_in_the_schema_whether_its_count_is_capped(client):
    """Each paginated response (a schema with `items` and `count`) also has `count_capped`, required: a list
    left on ninja's own LimitOffsetPagination would count every row again."""
    schema = client.get("/api/v1/openapi.json").json()
    components = schema["components"]["schemas"]
    paged = {}
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            ref = operation.get("responses", {}).get("200", {}).get("content", {}).get("application/json", {})
            name = ref.get("schema", {}).get("$ref", "").rsplit("/", 1)[-1]
            if {"items", "count"} <= set(components.get(name, {}).get("properties", {})):
                paged[f"{method.upper()} {path}"] = components[name]
    assert "GET /api/v1/proposals" in paged and len(paged) >= 14
    for operation, output in paged.items():
        assert output["properties"]["count_capped"]["type"] == "boolean", operation
        assert {"items", "count", "count_capped"} <= set(output["required"]), operation
