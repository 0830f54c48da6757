"""Issue 11, guard 1: the permission matrix (`permission_matrix.py`) walked for every route and every role.

(a) every URL pattern has an entry; (b) each parameter-free route answers each role's GET as the table says;
(c) on objects of another organisation (concerning another member) no role but admin gets the page."""

import pytest
from django.urls import URLResolver, get_resolver, reverse

from core.tests import permission_matrix as matrix

# What a role without access may get on another body's object: never a validation answer (422), which would mean
# the input was checked before the permission (issue 11 defect 9).
FORBIDDEN = {401, 403, 404, 405}


def _routes(patterns=None, namespace=""):
    """(name, pattern) for every URL pattern of the project, API operations included."""
    for p in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(p, URLResolver):
            ns = f"{namespace}:{p.namespace}".strip(":") if p.namespace else namespace
            yield from _routes(p.url_patterns, ns)
        else:
            yield (f"{namespace}:{p.name}" if namespace else p.name or str(p.pattern)), p


def _status(client, url) -> object:
    response = client.get(url)
    if response.status_code == 302 and "/accounts/login/" in response["Location"]:
        return matrix.LOGIN
    return response.status_code


def _url(name, kwargs, obj, patterns) -> str:
    if kwargs is None:
        (param,) = patterns[name].pattern.regex.groupindex
        return reverse(name, kwargs={param: obj.pk})
    return reverse(name, kwargs=kwargs(obj))


def _client_for(client, users, role):
    if role != "anonymous":
        client.force_login(users[role])
    return client


def test_every_route_has_an_entry():
    """A new route without a row in the matrix (or a reason in NOT_WALKED) fails here. Its writes are walked
    too (`test_permission_matrix_writes.py`): every row here is POSTed, API operations with their methods."""
    names = {name for name, _ in _routes()}
    listed = set(matrix.PAGES) | set(matrix.OBJECTS) | matrix.TOKEN_ROUTES | set(matrix.NOT_WALKED)
    assert sorted(names - listed) == []
    assert sorted(listed - names) == [], "matrix rows for routes that no longer exist"
    assert not set(matrix.PAGES) & set(matrix.OBJECTS)
    assert not (set(matrix.PAGES) | set(matrix.OBJECTS)) & (matrix.TOKEN_ROUTES | set(matrix.NOT_WALKED))
    for name, pattern in _routes():
        if name in matrix.PAGES:
            assert not pattern.pattern.regex.groups, f"{name} takes parameters: it belongs in OBJECTS"


@pytest.mark.parametrize("role", matrix.ROLES)
def test_pages_answer_each_role_as_the_matrix_says(client, users, role):
    client = _client_for(client, users, role)
    wrong = {}
    for name, expected in matrix.PAGES.items():
        got = _status(client, reverse(name))
        if got != expected[role]:
            wrong[name] = f"expected {expected[role]}, got {got}"
    if wrong:
        pytest.fail(f"{role}: {wrong}")


@pytest.mark.parametrize("role", matrix.ROLES)
def test_no_role_but_admin_opens_another_bodys_objects(client, orgs, users, role):
    objects = matrix.foreign_objects(orgs, users)
    patterns = dict(_routes())
    client = _client_for(client, users, role)
    wrong = {}
    for name, (kind, kwargs) in matrix.OBJECTS.items():
        got = _status(client, _url(name, kwargs, objects[kind], patterns))
        if role == "admin" and name in matrix.ADMIN_EXPECTED:
            ok = got == matrix.ADMIN_EXPECTED[name][0]
        elif role == "admin":
            ok = got in (200, 302, 405)  # admin sees every body's records
        elif role == "anonymous":
            ok = got in (matrix.LOGIN, 401, 405)
        elif role in matrix.VISIBLE_OBJECTS.get(name, ()):
            ok = got in (200, 302, 405)
        else:
            ok = got in FORBIDDEN
        if not ok:
            wrong[name] = got
    if wrong:
        pytest.fail(f"{role}: {wrong}")


@pytest.mark.parametrize("role", matrix.PERSON_ROLES)
def test_no_member_opens_another_members_records(client, orgs, users, role):
    """Same committee, another member's person record, proposal draft, opinion, request, invitation, donation."""
    objects = matrix.other_member_objects(orgs, users)
    patterns = dict(_routes())
    client = _client_for(client, users, role)
    walked, wrong = 0, {}
    for name, (kind, kwargs) in matrix.OBJECTS.items():
        if kind not in matrix.MEMBER_OWNED_KINDS:
            continue
        walked += 1
        got = _status(client, _url(name, kwargs, objects[kind], patterns))
        if got not in FORBIDDEN:
            wrong[name] = got
    assert walked > 50
    if wrong:
        pytest.fail(f"{role}: {wrong}")


def test_the_owning_body_opens_its_own_objects(client, orgs, users):
    """The control: the walked objects are real and reachable — their own body's staff open their pages, so the
    refusals above are about the owner, not about broken URLs."""
    objects = matrix.foreign_objects(orgs, users)
    patterns = dict(_routes())
    client = _client_for(client, users, "other_staff")
    opened = {
        name
        for name, (kind, kwargs) in matrix.OBJECTS.items()
        if name in matrix.OWNER_OPENS and _status(client, _url(name, kwargs, objects[kind], patterns)) == 200
    }
    assert opened == matrix.OWNER_OPENS
