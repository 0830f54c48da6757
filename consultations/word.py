"""A speech draft as a formatted Word document (python-docx): title, speaker and meeting, the text in
paragraphs with a first-line indent, the revision it comes from. Converted for 繁體 users like pages."""

import io

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from core.text import to_traditional

FONT = "Noto Serif CJK SC"


def _font(run, size: float, *, bold: bool = False, name: str = FONT) -> None:
    run.font.size = Pt(size)
    run.font.bold = bold
    run.font.name = name
    # East Asian text takes the eastAsia font, not the Latin one.
    rpr = run._element.get_or_add_rPr()
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = rpr.makeelement(qn("w:rFonts"), {})
        rpr.append(rfonts)
    rfonts.set(qn("w:eastAsia"), name)


def speech_docx(speech, revision, *, traditional: bool = False) -> bytes:
    t = to_traditional if traditional else (lambda s: s)
    doc = Document()
    section = doc.sections[0]
    section.left_margin = section.right_margin = Pt(72)

    title = doc.add_paragraph()
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(title.add_run(t(speech.title)), 18, bold=True)

    byline = doc.add_paragraph()
    byline.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _font(byline.add_run(t(speech.speaker.name)), 14)

    meta = doc.add_paragraph()
    meta.alignment = WD_ALIGN_PARAGRAPH.CENTER
    status = "定稿" if speech.approved_revision_id == revision.pk else f"第{revision.number}稿（未定稿）"
    line = f"{speech.meeting.title} · {speech.meeting.date:%Y年%-m月%-d日} · {status}"
    _font(meta.add_run(t(line)), 10.5)

    for text in revision.paragraphs:
        p = doc.add_paragraph()
        p.paragraph_format.first_line_indent = Pt(32)
        p.paragraph_format.line_spacing = 1.5
        _font(p.add_run(t(text)), 16, name="Noto Serif CJK SC")

    buffer = io.BytesIO()
    doc.save(buffer)
    return buffer.getvalue()
