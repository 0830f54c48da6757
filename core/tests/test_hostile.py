"""Guard 3 (issue 11): the hostile-input corpus (`core/tests/hostile/`) against API writes, the public citizen
form, searches and uploads: each answered without a server error, nothing stored with characters an export
cannot hold, nothing executing in a page, and no live formula in an export."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import load_workbook

from core.errors import DomainError
from core.text import clean_text
from core.uploads import EXCEL, IMAGE, OFFICE, PDF, validate_upload
from ideas.models import Idea
from ideas.tests.test_views import SUBMIT, _form
from opinions.models import OpinionReport
from proposals.models import Attachment
from proposals.tests.factories import draft

from .hostile import STRINGS, files

pytestmark = pytest.mark.django_db
LIVE_SCRIPT = re.compile(r"<script>alert|<img src=x onerror|<svg/onload")
SAFE_EXTENSIONS = {"pdf", "docx", "xlsx", "xlsm", "pptx", "zip", "doc", "xls", "ppt", "png", "jpg"}


# A form or a URL travels as UTF-8 bytes, so a lone surrogate can only arrive in JSON (\ud800 escapes).
AS_BYTES = [t for t in STRINGS if not re.search("[\ud800-\udfff]", t)]


def _storable(text: str) -> bool:
    return clean_text(text) == text


def test_every_hostile_string_through_an_api_write_a_page_and_the_export(client, users):
    client.force_login(users["member"])
    for text in STRINGS:
        body = {"title": text, "situation": text, "analysis": "分析", "suggestion": "建议"}
        response = client.post("/api/v1/opinion-reports", body, content_type="application/json")
        assert response.status_code in (201, 400, 422), (text[:40], response.content[:200])
    stored = list(OpinionReport.objects.all())
    assert len(stored) > len(STRINGS) // 2
    for report in stored:
        assert _storable(report.title) and _storable(report.situation)
        page = client.get(reverse("opinions:detail", args=[report.pk]))
        assert page.status_code == 200 and not LIVE_SCRIPT.search(page.content.decode())
        client.post(f"/api/v1/opinion-reports/{report.pk}/transition", {"target": "submitted"},
                    content_type="application/json")  # fmt: skip
    client.force_login(users["staff"])
    export = client.get(reverse("opinions:export"))
    assert export.status_code == 200
    sheet = load_workbook(io.BytesIO(export.content)).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert cells and all(c.data_type != "f" for c in cells)


def test_every_hostile_string_through_the_public_citizen_form(client, orgs):
    for i, text in enumerate(AS_BYTES):
        data = _form(client, title=text[:200], body=text, citizen_name=text[:60])
        response = client.post(SUBMIT, data, REMOTE_ADDR=f"10.1.{i // 250}.{i % 250}")
        assert response.status_code in (302, 400), (text[:40], response.status_code)
        assert not LIVE_SCRIPT.search(response.content.decode())
    assert Idea.objects.count() >= 10  # the rest refused with a message (empty, too long …)
    for idea in Idea.objects.all():
        assert _storable(idea.title) and _storable(idea.body) and _storable(idea.citizen_name)


@pytest.mark.parametrize("url", ["/proposals/", "/members/", "/api/v1/proposals", "/public/ideas/status/"])
def test_every_hostile_string_as_a_search(client, users, url):
    client.force_login(users["staff"])
    for text in AS_BYTES:
        response = client.get(url, {"code" if "status" in url else "q": text[:2000]})
        assert response.status_code < 500 and not LIVE_SCRIPT.search(response.content.decode())


@pytest.mark.parametrize("kinds", [(IMAGE, PDF, OFFICE), (EXCEL,), (IMAGE,)])
def test_every_hostile_file_is_refused_in_chinese_or_stored_under_a_safe_name(kinds):
    for name, content in files().items():
        try:
            result = validate_upload(SimpleUploadedFile(name, content, content_type="text/html"), kinds=kinds)
        except DomainError as exc:
            assert re.search(r"[\u4e00-\u9fff]", exc.message)
        else:
            assert result.name.rsplit(".", 1)[-1] in SAFE_EXTENSIONS and _storable(result.name)


def test_every_hostile_file_through_the_attachment_form(client, users):
    proposal = draft(users)
    client.force_login(users["member"])
    url = reverse("proposals:act", args=[proposal.pk, "attach"])
    for name, content in files().items():
        response = client.post(url, {"attach-file": SimpleUploadedFile(name, content)})
        assert response.status_code < 500, name
    assert Attachment.objects.exists()
    for att in Attachment.objects.all():
        assert att.name.rsplit(".", 1)[-1] in SAFE_EXTENSIONS and _storable(att.name)
