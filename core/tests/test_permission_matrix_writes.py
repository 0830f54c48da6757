"""Issue 11, guard 1, the writes: every route of the permission matrix POSTed (API operations with each method they
declare: POST, PATCH, PUT, DELETE) by every role but admin.

(a) on objects of another organisation, and on another member's own records, every write is refused (401, 403,
    404, 405 or the sign-in page) — never a validation answer, which would mean the input was looked at before
    the permission (issue 11 defect 9) — and the database holds exactly what it held before;
(b) on parameter-free routes, a role refused the GET is refused the POST the same way (the matrix's PAGES row), the
    database unchanged; a role allowed the GET gets anything but a 5xx;
(c) the control: the owning body's staff POSTing the same body gets a validation answer or the write itself;
(d) the token routes (calendar feed, QR check-in): made-up, tampered and other people's tokens are refused
    without showing anything, the real token works.

API bodies are the smallest body each operation's schema accepts (`example_body`), so that a refusal is never
the body's fault. Then (e) every API write is sent again with a body no operation accepts (`MALFORMED`): the
permission is checked before the body is parsed (`core.api.permission_first`), so the refusal is the same — never
django-ninja's 422 — and a write to an id that does not exist is a 404 whatever the body."""

import datetime as dt
import inspect
import json

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from core.tests import permission_matrix as matrix
from core.tests.test_permission_matrix import FORBIDDEN, _client_for, _routes, _url

WRITERS = tuple(role for role in matrix.ROLES if role != "admin")
REFUSED = FORBIDDEN | {matrix.LOGIN}

# What a refused request may legitimately write, each with its reason. Everything else must be as it was.
UNCHANGED_EXCEPT = {
    "sessions.session": "signing in the test client writes a session",
    "axes.accessattempt": "django-axes records sign-in attempts",
    "axes.accesslog": "django-axes records sign-ins",
    "axes.accessfailurelog": "django-axes records failed sign-ins",
    "core.sensitiveaccesslog": "who asked for sensitive personal data is logged even when refused",
}


# ---------------------------------------------------------------------------------------------------------------
# The requests


def _operation(pattern, name):
    """The django-ninja operation behind an API route name (None for the schema and docs pages)."""
    path_view = next(
        (
            c.cell_contents
            for c in getattr(inspect.unwrap(pattern.callback), "__closure__", None) or ()
            if hasattr(c.cell_contents, "operations")
        ),
        None,
    )
    if path_view is None:
        return None
    (operation,) = [op for op in path_view.operations if op.view_func.__name__ == name.removeprefix("api:")]
    return operation


def _example(schema: dict, defs: dict):
    """The smallest value `schema` (JSON schema) accepts: required properties only, realistic scalars."""
    if "$ref" in schema:
        return _example(defs[schema["$ref"].rsplit("/", 1)[1]], defs)
    if "anyOf" in schema:
        return _example(next(s for s in schema["anyOf"] if s.get("type") != "null"), defs)
    if "enum" in schema:
        return schema["enum"][0]
    kind = schema.get("type")
    if kind == "object":
        return {key: _example(schema["properties"][key], defs) for key in schema.get("required", ())}
    if kind == "array":
        return [_example(schema["items"], defs) for _ in range(schema.get("minItems", 0))]
    if kind == "string":
        fmt = schema.get("format")
        if fmt == "date":
            return timezone.localdate().isoformat()
        if fmt == "date-time":
            return (timezone.now() + dt.timedelta(days=7)).isoformat()
        return "矩阵检查"
    if kind == "boolean":
        return True
    if kind in ("integer", "number"):
        return max(schema.get("minimum", 1), 1)
    raise AssertionError(f"no example for {schema}")


def example_body(operation) -> tuple[dict, dict]:
    """(JSON body, multipart files and fields) the operation's schema accepts, with only what it requires."""
    body, multipart = {}, {}
    for model in operation.models:
        source = getattr(model, "__ninja_param_source__", "")
        schema = model.model_json_schema()
        defs = schema.get("$defs", {})
        if source == "body":
            (param,) = schema["properties"]  # one body parameter per operation: django-ninja flattens it
            body = _example(schema["properties"][param], defs)
        elif source == "file":
            multipart.update(
                {key: SimpleUploadedFile("名册.xlsx", b"PK\x03\x04") for key in schema["required"]}
            )
        elif source == "form":
            multipart.update({key: str(_example(prop, defs)) for key, prop in schema["properties"].items()})
    return body, multipart


def writes(name: str, pattern) -> list[tuple[str, dict, dict]]:
    """(method, JSON body, multipart) for each write the route takes: its operation's methods for the API, else
    a POST with an empty form (a GET-only page answers 405, which counts as refused)."""
    operation = _operation(pattern, name) if name.startswith("api:") else None
    if operation is None:
        return [("POST", {}, {})]
    body, multipart = example_body(operation)
    return [(method, body, multipart) for method in operation.methods if method != "GET"]


# No operation's body is a JSON array: parsed before the permission, it would be a 422.
MALFORMED = '["不是对象"]'


def malformed_writes(name: str, pattern) -> list[tuple[str, str, dict]]:
    """(method, MALFORMED, no multipart) for each write of an API operation; nothing for pages."""
    operation = _operation(pattern, name) if name.startswith("api:") else None
    if operation is None:
        return []
    return [(method, MALFORMED, {}) for method in operation.methods if method != "GET"]


def both_bodies(name: str, pattern) -> list:
    """The walk's writes with the smallest valid body, then each API write again with `MALFORMED` (section (e)):
    the refusal must not depend on the body."""
    return writes(name, pattern) + malformed_writes(name, pattern)


def request(client, method: str, url: str, body: dict | str, multipart: dict):
    if isinstance(body, str):
        return client.generic(method, url, body, content_type="application/json")
    if multipart:
        return client.post(url, multipart)
    if url.startswith("/api/"):
        return client.generic(method, url, json.dumps(body), content_type="application/json")
    return client.post(url, body)


def send(client, method: str, url: str, body: dict | str, multipart: dict):
    response = request(client, method, url, body, multipart)
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return matrix.LOGIN
    return response.status_code


# ---------------------------------------------------------------------------------------------------------------
# The database before and after


def _snapshot() -> dict[str, list]:
    """Every row of every table (history tables included), but those a refused request may write."""
    return {
        model._meta.label_lower: list(model._base_manager.order_by("pk").values_list())
        for model in apps.get_models(include_auto_created=True)
        if model._meta.managed and not model._meta.proxy and model._meta.label_lower not in UNCHANGED_EXCEPT
    }


def _changed(before: dict, after: dict) -> list[str]:
    return sorted(label for label in before if before[label] != after[label])


def test_the_snapshot_sees_an_update_without_a_new_row(orgs):
    """The "nothing changed" check compares rows, not counts: an edited name (history row aside) shows."""
    from organisations.models import Organisation

    before = _snapshot()
    Organisation.objects.filter(pk=orgs.committee.pk).update(name="改名")  # no history row: .update()
    assert _changed(before, _snapshot()) == ["organisations.organisation"]


def _walk(client, role, routes, objects, expect, bodies=writes) -> dict:
    """Send every write of `routes` ({name: (kind, kwargs)}) on `objects`; {request: status} that `expect` refuses."""
    patterns = dict(_routes())
    wrong = {}
    for name, (kind, kwargs) in routes.items():
        url = _url(name, kwargs, objects[kind], patterns)
        for method, body, multipart in bodies(name, patterns[name]):
            got = send(client, method, url, body, multipart)
            if not expect(name, got):
                wrong[f"{method} {name}"] = got
    return wrong


def _refused_by(role):
    """Anonymous meets the sign-in page (or the API's 401); everyone else a 403, 404 or 405."""
    allowed = {matrix.LOGIN, 401, 405} if role == "anonymous" else FORBIDDEN

    def expect(name, got):
        if role in matrix.WRITABLE_OBJECTS.get(name, ()):
            return isinstance(got, str) or got < 500
        return got in allowed

    return expect


# ---------------------------------------------------------------------------------------------------------------
# (a) objects of another body, another member's records


@pytest.mark.parametrize("role", WRITERS)
def test_no_role_but_admin_writes_to_another_bodys_objects(client, orgs, users, role):
    objects = matrix.foreign_objects(orgs, users)
    client = _client_for(client, users, role)
    before = _snapshot()
    wrong = _walk(client, role, matrix.OBJECTS, objects, _refused_by(role), bodies=both_bodies)
    assert not wrong, f"{role}: {wrong}"
    assert _changed(before, _snapshot()) == [], f"{role}'s refused writes changed the database"


@pytest.mark.parametrize("role", matrix.PERSON_ROLES)
def test_no_member_writes_to_another_members_records(client, orgs, users, role):
    objects = matrix.other_member_objects(orgs, users)
    routes = {name: row for name, row in matrix.OBJECTS.items() if row[0] in matrix.MEMBER_OWNED_KINDS}
    client = _client_for(client, users, role)
    before = _snapshot()
    wrong = _walk(client, role, routes, objects, lambda name, got: got in FORBIDDEN, bodies=both_bodies)
    assert not wrong, f"{role}: {wrong}"
    assert _changed(before, _snapshot()) == [], f"{role}'s refused writes changed the database"


def test_the_owning_body_gets_an_answer_to_the_same_writes(client, orgs, users):
    """The control: the owning body's staff POSTing the same bodies is answered on the input (a form with its
    errors, 400, 422) or does the write — so the refusals above are about the owner, not broken requests."""
    objects = matrix.foreign_objects(orgs, users)
    routes = {name: row for name, row in matrix.OBJECTS.items() if name in matrix.OWNER_WRITES}
    client = _client_for(client, users, "other_staff")
    wrong = _walk(client, "other_staff", routes, objects, lambda name, got: got in matrix.OWNER_WRITES[name])
    assert not wrong, str(wrong)
    assert len(routes) == len(matrix.OWNER_WRITES)


# ---------------------------------------------------------------------------------------------------------------
# (b) parameter-free routes


def _post_expected(name, role):
    """The POST's expected status for `role`: the POST_PAGES row, else the GET's refusal, else None (any but 5xx)."""
    if name in matrix.POST_PAGES:
        return matrix.POST_PAGES[name][role]
    got = matrix.PAGES[name][role]
    return got if got in REFUSED else None


@pytest.mark.parametrize("role", WRITERS)
def test_pages_refuse_writes_as_they_refuse_reads(client, users, role):
    client = _client_for(client, users, role)
    patterns = dict(_routes())
    refused, allowed = [], []
    for name in matrix.PAGES:
        for write in both_bodies(name, patterns[name]):
            (allowed if _post_expected(name, role) in (None, matrix.ANY) else refused).append((name, write))
    wrong = {}
    before = _snapshot()
    for name, (method, body, multipart) in refused:
        expected = _post_expected(name, role)
        got = send(client, method, reverse(name), body, multipart)
        # A GET-only page refuses every POST with 405, whoever asks.
        if got != expected and not (got == 405 and expected in REFUSED):
            wrong[f"{method} {name}"] = f"expected {expected}, got {got}"
    assert _changed(before, _snapshot()) == [], f"{role}'s refused writes changed the database"
    for name, (method, body, multipart) in allowed:
        client = _client_for(client, users, role)  # a write may sign out (accounts:logout)
        got = send(client, method, reverse(name), body, multipart)
        if got != matrix.LOGIN and got >= 500:
            wrong[f"{method} {name}"] = got
    assert not wrong, f"{role}: {wrong}"
    assert len(refused) + len(allowed) > 100


def test_the_walks_api_bodies_pass_every_schema(client, orgs, users):
    """Admin, who may write everywhere, never has a walk's API body refused by its schema (a 422 listing the
    fields in `errors`; a service's own 422 has only a `detail`), nor gets a 5xx: no refusal above is the body's
    fault. A new operation whose schema the smallest example cannot meet fails here: teach `_example` its rule."""
    objects = matrix.foreign_objects(orgs, users)
    patterns = dict(_routes())
    client = _client_for(client, users, "admin")
    urls = {name: _url(name, row[1], objects[row[0]], patterns) for name, row in matrix.OBJECTS.items()}
    urls.update({name: reverse(name) for name in matrix.PAGES})
    wrong, walked = {}, 0
    for name, url in urls.items():
        if not name.startswith("api:"):
            continue
        for method, body, multipart in writes(name, patterns[name]):
            walked += 1
            response = request(client, method, url, body, multipart)
            if response.status_code >= 500 or (response.status_code == 422 and "errors" in response.json()):
                wrong[f"{method} {name}"] = response.content.decode()[:200]
    assert not wrong, str(wrong)
    assert walked > 60


# ---------------------------------------------------------------------------------------------------------------
# (e) the permission before the body: the walks of (a) and (b) send every API write a second time with a body no
# operation accepts (`both_bodies`); here writes to records that do not exist


def _missing(pattern) -> dict:
    """URL kwargs naming no existing record: every parameter an id far beyond the rows created here."""
    return {param: 2**31 - 7 for param in pattern.pattern.regex.groupindex}


@pytest.mark.parametrize("body", ["valid", "malformed"])
def test_a_write_to_a_missing_record_is_404_whatever_the_body(client, users, body):
    """Admin, allowed everything, writing to an id that does not exist gets 404 — with a broken body too (the
    record is looked up before the body is parsed), never a 422 that would answer "exists" by its silence."""
    patterns = dict(_routes())
    client = _client_for(client, users, "admin")
    wrong, walked = {}, 0
    for name in matrix.OBJECTS:
        if not name.startswith("api:"):
            continue
        url = reverse(name, kwargs=_missing(patterns[name]))
        variants = writes(name, patterns[name]) if body == "valid" else malformed_writes(name, patterns[name])
        for method, data, multipart in variants:
            walked += 1
            got = send(client, method, url, data, multipart)
            if got != 404:
                wrong[f"{method} {name}"] = got
    assert not wrong, str(wrong)
    assert walked > 45


# ---------------------------------------------------------------------------------------------------------------
# (d) the token routes: the personal calendar feed and the QR check-in


def _tampered(token: str) -> str:
    """The token with its signature's last characters changed."""
    return token[:-2] + ("AA" if not token.endswith("AA") else "BB")


@pytest.fixture
def token_world(orgs, users):
    """The member's own activity starting now (invited), and another body's with a member of that body invited."""
    from accounts.tests.factories import UserFactory
    from activities.tests.factories import ActivityFactory, InvitationFactory
    from core.roles import Role
    from members.tests.factories import PersonFactory

    now = timezone.now()
    other_user = UserFactory(username="other_member", role=Role.MEMBER)
    invitees = {
        "own": (orgs.committee, "本会正在进行的活动", users["member"].person),
        "other": (orgs.other_committee, "另一委员会的保密活动", PersonFactory(owner_org=orgs.other_committee, user=other_user)),
    }  # fmt: skip
    world = {"other_user": other_user}
    for key, (org, title, person) in invitees.items():
        world[key] = ActivityFactory(
            owner_org=org, title=title, starts_at=now - dt.timedelta(minutes=10),
            ends_at=now + dt.timedelta(hours=2), signup_deadline=None,
        )  # fmt: skip
        InvitationFactory(activity=world[key], person=person)
    return world


@pytest.mark.parametrize("role", matrix.ROLES)
def test_calendar_feed_refuses_made_up_and_tampered_tokens(client, users, token_world, role):
    """The feed needs no session: whoever asks, a made-up, tampered or cross-used token (the QR code's) and the
    token of a deactivated account answer 404 and show nothing; the real token lists its own user's activities
    only — never another body's."""
    from activities import services
    from activities.views import feed_token

    client = _client_for(client, users, role)
    member, other_user = users["member"], token_world["other_user"]
    pk, rest = feed_token(member).split(".", 1)
    refused = {
        "made up": "42.nobody:c2lnbmF0dXJl",
        "tampered": _tampered(feed_token(member)),
        "another user's id under the member's signature": f"{other_user.pk}.{rest}",
        "the QR check-in code": services.check_in_token(token_world["own"]),
    }
    for case, token in refused.items():
        response = client.get(reverse("activities:feed", args=[token]))
        assert response.status_code == 404, case
        html = response.content.decode()
        assert "本会正在进行的活动" not in html and "另一委员会的保密活动" not in html, case

    response = client.get(reverse("activities:feed", args=[feed_token(member)]))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    text = response.content.decode()
    assert "本会正在进行的活动" in text and "另一委员会的保密活动" not in text

    other_user.is_active = False
    other_user.save(update_fields=["is_active"])
    assert client.get(reverse("activities:feed", args=[feed_token(other_user)])).status_code == 404


@pytest.mark.parametrize("role", WRITERS)
def test_qr_check_in_refuses_made_up_tampered_and_other_bodies_codes(client, users, token_world, role):
    """Scanning a made-up or tampered code answers 404, another body's activity's code 403 (or 404) — neither
    shows anything of an activity, nor checks anyone in; anonymous is sent to sign in."""
    from activities import services
    from activities.models import Invitation

    client = _client_for(client, users, role)
    own, other = token_world["own"], token_world["other"]
    cases = {
        "made up": ("1:forged:code", {404}),
        "tampered": (_tampered(services.check_in_token(own)), {404}),
        "another body's activity": (services.check_in_token(other), {403, 404}),
    }
    before = sorted(Invitation.objects.values_list("pk", "status"))
    for case, (token, statuses) in cases.items():
        for method in ("get", "post"):
            response = getattr(client, method)(reverse("activities:checkin", args=[token]))
            if role == "anonymous":
                assert "/accounts/login/" in response.get("Location", ""), case
                continue
            assert response.status_code in statuses, (case, method, response.status_code)
            html = response.content.decode()
            assert other.title not in html and other.place not in html and own.title not in html, (
                case,
                method,
            )
    assert sorted(Invitation.objects.values_list("pk", "status")) == before


def test_qr_check_in_with_the_real_code_checks_the_invited_member_in(client, users, token_world):
    """The control: the member invited to the activity scans its code and is checked in."""
    from activities import services
    from activities.models import InvitationStatus

    client = _client_for(client, users, "member")
    url = reverse("activities:checkin", args=[services.check_in_token(token_world["own"])])
    assert "本会正在进行的活动" in client.get(url).content.decode()
    assert "签到成功" in client.post(url).content.decode()
    assert token_world["own"].invitations.get().status == InvitationStatus.CHECKED_IN
