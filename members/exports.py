"""Columns and rows of the roster exports (Excel, CSV), built from `person_list` rows (prefetched). The
Excel export imports back unchanged (members.importer reads every value written here)."""

from .models import DatePrecision

BASE_COLUMNS = [
    ("姓名", 12),
    ("英文/拼音姓名", 18),
    ("性别", 6),
    ("出生日期", 12),
    ("地区", 8),
    ("界别", 12),
    ("届内身份", 12),
    ("党派", 10),
    ("工作单位", 28),
    ("职务/职称", 28),
    ("专门委员会", 24),
    ("社团职务", 30),
    ("电话", 24),
    ("电子邮箱", 24),
    ("标签", 16),
]
SENSITIVE_COLUMNS = [("证件", 34), ("通讯地址", 36)]


def export_columns(sensitive: bool) -> tuple[list[str], list[int]]:
    cols = BASE_COLUMNS + (SENSITIVE_COLUMNS if sensitive else [])
    return [c[0] for c in cols], [c[1] for c in cols]


def export_birth(person):
    """A date cell when the day is known; "1965-03" or "1965" as text otherwise, so the precision survives
    an export → import round trip (the importer reads both)."""
    if person.birth_date is None:
        return None
    if person.birth_precision == DatePrecision.MONTH:
        return f"{person.birth_date:%Y-%m}"
    if person.birth_precision == DatePrecision.YEAR:
        return f"{person.birth_date:%Y}"
    return person.birth_date


def export_rows(persons, sensitive: bool):
    for p in persons:
        phones = "；".join((ph.display if sensitive else ph.masked) for ph in p.phone_list)
        row = [
            p.name,
            p.romanised_name,
            p.get_gender_display() if p.gender else "",
            export_birth(p),
            p.get_region_display(),
            p.sector.name if p.sector else "",
            "、".join(f"{r.term.short_label}{r.get_role_display()}" for r in p.shown_roles),
            p.get_party_display() if p.party else "",
            p.employer,
            p.titles,
            "、".join(f"{m.committee.display_name}{m.get_position_display()}" for m in p.committee_list),
            "、".join(f"{a.organisation.display_name}{a.title}" for a in p.association_list),
            phones,
            p.email,
            "、".join(t.name for t in p.tags.all()),
        ]
        if sensitive:
            row.append("；".join(f"{d.get_kind_display()} {d.number}" for d in p.document_list))
            row.append(p.address)
        yield row


def log_export_reveals(request, persons, *, filename: str) -> None:
    """An export with clear identity data hands each person's data out: one access-log row per person."""
    from core.sensitive import client_ip, log_export

    log_export(
        user=request.user,
        objs=persons,
        fields="证件、电话、通讯地址",
        detail=f"{filename}（{len(persons)} 人）",
        ip=client_ip(request),
    )
