"""Dates as people write them in rosters: 1965.03, 1965年3月, 1965-03-12, 1965/3/12, 19650312, an Excel
serial number (23813) or a real date cell. Returns the date and how precise it was (年 / 年月 / 年月日)."""

import datetime as dt
import re
import unicodedata

from core.errors import DomainError

from .models import DatePrecision

_EXCEL_EPOCH = dt.date(1899, 12, 30)
_YMD = re.compile(r"^(\d{4})[.\-/年](\d{1,2})(?:[.\-/月](\d{1,2})日?)?月?$")
_Y = re.compile(r"^(\d{4})年?$")
_COMPACT = re.compile(r"^(\d{4})(\d{2})(\d{2})?$")


def parse_loose_date(value) -> tuple[dt.date | None, str]:
    """(date, precision) or (None, "") for blank; DomainError with a Chinese reason for an impossible date."""
    if value is None or value == "":
        return None, ""
    if isinstance(value, dt.datetime):
        return value.date(), DatePrecision.DAY
    if isinstance(value, dt.date):
        return value, DatePrecision.DAY
    if isinstance(value, int | float) and not isinstance(value, bool):
        if 1900 <= value < 2101:
            # 1965 is a year; 1965.03 (or 1965.1 = October) was typed as year.month into a number cell.
            if float(value).is_integer():
                return dt.date(int(value), 1, 1), DatePrecision.YEAR
            value = f"{int(value)}.{round((value - int(value)) * 100):02d}"
        elif 1 <= value < 80000:
            return _EXCEL_EPOCH + dt.timedelta(days=int(value)), DatePrecision.DAY
        else:
            raise DomainError(f"日期“{value}”不合理。", field="birth_date")
    text = unicodedata.normalize("NFKC", str(value)).strip().replace(" ", "")
    if not text:
        return None, ""
    try:
        m = _YMD.match(text)
        if m:
            y, mo, d = m.groups()
            if d:
                return dt.date(int(y), int(mo), int(d)), DatePrecision.DAY
            return dt.date(int(y), int(mo), 1), DatePrecision.MONTH
        m = _COMPACT.match(text)
        if m:
            y, mo, d = m.groups()
            if d:
                return dt.date(int(y), int(mo), int(d)), DatePrecision.DAY
            return dt.date(int(y), int(mo), 1), DatePrecision.MONTH
        m = _Y.match(text)
        if m:
            return dt.date(int(m.group(1)), 1, 1), DatePrecision.YEAR
        if re.fullmatch(r"\d{5}(\.0+)?", text):  # an Excel serial that arrived as text
            return _EXCEL_EPOCH + dt.timedelta(days=int(float(text))), DatePrecision.DAY
    except ValueError:
        raise DomainError(f"日期“{value}”不存在（请检查月份和日期）。", field="birth_date")
    raise DomainError(f"无法识别日期“{value}”，可写作 1965-03-12、1965.03 或 1965年3月。", field="birth_date")
