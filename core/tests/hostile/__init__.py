"""The hostile-input corpus (issue 11 guard 3): strings in `strings.json`, files built by `files()` (a zip bomb
or a 200 MB upload is made when needed rather than kept in the repository)."""

import io
import json
import zipfile
from pathlib import Path

STRINGS: list[str] = json.loads((Path(__file__).parent / "strings.json").read_text(encoding="utf-8"))
# The one string that also comes 100,000 characters long.
STRINGS.append("很长" * 50_000)


def _zip(entries: dict[str, bytes], compression=zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as z:
        for name, data in entries.items():
            z.writestr(name, data)
    return out.getvalue()


def files() -> dict[str, bytes]:
    """name → content: files that are not what they claim, broken, encrypted or inflating."""
    return {
        "page.html": b"<html><script>alert(1)</script></html>",
        "image.svg": b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>',
        "pdf-as-page.html": b"%PDF-1.4\n<script>alert(1)</script>",
        "text-named.xlsx": b"name,phone\n=cmd|' /C calc'!A0,1\n",
        "text-named.jpg": b"not an image",
        "truncated.png": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "broken.xlsx": b"PK\x03\x04" + b"\x00" * 64,
        "encrypted.xlsx": b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504,
        "zip-bomb.xlsx": _zip({"xl/worksheets/sheet1.xml": b"<c>" + b"0" * 50_000_000 + b"</c>"}),
        "empty.pdf": b"",
        "exe-as.pdf": b"MZ\x90\x00" + b"\x00" * 60,
        "名字\u0000带\u000b控制符.pdf": b"%PDF-1.4\n%%EOF",
    }
