import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import load_workbook

from core.errors import DomainError
from core.exports import excel_response, safe_cell
from core.uploads import EXCEL, IMAGE, PDF, validate_upload


@pytest.mark.parametrize("value", ["=1+1", "+SUM(A1)", "-2", "@cmd", '=HYPERLINK("x")'])
def test_formula_like_text_is_neutralised(value):
    assert safe_cell(value) == "'" + value


def test_plain_values_pass_through():
    assert safe_cell("陈大文") == "陈大文" and safe_cell(3) == 3


def test_excel_has_bold_frozen_header_and_traditional_option():
    response = excel_response("名册.xlsx", "名册", ["姓名", "备注"], [["陈大文", "=危险"]], traditional=True)
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.freeze_panes == "A2"
    assert [c.value for c in ws[1]] == ["姓名", "備註"]
    assert ws["B2"].value == "=危險" and ws["B2"].data_type == "s"  # text, shown as typed, never evaluated
    assert "filename*=UTF-8''" in response["Content-Disposition"]


def test_excel_keeps_phone_numbers_and_formula_like_text_as_plain_text_cells():
    """A phone written `+852 …` must come back from the .xlsx exactly as stored (no quote added), and text that
    looks like a formula is a text cell, so opening the file never runs it."""
    import zipfile

    response = excel_response(
        "名册.xlsx", "名册", ["电话", "备注", "数量"], [["+852 9123 4567", '=HYPERLINK("http://x")', 3]]
    )
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [c.value for c in ws[2]] == ["+852 9123 4567", '=HYPERLINK("http://x")', 3]
    assert ws["C2"].data_type == "n"
    sheet = zipfile.ZipFile(io.BytesIO(response.content)).read("xl/worksheets/sheet1.xml").decode()
    assert "<f>" not in sheet  # no formula element anywhere in the file


@pytest.mark.parametrize("char", ["\x0b", "\x01", "\x00", "\x1f"])
def test_excel_export_survives_control_characters_already_stored(char):
    """A name stored with a control character (before the text normaliser existed) must not make every export
    containing it fail: the character is dropped in the cell, the rest of the text kept."""
    response = excel_response("名册.xlsx", f"名{char}册", [f"姓{char}名"], [[f"陈{char}大文"]])
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws["A1"].value == "姓名" and ws["A2"].value == "陈大文"


def test_csv_still_quotes_formula_like_text():
    from core.exports import csv_response

    response = csv_response("名册.csv", ["备注"], [["=1+1"], ["+852 9123 4567"]])
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    assert "'=1+1" in body and "'+852 9123 4567" in body


def _png() -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (4, 4), "red").save(out, format="PNG")
    return out.getvalue()


def test_image_is_accepted_and_reencoded():
    upload = SimpleUploadedFile("photo.png", _png(), content_type="image/png")
    result = validate_upload(upload, kinds=(IMAGE,))
    assert result.name.endswith((".png", ".jpg"))


def test_text_renamed_as_image_is_refused_by_content():
    upload = SimpleUploadedFile("photo.jpg", b"not an image at all", content_type="image/jpeg")
    with pytest.raises(DomainError, match="类型不被接受"):
        validate_upload(upload, kinds=(IMAGE,))


def test_too_large_file_is_refused_with_size_in_message():
    upload = SimpleUploadedFile("big.pdf", b"%PDF-" + b"0" * 2048, content_type="application/pdf")
    with pytest.raises(DomainError, match="太大"):
        validate_upload(upload, kinds=(PDF,), max_bytes=1024)


def test_empty_file_is_refused():
    with pytest.raises(DomainError, match="空文件"):
        validate_upload(SimpleUploadedFile("a.xlsx", b""), kinds=(EXCEL,))
