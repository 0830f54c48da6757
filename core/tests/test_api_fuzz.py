"""Guard 2 (issue 11): schemathesis generates requests for every operation of /api/v1/ from its OpenAPI
document, as staff and as a member, and no answer is a server error. Bounded (a few examples per operation,
derandomised) so the whole run stays within about a minute."""

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck
from hypothesis import settings as hypothesis_settings

from accounts.models import ApiToken

EXAMPLES = 2


def _schema():
    from tongxin.api import api

    schemathesis.experimental.OPEN_API_3_1.enable()  # django-ninja writes OpenAPI 3.1

    return schemathesis.from_dict(api.get_openapi_schema(path_prefix="/api/v1"), app=get_wsgi_application())


schema = schemathesis.from_pytest_fixture("api_schema")


@pytest.fixture(scope="session")
def api_schema():
    return _schema()


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """The WSGI handler closes the database connection after each request (as in production); inside a test
    transaction that would close the test's own connection on PostgreSQL. Django's test client disconnects the
    same signal handlers; so do we, for schemathesis' WSGI calls."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(users):
    return {role: ApiToken.issue(users[role])[1] for role in ("staff", "member")}


@schema.parametrize()
@hypothesis_settings(
    max_examples=EXAMPLES, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck)
)
@pytest.mark.django_db
def test_no_operation_answers_a_server_error(case, tokens):
    for role, token in tokens.items():
        response = case.call_wsgi(headers={"Authorization": f"Bearer {token}"})
        assert response.status_code < 500, (role, case.method, case.formatted_path, response.data[:500])


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
