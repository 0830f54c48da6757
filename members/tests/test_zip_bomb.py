"""Issue 11 defect 3: a small roster file that inflates to something huge is refused before it is parsed,
and a stored roster is parsed once however often its preview is opened."""

import io
import time
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook

from members import importer
from members.importer import ImportRefused, read_rows
from members.models import ImportBatch
from members.tests.rosters import messy_roster

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
NS = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'


def _with_sheet(write_sheet) -> bytes:
    """A valid workbook whose first sheet's XML is replaced by what `write_sheet(stream)` writes."""
    wb = Workbook()
    wb.active.append(["姓名"])
    plain = io.BytesIO()
    wb.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            if info.filename == "xl/worksheets/sheet1.xml":
                with dst.open("xl/worksheets/sheet1.xml", "w") as part:
                    write_sheet(part)
            else:
                dst.writestr(info, src.read(info.filename))
    return out.getvalue()


def _wide(rows: int, cols: int, dimension: str):
    def write(part):
        dim = f'<dimension ref="{dimension}"/>' if dimension else ""
        part.write(f"<worksheet {NS}>{dim}<sheetData>".encode())
        for r in range(1, rows + 1):
            part.write(
                f'<row r="{r}">'.encode() + b'<c t="inlineStr"><is><t>x</t></is></c>' * cols + b"</row>"
            )
        part.write(b"</sheetData></worksheet>")

    return write


def _huge_string(megabytes: int):
    def write(part):
        part.write(
            f'<worksheet {NS}><dimension ref="A1:A1"/><sheetData><row r="1"><c t="inlineStr"><is><t>'.encode()
        )
        chunk = b"a" * 1048576
        for _ in range(megabytes):
            part.write(chunk)
        part.write(b"</t></is></c></row></sheetData></worksheet>")

    return write


def _refused(data: bytes, match: str) -> float:
    start = time.monotonic()
    with pytest.raises(ImportRefused, match=match):
        read_rows(data, "名册.xlsx")
    return time.monotonic() - start


def test_a_sheet_declaring_16384_columns_is_refused_before_parsing():
    data = _with_sheet(_wide(20, 16384, "A1:XFD20"))
    assert len(data) < 200_000  # small on disk, hundreds of thousands of cells inside
    assert _refused(data, "声明了 16,384 列") < 5


def test_a_sheet_hiding_its_width_is_stopped_while_reading():
    data = _with_sheet(_wide(20, 16384, ""))  # no dimension: the cells read are counted
    _refused(data, "列数或单元格数超过上限")


def test_a_sheet_understating_its_width_is_read_only_as_wide_as_it_says():
    _title, rows = read_rows(_with_sheet(_wide(20, 16384, "A1:C20")), "名册.xlsx")
    assert len(rows) == 20 and max(len(r) for r in rows) == 3  # no 16,384-cell rows held in memory


def test_a_huge_inline_string_is_refused_by_its_inflated_size():
    data = _with_sheet(_huge_string(60))
    assert len(data) < 500_000
    assert _refused(data, "解压后约 60 MB") < 5


def test_the_upload_page_refuses_a_bomb_and_stores_nothing(client_for, users, term):
    data = _with_sheet(_wide(20, 16384, "A1:XFD20"))
    response = client_for(users["staff"]).post(
        reverse("members:import"),
        {"file": SimpleUploadedFile("名册.xlsx", data, content_type=XLSX), "term": term.pk},
    )
    assert response.status_code == 200 and "超过 200 列的上限" in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_a_stored_roster_is_parsed_once_for_all_its_previews(client_for, users, term, monkeypatch):
    calls = []
    real = importer._read_rows
    monkeypatch.setattr(importer, "_read_rows", lambda *a: calls.append(1) or real(*a))
    client = client_for(users["staff"])
    upload = SimpleUploadedFile("名册.xlsx", messy_roster(), content_type=XLSX)
    response = client.post(reverse("members:import"), {"file": upload, "term": term.pk})
    for mapping in ({}, {"col_10": ""}, {"col_10": "notes"}):
        assert "表头在第 3 行" in client.get(response.url, mapping).content.decode()
    assert len(calls) == 1  # parsed when uploaded; the three previews reuse it
