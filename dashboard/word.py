"""The work summary draft as a Word document (python-docx) for staff to edit: title, the three parts, and an
appendix listing every figure with its source. 繁體 users get it converted, like the page."""

import io

from django.http import HttpResponse

from core.exports import _disposition
from core.text import to_traditional

from .summary import Draft

FONT = "宋体"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _east_asian(run_or_style, name: str = FONT) -> None:
    """Word picks the font of Chinese characters from the east-Asian slot, which python-docx does not set."""
    from docx.oxml.ns import qn

    rpr = run_or_style.element.get_or_add_rPr()
    fonts = rpr.find(qn("w:rFonts"))
    if fonts is None:
        fonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(fonts)
    fonts.set(qn("w:eastAsia"), name)


def document(draft: Draft, *, traditional: bool = False) -> bytes:
    from docx import Document
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Pt

    t = to_traditional if traditional else (lambda s: s)
    doc = Document()
    normal = doc.styles["Normal"]
    normal.font.size = Pt(12)
    _east_asian(normal)
    for name in ("Title", "Heading 1", "Heading 2"):
        _east_asian(doc.styles[name], "黑体")
    title = doc.add_heading(t(draft.title), level=0)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER

    def body(text: str):
        p = doc.add_paragraph(t(text))
        p.paragraph_format.first_line_indent = Pt(24)
        return p

    body(draft.intro.text)
    for section in draft.sections:
        doc.add_heading(t(section.heading), level=1)
        for paragraph in section.paragraphs:
            body(paragraph.text)
    doc.add_page_break()
    doc.add_heading(t("附：数据来源（定稿时可删除）"), level=1)
    table = doc.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, ("编号", "数字", "含义", "来源"), strict=True):
        cell.text = t(text)
    for fact in draft.facts:
        cells = table.add_row().cells
        for cell, text in zip(cells, (str(fact.n), fact.value, fact.label, fact.source), strict=True):
            cell.text = t(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def docx_response(draft: Draft, filename: str, *, traditional: bool = False) -> HttpResponse:
    response = HttpResponse(document(draft, traditional=traditional), content_type=DOCX)
    response["Content-Disposition"] = _disposition(to_traditional(filename) if traditional else filename)
    return response
