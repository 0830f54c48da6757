"""The archive as a formatted PDF (一人一档): WeasyPrint over the print template `archives/archive_pdf.html`, with
the Noto CJK fonts, in 简体 or 繁體 (converted with `core.text.to_traditional`, as pages and exports are).

The same function serves the download on the archive page and the year-end closing batch (one PDF per person
in the ZIP), so what is archived is exactly what a person could download that day.
"""

from django.template.loader import render_to_string
from django.utils import timezone

from core.text import to_traditional

TEMPLATE = "archives/archive_pdf.html"


def wants_traditional(request) -> bool:
    """`?script=hant` (or `hans`) on the link, else the reader's own preference."""
    asked = request.GET.get("script", "")
    if asked in ("hans", "hant"):
        return asked == "hant"
    return getattr(request, "wants_traditional", False)


def archive_html(archive, *, traditional: bool = False, generated_at=None) -> str:
    """The print HTML of a `selectors.PersonArchive` (records included)."""
    html = render_to_string(
        TEMPLATE,
        {
            "a": archive,
            "person": archive.person,
            "traditional": traditional,
            "generated_at": generated_at or timezone.localtime(),
        },
    )
    return to_traditional(html) if traditional else html


def archive_pdf(
    archive, *, traditional: bool = False, base_url: str | None = None, generated_at=None
) -> bytes:
    """The PDF bytes of a person's archive. `base_url` makes the records' links absolute (a download from
    the site); without it they stay paths on the site."""
    from weasyprint import HTML  # loads Pango and the fonts: only when a PDF is asked for

    html = archive_html(archive, traditional=traditional, generated_at=generated_at)
    return HTML(string=html, base_url=base_url).write_pdf()


def archive_filename(archive, *, traditional: bool = False) -> str:
    name = f"{archive.person.name}_{archive.period.year}年度履职档案.pdf"
    return to_traditional(name) if traditional else name
