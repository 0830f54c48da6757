import datetime as dt

from activities import ics


def test_text_is_escaped_per_rfc5545():
    assert ics.escape("南宁, 桂林; 西安\\成都\n德阳") == "南宁\\, 桂林\\; 西安\\\\成都\\n德阳"


def test_long_lines_fold_at_75_octets_without_splitting_characters():
    line = "SUMMARY:" + "国情教育和调研视察" * 10
    folded = ics.fold(line)
    parts = folded.split("\r\n")
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p[1:] if i else p for i, p in enumerate(parts)) == line


def test_calendar_has_one_event_with_utc_times_and_crlf_lines():
    start = dt.datetime(2025, 4, 14, 8, 0, tzinfo=dt.timezone(dt.timedelta(hours=8)))
    text = ics.calendar(
        "我的活动",
        [
            {
                "uid": "activity-1@tongxin",
                "start": start,
                "end": start + dt.timedelta(hours=2),
                "summary": "座谈会",
            }
        ],
    )
    assert text.startswith("BEGIN:VCALENDAR\r\nVERSION:2.0\r\n")
    assert "DTSTART:20250414T000000Z\r\n" in text and "DTEND:20250414T020000Z\r\n" in text
    assert text.count("BEGIN:VEVENT") == 1 and text.endswith("END:VCALENDAR\r\n")
