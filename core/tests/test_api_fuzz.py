"""Guard 2 (issue 11): schemathesis generates requests for every operation of /api/v1/ from its OpenAPI
document, as staff and as a member, and every answer matches the document: no server error, a declared status,
a declared content type (JSON, never an HTML page), a body that validates against the declared schema.
Bounded (a few examples per operation, derandomised) so the whole run stays within about a minute."""

import contextlib

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, assume
from hypothesis import settings as hypothesis_settings
from schemathesis import DataGenerationMethod
from schemathesis.checks import (
    content_type_conformance,
    not_a_server_error,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from accounts.models import ApiToken

EXAMPLES = 2
CHECKS = (
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
)


def _schema():
    schemathesis.experimental.OPEN_API_3_1.enable()  # django-ninja writes OpenAPI 3.1
    # The document as served (JSON: status codes as strings; with `from_dict` on ninja's Python dict the
    # integer status keys matched no answer and the status, content-type and body checks passed vacuously).
    return schemathesis.from_wsgi("/api/v1/openapi.json", get_wsgi_application())


# Requests that fit the document, and requests that break it (wrong types, a word where an id belongs, missing
# fields): those must be refused with a declared error in the declared JSON body, never an HTML page.
schema = schemathesis.from_pytest_fixture(
    "api_schema", data_generation_methods=[DataGenerationMethod.positive, DataGenerationMethod.negative]
)


@contextlib.contextmanager
def _without_connection_recycling():
    """The WSGI handler closes the database connection after each request (as in production); inside a test
    transaction that would close the test's own connection on PostgreSQL, and before the first test of a worker
    it would touch a connection that earlier tests opened while database access is blocked. Django's test client
    disconnects the same signal handlers; so do we, for schemathesis' WSGI calls."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


@pytest.fixture(scope="session")
def api_schema():
    with _without_connection_recycling():
        return _schema()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    with _without_connection_recycling():
        yield


@pytest.fixture
def tokens(users):
    return {role: ApiToken.issue(users[role])[1] for role in ("staff", "member")}


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
@pytest.mark.django_db
def test_every_answer_matches_the_openapi_document(case, tokens):
    # schemathesis 3 cannot serialise a multipart body that is not an object (an AttributeError in its own
    # code): such a case would never reach the API.
    assume(case.media_type != "multipart/form-data" or isinstance(case.body, dict))
    for token in tokens.values():
        response = case.call_wsgi(headers={"Authorization": f"Bearer {token}"})
        case.validate_response(response, checks=CHECKS)


@pytest.mark.django_db
def test_an_id_beyond_64_bits_in_a_body_is_a_422_not_an_overflow(client, users):
    """Found by the fuzzer: `visitor_ids: [2**64]` reached the database driver (OverflowError, a 500)."""
    client.force_login(users["staff"])
    response = client.post(
        "/api/v1/visits",
        {"date": "2025-03-01", "visitor_ids": [2**64], "person_ids": [1], "mode": "one_to_one"},
        content_type="application/json",
    )
    assert response.status_code == 422 and "数值超出范围" in response.content.decode()


DECLARED_ERRORS = {"401", "403", "404", "422"}


@pytest.mark.django_db
def test_every_operation_declares_its_error_answers_with_the_error_body(client):
    """A new operation gets 400/401/403/404/413/422 in the document by itself (tongxin.api); this fails if one
    were left out, or an error answer had no JSON body or no Chinese description."""
    document = client.get("/api/v1/openapi.json").json()
    operations = [(m, p, op) for p, methods in document["paths"].items() for m, op in methods.items()]
    assert len(operations) > 90
    for method, path, operation in operations:
        responses = operation["responses"]
        assert DECLARED_ERRORS <= responses.keys(), (method, path, sorted(responses))
        for status in DECLARED_ERRORS:
            assert _has_chinese(responses[status]["description"]), (method, path, status)
            schema = responses[status]["content"]["application/json"]["schema"]
            assert schema == {"$ref": "#/components/schemas/ErrorOut"}, (method, path, status)
    assert document["components"]["schemas"]["ErrorOut"]["required"] == ["detail"]


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@pytest.mark.parametrize(
    ("who", "method", "url", "body", "status"),
    [
        ("member", "post", "/api/v1/opinion-reports", "{not json", 400),
        (None, "get", "/api/v1/proposals", None, 401),
        ("member", "post", "/api/v1/organisations", {"name": "某机构", "kind": "association"}, 403),
        ("staff", "get", "/api/v1/proposals/999999", None, 404),
        # Found by the fuzzer: a path whose parameter is no number, and a path the API does not have, never reach
        # ninja; Django's error page (HTML) answered them.
        ("staff", "get", "/api/v1/members/abc", None, 404),
        ("staff", "get", "/api/v1/no-such-thing", None, 404),
        # Found by the fuzzer: ninja answered a method the path does not have with a bare text/html 405.
        ("staff", "delete", "/api/v1/members", None, 405),
        ("member", "post", "/api/v1/opinion-reports", {"situation": "缺少标题"}, 422),
    ],
)
@pytest.mark.django_db
def test_each_kind_of_error_is_json_with_a_chinese_detail(client, users, who, method, url, body, status):
    from core.api import ErrorOut

    if who:
        client.force_login(users[who])
    kwargs = {"content_type": "application/json"} if body is not None else {}
    response = (
        getattr(client, method)(url, body, **kwargs) if body is not None else getattr(client, method)(url)
    )
    assert response.status_code == status, response.content[:300]
    assert response["Content-Type"].startswith("application/json")
    error = ErrorOut.model_validate(response.json())
    assert _has_chinese(error.detail), error.detail
    if status == 405:
        assert "GET" in response["Allow"]
    if status == 422:
        assert error.errors and error.errors[0].field == "title"


@pytest.mark.django_db
def test_pages_keep_their_error_page(client, users):
    client.force_login(users["staff"])
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html") and "未找到该页面" in response.content.decode()
