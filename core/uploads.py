"""The one validator for uploaded files: type sniffed from content (not the name), a size limit,
images re-encoded (drops EXIF/GPS and anything hidden behind the image), and a name whose extension matches
the content, so a file called `x.html` or `x.svg` is never stored or served as a page or a script."""

import io

from django.conf import settings
from django.core.files.uploadedfile import InMemoryUploadedFile

from .errors import DomainError

IMAGE = "image"
PDF = "pdf"
OFFICE = "office"
EXCEL = "excel"

_LABELS = {
    IMAGE: "图片（JPEG/PNG/GIF/WebP）",
    PDF: "PDF",
    OFFICE: "Word/Excel/PowerPoint 文档",
    EXCEL: "Excel 工作簿（.xlsx）",
}


def sniff(head: bytes) -> str | None:
    if (
        head.startswith(b"\xff\xd8\xff")
        or head.startswith(b"\x89PNG\r\n\x1a\n")
        or head[:6] in (b"GIF87a", b"GIF89a")
    ):
        return IMAGE
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return IMAGE
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"PK\x03\x04"):
        return OFFICE  # docx/xlsx/pptx are zip containers
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        return OFFICE  # legacy .doc/.xls (or an encrypted OOXML workbook)
    return None


def validate_upload(upload, *, kinds=(IMAGE, PDF, OFFICE), max_bytes: int | None = None):
    """Check an uploaded file and return it (images re-encoded). Raises DomainError with a Chinese message."""
    max_bytes = max_bytes or settings.TONGXIN_MAX_UPLOAD_BYTES
    if upload is None:
        raise DomainError("请选择要上传的文件。", field="file")
    if upload.size == 0:
        raise DomainError(f"文件“{upload.name}”是空文件。", field="file")
    if upload.size > max_bytes:
        raise DomainError(
            f"文件“{upload.name}”太大（{upload.size / 1048576:.1f} MB），上限为 {max_bytes / 1048576:.0f} MB。",
            field="file",
        )
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    kind = sniff(head)
    wanted = set(kinds)
    if EXCEL in wanted and kind == OFFICE:
        kind = EXCEL
    if kind not in wanted:
        allowed = "、".join(_LABELS[k] for k in kinds)
        raise DomainError(f"文件“{upload.name}”的类型不被接受，只能上传：{allowed}。", field="file")
    if kind == IMAGE:
        return _reencode_image(upload)
    upload.name, upload.content_type = safe_name(upload.name, head), _TYPES[_extension(upload.name, head)]
    return upload


# Extensions a stored file may keep, by what its content is; anything else gets the content's own extension
# (the name decides the Content-Type a download is served with).
_ZIP_EXTENSIONS = {"docx", "xlsx", "xlsm", "pptx", "zip"}
_OLE_EXTENSIONS = {"doc", "xls", "ppt"}
_TYPES = {
    "pdf": "application/pdf",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "xlsm": "application/vnd.ms-excel.sheet.macroEnabled.12",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "zip": "application/zip",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "ppt": "application/vnd.ms-powerpoint",
}


def _extension(name: str, head: bytes) -> str:
    ext = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"PK\x03\x04"):
        return ext if ext in _ZIP_EXTENSIONS else "zip"
    return ext if ext in _OLE_EXTENSIONS else "doc"


def safe_name(name: str, head: bytes) -> str:
    """The uploaded name without folders and control characters, with an extension that matches the content
    (`报告.html` holding a PDF becomes `报告.pdf`)."""
    from .text import clean_text

    base = clean_text(name or "").replace("\\", "/").rsplit("/", 1)[-1].strip() or "文件"
    stem = base.rsplit(".", 1)[0] if "." in base else base
    return f"{stem[:150] or '文件'}.{_extension(base, head)}"


def _reencode_image(upload):
    from PIL import Image, UnidentifiedImageError

    try:
        with Image.open(upload) as img:
            img.load()
            fmt = "PNG" if img.mode in ("RGBA", "LA", "P") else "JPEG"
            if fmt == "JPEG" and img.mode != "RGB":
                img = img.convert("RGB")
            out = io.BytesIO()
            img.save(out, format=fmt, quality=88)
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        raise DomainError(f"文件“{upload.name}”不是有效的图片。", field="file")
    name = upload.name.rsplit(".", 1)[0] + (".png" if fmt == "PNG" else ".jpg")
    content_type = "image/png" if fmt == "PNG" else "image/jpeg"
    return InMemoryUploadedFile(out, "file", name, content_type, out.getbuffer().nbytes, None)
