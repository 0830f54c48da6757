"""Excel, CSV and PDF outputs. Built from the same selector as the page; 繁體 users get converted text, like pages.

Formula injection: in .xlsx every text value is written as a text cell (an inline string), so `=…` or `+852 …`
is shown as typed and never evaluated, and it reads back unchanged when the file is imported again. CSV has no
cell types, so there text that a spreadsheet would evaluate gets a leading quote (`safe_cell`)."""

import csv
import datetime as dt
import re
import tempfile
from collections.abc import Iterable, Sequence
from decimal import Decimal
from urllib.parse import quote

from django.http import HttpResponse, StreamingHttpResponse
from django.template.loader import render_to_string
from django.utils import timezone

from .text import to_traditional

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value):
    """CSV only: neutralise text that a spreadsheet would run as a formula (=, +, -, @ …) by prefixing a quote."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


# The control characters XML 1.0 forbids (openpyxl's ILLEGAL_CHARACTERS_RE).
_XML_ILLEGAL = re.compile(r"[\000-\010]|[\013-\014]|[\016-\037]")


def xlsx_text(value: str) -> str:
    """Text as an .xlsx cell can hold it: control characters that XML 1.0 forbids (\\x00–\\x08, \\x0b, \\x0c,
    \\x0e–\\x1f) are dropped, so one stray character in a stored name never breaks a whole export."""
    return _XML_ILLEGAL.sub("", value)


EXPORT_CHUNK = 2_000


def stream(queryset, chunk_size: int = EXPORT_CHUNK):
    """The rows of an export, fetched lazily in chunks (prefetches run per chunk), never the whole result in
    memory: exports stay flat in memory whatever the number of rows (issue 13). In a view decorated with
    `core.jobs.background_export`, a result larger than the threshold moves to a background job before the
    first row; in that job, progress advances once per chunk."""
    from .jobs import advance, before_stream

    before_stream(queryset)
    n = 0
    for obj in queryset.iterator(chunk_size=chunk_size):
        yield obj
        n += 1
        if n == chunk_size:
            advance(n)
            n = 0
    advance(n)


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

    XlsxWriter in constant-memory mode writes each row to a temporary file as it comes (strings inline, no
    shared-string table), so memory stays flat in the number of rows as long as `rows` is a lazy iterator;
    only the compressed file is held at the end. Every string is written as a string: `=…` or `+852 …` is
    shown as typed, never evaluated, and reads back unchanged when imported again."""
    import xlsxwriter

    with tempfile.TemporaryDirectory(prefix="tongxin-xlsx-") as tmp:
        path = f"{tmp}/export.xlsx"
        wb = xlsxwriter.Workbook(
            path,
            {
                "constant_memory": True,
                "tmpdir": tmp,
                "strings_to_numbers": False,
                "strings_to_formulas": False,
                "strings_to_urls": False,
                "remove_timezone": True,
            },
        )
        # A sheet name: no control characters, none of []:*?/\\ , at most 31 characters (Excel's rules).
        title = re.sub(r"[\[\]:*?/\\]", "", xlsx_text(_convert(sheet_title, traditional)))[:31] or "Sheet1"
        ws = wb.add_worksheet(title.strip("'") or "Sheet1")
        ws.freeze_panes(1, 0)
        for i, width in enumerate(widths or [16] * len(headers)):
            ws.set_column(i, i, width)
        bold = wb.add_format({"bold": True})
        formats = {
            dt.datetime: wb.add_format({"num_format": "yyyy-mm-dd hh:mm"}),
            dt.date: wb.add_format({"num_format": "yyyy-mm-dd"}),
        }
        for col, h in enumerate(headers):
            ws.write_string(0, col, xlsx_text(_convert(str(h), traditional)), bold)
        for r, row in enumerate(rows, start=1):
            for col, value in enumerate(row):
                # the common cell, a plain string, written straight away (about a million cells a 100,000-row export)
                if type(value) is str and not traditional:
                    if value:
                        ws.write_string(r, col, _XML_ILLEGAL.sub("", value))
                else:
                    _xlsx_write(ws, r, col, _convert(value, traditional), formats)
        wb.close()
        with open(path, "rb") as f:
            content = f.read()
    response = HttpResponse(
        content, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = _disposition(_convert(filename, traditional))
    return response


def _xlsx_write(ws, row: int, col: int, value, formats) -> None:
    """One value: text as a text cell, numbers as numbers, dates with a date format; None leaves the cell empty."""
    if value is None:
        return
    if isinstance(value, str):
        if value:
            ws.write_string(row, col, xlsx_text(value))
    elif isinstance(value, bool):
        ws.write_boolean(row, col, value)
    elif isinstance(value, int | float | Decimal):
        ws.write_number(row, col, value)
    elif isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = timezone.localtime(value).replace(tzinfo=None)
        ws.write_datetime(row, col, value, formats[dt.datetime])
    elif isinstance(value, dt.date):
        ws.write_datetime(row, col, value, formats[dt.date])
    else:
        ws.write_string(row, col, xlsx_text(str(value)))


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
