"""Excel, CSV and PDF outputs. Built from the same selector as the page; 繁體 users get converted text, like pages.

Formula injection: in .xlsx every text value is written as a text cell (an inline string), so `=…` or `+852 …`
is shown as typed and never evaluated, and it reads back unchanged when the file is imported again. CSV has no
cell types, so there text that a spreadsheet would evaluate gets a leading quote (`safe_cell`)."""

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Sequence
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string

from .text import to_traditional

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """CSV only: neutralise text that a spreadsheet would run as a formula (=, +, -, @ …) by prefixing a quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def xlsx_text(value: str) -> str:
    """Text as an .xlsx cell can hold it: control characters that XML 1.0 forbids (\\x00–\\x08, \\x0b, \\x0c,
    \\x0e–\\x1f) are dropped, so one stray character in a stored name never breaks a whole export."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value)


EXPORT_CHUNK = 2_000


def stream(queryset, chunk_size: int = EXPORT_CHUNK):
    """The rows of an export, fetched lazily in chunks (prefetches run per chunk), never the whole result in
    memory: exports stay flat in memory whatever the number of rows (issue 13)."""
    return queryset.iterator(chunk_size=chunk_size)


def _convert(value, traditional: bool):
    if traditional and isinstance(value, str):
        return to_traditional(value)
    return value


def _disposition(filename: str) -> str:
    return f"attachment; filename*=UTF-8''{quote(filename)}"


def excel_response(
    filename: str,
    sheet_title: str,
    headers: Sequence[str],
    rows: Iterable[Sequence],
    *,
    widths: Sequence[int] | None = None,
    traditional: bool = False,
) -> HttpResponse:
    """An .xlsx with a bold frozen header row, column widths, text as text, numbers as numbers and real dates.

    Write-only mode: openpyxl streams the rows to a temporary file as they come, so memory stays flat in the
    number of rows as long as `rows` is a lazy iterator; only the compressed file is held at the end."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font

    wb = Workbook(write_only=True)
    # A sheet name: no control characters, none of []:*?/\\ , at most 31 characters (Excel's rules).
    title = re.sub(r"[\[\]:*?/\\]", "", xlsx_text(_convert(sheet_title, traditional)))[:31] or "Sheet1"
    ws = wb.create_sheet(title)
    ws.freeze_panes = "A2"
    for i, width in enumerate(widths or [16] * len(headers)):
        ws.column_dimensions[_column_letter(i + 1)].width = width
    header_cells = []
    for h in headers:
        cell = WriteOnlyCell(ws, value=xlsx_text(_convert(h, traditional)))
        cell.font = Font(bold=True)
        header_cells.append(cell)
    ws.append(header_cells)
    for row in rows:
        ws.append([_xlsx_cell(ws, _convert(value, traditional)) for value in row])
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = _disposition(_convert(filename, traditional))
    return response


def _xlsx_cell(ws, value):
    """One value of a row: text stays text (a cell object only where openpyxl would otherwise write a formula),
    dates get a date format, numbers stay numbers. Plain values avoid a cell object per value (speed)."""
    from openpyxl.cell import WriteOnlyCell

    if isinstance(value, str):
        value = xlsx_text(value)
        if not value.startswith("="):
            return value
        cell = WriteOnlyCell(ws, value=value)
        cell.data_type = "s"  # a text cell: shown as typed, never evaluated
        return cell
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        value = value.astimezone().replace(tzinfo=None)
    if isinstance(value, dt.date | dt.datetime):
        cell = WriteOnlyCell(ws, value=value)
        cell.number_format = "yyyy-mm-dd hh:mm" if isinstance(value, dt.datetime) else "yyyy-mm-dd"
        return cell
    return value


def _column_letter(n: int) -> str:
    from openpyxl.utils import get_column_letter

    return get_column_letter(n)


class _Echo:
    def write(self, value):
        return value


def csv_response(
    filename: str, headers: Sequence[str], rows: Iterable[Sequence], *, traditional: bool = False
):
    """A streamed UTF-8 CSV with BOM (so Excel opens Chinese correctly)."""
    writer = csv.writer(_Echo())

    def stream():
        yield "\ufeff"
        yield writer.writerow([_convert(h, traditional) for h in headers])
        for row in rows:
            yield writer.writerow([safe_cell(_convert("" if v is None else v, traditional)) for v in row])

    response = StreamingHttpResponse(stream(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = _disposition(_convert(filename, traditional))
    return response


def pdf_response(
    request, template: str, context: dict, filename: str, *, inline: bool = False
) -> HttpResponse:
    """Render a template to PDF with WeasyPrint (Noto CJK fonts); converted for 繁體 users like pages."""
    from weasyprint import HTML

    html = render_to_string(template, context, request=request)
    traditional = getattr(request, "wants_traditional", False)
    if traditional:
        html = to_traditional(html)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    disposition = _disposition(_convert(filename, traditional))
    response["Content-Disposition"] = disposition.replace("attachment", "inline") if inline else disposition
    return response
