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
    assert ws["B2"].value == "'=危險"
    assert "filename*=UTF-8''" in response["Content-Disposition"]


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
