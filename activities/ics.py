"""iCalendar (RFC 5545) text written by hand: a VCALENDAR of VEVENTs with escaping and line folding.

Small enough not to need a library: the feed has only events with a summary, times, place and link."""

import datetime as dt

from django.utils import timezone


def escape(text: str) -> str:
    """TEXT escaping (RFC 5545 §3.3.11): backslash, semicolon, comma, newline."""
    return (
        (text or "")
        .replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """Fold a content line at 75 octets (§3.1), never splitting a UTF-8 character."""
    out, current, size = [], "", 0
    for ch in line:
        n = len(ch.encode("utf-8"))
        limit = 75 if not out else 74  # continuation lines start with one space
        if size + n > limit:
            out.append(current)
            current, size = "", 0
        current += ch
        size += n
    out.append(current)
    return "\r\n ".join(out)


def _utc(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def calendar(name: str, events: list[dict]) -> str:
    """events: dicts with uid, start, end, summary, and optional location, description, url, updated."""
    now = _utc(timezone.now())
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//Tongxin//Activities//ZH",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape(name)}",
        "X-WR-TIMEZONE:Asia/Shanghai",
    ]
    for e in events:
        lines += [
            "BEGIN:VEVENT",
            f"UID:{e['uid']}",
            f"DTSTAMP:{_utc(e['updated']) if e.get('updated') else now}",
            f"DTSTART:{_utc(e['start'])}",
            f"DTEND:{_utc(e['end'])}",
            f"SUMMARY:{escape(e['summary'])}",
        ]
        if e.get("location"):
            lines.append(f"LOCATION:{escape(e['location'])}")
        if e.get("description"):
            lines.append(f"DESCRIPTION:{escape(e['description'])}")
        if e.get("url"):
            lines.append(f"URL:{e['url']}")
        if e.get("cancelled"):
            lines.append("STATUS:CANCELLED")
        lines.append("END:VEVENT")
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
