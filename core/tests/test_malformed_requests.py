"""Defects 2 and 8 (issue 11): malformed requests answer 400/413/422 with a Chinese message, never 500 — on the
pages (the error page) and on the API (a JSON body)."""

import io
import json
import tracemalloc

import pytest
from django.urls import reverse

from activities.tests.factories import ActivityFactory
from members.models import ImportBatch
from opinions.models import OpinionReport
from proposals.models import Attachment
from proposals.tests.factories import draft

pytestmark = pytest.mark.django_db
BIG = str(2**63)


@pytest.mark.parametrize(
    "url",
    [
        f"/proposals/?session={BIG}",
        f"/proposals/export.xlsx?unit={BIG}",
        f"/visits/requests/?owner={BIG}",
        f"/activities/?kind={BIG}",
        f"/visits/liaison/events/?organisation=-{BIG}0",
        "/opinions/?year=99999",
        "/visits/?year=0",
        f"/api/v1/proposals?session={BIG}",
        f"/api/v1/proposals?unit={BIG}",
        f"/api/v1/requests?owner={BIG}",
        f"/api/v1/activities?kind={BIG}",
        f"/api/v1/members?offset={BIG}",
        f"/api/v1/visits?limit=10&offset={BIG}",
        "/api/v1/activities?year=10000",
        "/api/v1/opinion-reports?year=" + "9" * 5000,
    ],
)
def test_an_out_of_range_number_in_a_filter_is_a_400_not_a_500(client, users, url):
    client.force_login(users["admin"])
    response = client.get(url)
    assert response.status_code == 400
    if url.startswith("/api/"):
        assert "超出范围" in response.json()["detail"]
    else:
        assert "超出范围" in response.content.decode()


def test_a_long_number_in_a_search_is_still_a_search(client, users):
    client.force_login(users["admin"])
    assert client.get(f"/proposals/?q={BIG}{BIG}").status_code == 200
    assert client.get(f"/api/v1/proposals?q={BIG}").status_code == 200


@pytest.mark.parametrize("url", ["/api/v1/opinion-reports", "/opinions/new/"])
def test_a_body_over_the_limit_is_a_413_before_it_is_read(client, users, settings, url):
    settings.TONGXIN_MAX_REQUEST_BYTES = 1000
    client.force_login(users["member"])
    response = client.post(url, {"title": "x" * 2000}, content_type="application/json")
    assert response.status_code == 413
    assert "请求过大" in response.content.decode()


MB = 1024 * 1024
BOUNDARY = "tongxin-200mb"


class GeneratedBody(io.RawIOBase):
    """A request body made chunk by chunk as the server reads it (never whole in memory); counts what was read."""

    def __init__(self, chunks):
        self._chunks, self._buffer, self.read_bytes = iter(chunks), b"", 0

    def readable(self):
        return True

    def readinto(self, target):
        while not self._buffer:
            self._buffer = next(self._chunks, None)
            if self._buffer is None:
                self._buffer = b""
                return 0
        n = min(len(target), len(self._buffer))
        target[:n], self._buffer = self._buffer[:n], self._buffer[n:]
        self.read_bytes += n
        return n

    def read(self, size=-1):
        """As a WSGI server's input: `size` bytes unless the body ends first (RawIOBase may return fewer)."""
        if size is None or size < 0:
            return self.readall()
        out = bytearray()
        while len(out) < size and (chunk := super().read(size - len(out))):
            out += chunk
        return bytes(out)


def _filler(size: int, head: bytes, tail: bytes):
    yield head
    left, block = size - len(head) - len(tail), b"0" * (64 * 1024)
    while left > 0:
        yield block[: min(left, len(block))]
        left -= len(block)
    yield tail


def _multipart(size: int, field: str, filename: str):
    head = (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{field}"; filename="{filename}"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()
    return _filler(size, head, f"\r\n--{BOUNDARY}--\r\n".encode())


def _json(size: int):
    return _filler(size, json.dumps({"title": "标题", "body": ""})[:-2].encode(), b'"}')


def _post(client, url, chunks, *, content_type, length: int | None):
    """POST through the whole middleware stack with `wsgi.input` the generated stream; the request's peak
    memory is measured too."""
    body = GeneratedBody(chunks)
    environ = {"wsgi.input": body, "CONTENT_TYPE": content_type}
    if length is None:
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    else:
        environ["CONTENT_LENGTH"] = str(length)
    tracemalloc.start()
    try:
        response = client.generic("POST", url, **environ)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    return response, body.read_bytes, peak


@pytest.fixture
def targets(client, users, settings, tmp_path):
    """The three doors a large body may knock at: the roster import page (staff), a proposal's attachment
    form (its author) and an API write (a member's public-opinion report); and what each would store."""
    settings.MEDIA_ROOT = tmp_path
    proposal = draft(users)
    multipart = f"multipart/form-data; boundary={BOUNDARY}"
    return {
        "roster": (
            users["staff"],
            reverse("members:import"),
            multipart,
            lambda n: _multipart(n, "file", "名册.xlsx"),
        ),
        "attachment": (
            users["member"],
            reverse("proposals:act", args=[proposal.pk, "attach"]),
            multipart,
            lambda n: _multipart(n, "attach-file", "附件.pdf"),
        ),
        "api": (users["member"], "/api/v1/opinion-reports", "application/json", _json),
    }


def _stored(tmp_path):
    return (
        ImportBatch.objects.count(),
        Attachment.objects.count(),
        OpinionReport.objects.count(),
        [p for p in tmp_path.rglob("*") if p.is_file()],
    )


@pytest.mark.parametrize("door", ["roster", "attachment", "api"])
def test_a_real_200_mb_body_is_a_413_before_a_byte_of_it_is_read(client, targets, tmp_path, door):
    user, url, content_type, chunks = targets[door]
    client.force_login(user)
    response, read, peak = _post(client, url, chunks(200 * MB), content_type=content_type, length=200 * MB)
    assert response.status_code == 413
    message = "请求过大（200.0 MB），上限为 21 MB。"
    if door == "api":
        assert response.json() == {"detail": message}
    else:
        assert message in response.content.decode()
    assert read <= 4 * MB and peak < 16 * MB, (read, peak)
    assert _stored(tmp_path) == (0, 0, 0, [])


@pytest.mark.parametrize("door", ["roster", "attachment", "api"])
def test_a_body_longer_than_its_content_length_is_read_only_that_far(client, targets, tmp_path, door):
    """A client that declares 1 MB and sends 200: the server stops at 1 MB; the cut body stores nothing."""
    user, url, content_type, chunks = targets[door]
    client.force_login(user)
    response, read, _ = _post(client, url, chunks(200 * MB), content_type=content_type, length=MB)
    assert read == MB
    assert response.status_code in (200, 302, 400, 422)
    assert _stored(tmp_path) == (0, 0, 0, [])


@pytest.mark.parametrize("door", ["roster", "attachment", "api"])
def test_a_chunked_body_without_content_length_is_a_411_not_a_silent_empty_form(
    client, targets, tmp_path, door
):
    """gunicorn accepts `Transfer-Encoding: chunked` and passes the body on without CONTENT_LENGTH; Django would
    read none of it (the upload would vanish and the form say "required"), so it is refused in Chinese."""
    user, url, content_type, chunks = targets[door]
    client.force_login(user)
    response, read, _ = _post(client, url, chunks(200 * MB), content_type=content_type, length=None)
    assert response.status_code == 411
    assert "不支持分块传输" in response.content.decode()
    assert read == 0
    assert _stored(tmp_path) == (0, 0, 0, [])


def test_the_request_limit_is_one_upload_and_its_form(settings):
    assert settings.TONGXIN_MAX_REQUEST_BYTES == settings.TONGXIN_MAX_UPLOAD_BYTES + 1024 * 1024


@pytest.mark.parametrize("url", ["/api/v1/members/import", "/members/import/"])
def test_a_multipart_body_without_boundary_is_a_400(client, users, url):
    client.force_login(users["staff"])
    response = client.generic("POST", url, b"--x\r\nbroken", content_type="multipart/form-data")
    assert response.status_code == 400
    assert "格式不正确" in response.content.decode()


def test_null_for_an_activitys_place_is_a_422_and_nothing_changes(client, users):
    activity = ActivityFactory(owner_org=users["staff"].organisation, place="礼堂")
    client.force_login(users["staff"])
    url = f"/api/v1/activities/{activity.pk}"
    response = client.patch(url, {"place": None}, content_type="application/json")
    assert response.status_code == 422
    assert "place 不能为 null" in response.json()["detail"]
    activity.refresh_from_db()
    assert activity.place == "礼堂"
    # A field that may be emptied still takes null.
    response = client.patch(url, {"quota": None}, content_type="application/json")
    assert response.status_code == 200, response.content


def test_nothing_here_needs_a_login_to_be_refused_politely(client):
    assert client.get(reverse("ideas_public:lookup"), {"year": BIG}).status_code == 400
