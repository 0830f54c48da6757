"""A person's data export: "what the platform holds about me" (PIPL right of access), as one Excel file.

Every record that points at the person — in any app, found generically through `Person._meta.related_objects`,
as `person_merge` does — becomes a sheet with all its fields in clear (it is the person's own data); apps add
what is linked otherwise (e.g. through the login) with the AppConfig hook `person_data(person) -> list[dict(
title, headers, rows)]`. Downloading it is logged in the sensitive-data access log.
"""

import io
import re

from django.db import models
from django.http import HttpResponse

from core.exports import _disposition, xlsx_text
from core.hooks import collect

from .models import Person

_SKIP_FIELDS = {"search_text", "sort_name", "number_index", "path", "depth"}
# The office's internal notes (a person's 备注, visit notes and topics, leaders' confidential notes) are not
# the person's own statements and some are leaders-only: the office hands them out case by case, not this file.
_INTERNAL_FIELDS = {"notes", "topics", "confidential_notes"}


def _value(obj, field):
    if field.choices:
        return getattr(obj, f"get_{field.name}_display")()
    value = getattr(obj, field.name)
    if isinstance(field, models.ForeignKey):
        return "" if value is None else str(value)
    if isinstance(field, models.FileField):
        return value.name if value else ""
    return value


def _section(model, objs, *, skip: str = "") -> dict:
    fields = [
        f
        for f in model._meta.concrete_fields
        if f.name not in _SKIP_FIELDS | _INTERNAL_FIELDS and f.name != skip and not f.name.endswith("_index")
    ]
    return {
        "title": str(model._meta.verbose_name),
        "headers": [str(f.verbose_name) for f in fields],
        "rows": [[_value(o, f) for f in fields] for o in objs],
    }


def person_data_sections(person: Person) -> list[dict]:
    """The person's own record first, then every related record of every app, then the apps' extra parts."""
    sections = [_section(Person, [person])]
    for rel in Person._meta.related_objects:
        model = rel.related_model
        if model.__name__.startswith("Historical") or model._meta.auto_created:
            continue  # history holds copies of the same data; auto-created through rows say nothing more
        objs = list(model._base_manager.filter(**{rel.field.name: person}).distinct().order_by("pk"))
        if objs:
            sections.append(_section(model, objs, skip=rel.field.name))
    sections += collect("person_data", person)
    return sections


def person_data_response(person: Person) -> HttpResponse:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    wb.remove(wb.active)
    used = set()
    for section in person_data_sections(person):
        title = re.sub(r"[\[\]:*?/\\]", "", xlsx_text(section["title"]))[:28] or "数据"
        while title in used:
            title = title[:26] + f"{len(used)}"
        used.add(title)
        ws = wb.create_sheet(title)
        ws.append([xlsx_text(str(h)) for h in section["headers"]])
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row in section["rows"]:
            ws.append([_cell(v) for v in row])
            for cell in ws[ws.max_row]:
                if isinstance(cell.value, str):
                    cell.data_type = "s"  # text stays text, never a formula
    buffer = io.BytesIO()
    wb.save(buffer)
    response = HttpResponse(
        buffer.getvalue(), content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    response["Content-Disposition"] = _disposition(f"个人数据-{person.name}.xlsx")
    return response


def _cell(value):
    import datetime as dt

    if isinstance(value, str):
        return xlsx_text(value)
    if isinstance(value, dt.datetime) and value.tzinfo is not None:
        return value.astimezone().replace(tzinfo=None)
    if isinstance(value, bool | int | float | dt.date | dt.datetime) or value is None:
        return value
    return xlsx_text(str(value))
