"""The roster importer: one engine behind the import page, the API and `manage.py import_members`.

Real rosters are messy, so the engine:
- refuses what is not a readable .xlsx (legacy .xls, password-protected, corrupted, empty, too many rows) with a
  Chinese message, before anything is written;
- finds the header row among the first rows (a title row above it is common) and maps columns by synonyms
  (姓名/委员姓名, 出生年月/出生日期, 地区/所在地 …); staff may correct the mapping;
- fills merged cells with their value, normalises full-width digits and spaces, keeps names as written
  (Traditional or Simplified) but matches them in either script, reads dates in every common form;
- skips blank rows and trailing 备注/说明 rows;
- gives each row a fate: new / update / unchanged / error / ambiguous, with row number, column and reason;
- matches a row to an existing person by document number (blind index), else by name + birth date; several
  candidates are shown as ambiguous, never guessed;
- commits in one transaction (all or nothing); rows with errors are either refused (default) or skipped when
  the caller says so explicitly.

The preview is computed synchronously from the stored file (no background job): 5,000 rows take a few
seconds (see docs/benchmarks.md), and the row limit keeps every request bounded.
"""

import datetime as dt
import hashlib
import io
import re
import unicodedata
import zipfile
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone

from core import crash, permissions
from core.crypto import blind_index
from core.errors import DomainError
from core.text import normalise, to_simplified

from .dates import parse_loose_date
from .identity import guess_document_kind, normalise_document, normalise_phone
from .models import (
    DocumentKind,
    Gender,
    IdentityDocument,
    Party,
    Person,
    PhoneKind,
    Region,
    Term,
    TermRole,
    TermRoleKind,
    _chinese_number,
)

MAX_ROWS = 10_000  # one committee has 50–150 persons, a city CPPCC 500–800; larger rosters are split
MAX_BYTES = 10 * 1024 * 1024
HEADER_SCAN_ROWS = 15
# Against zip bombs (a 54 KB file of 100 rows × 16,384 cells; one 200 MB inline string), checked before parsing:
MAX_INFLATED_BYTES = 50 * 1024 * 1024  # all entries inflated; a 10,000-row roster is about 10 MB
MAX_COLUMNS = 200
MAX_CELLS = 1_000_000  # 10,000 rows × 100 columns
ROWS_CACHE_SECONDS = 30 * 60  # the parsed rows of a stored roster, for its previews and commit

NEW, UPDATE, UNCHANGED, ERROR, AMBIGUOUS = "new", "update", "unchanged", "error", "ambiguous"
FATE_LABELS = {NEW: "新增", UPDATE: "更新", UNCHANGED: "无变化", ERROR: "错误", AMBIGUOUS: "无法确定"}

# field key → (label, header synonyms). The first synonym is the label staff see.
FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "name": ("姓名", ("姓名", "委员姓名", "顾问姓名", "中文姓名", "名字", "人员姓名")),
    "romanised_name": (
        "英文/拼音姓名",
        ("英文姓名", "英文名", "拼音姓名", "外文姓名", "英文/拼音姓名", "englishname", "拼音"),
    ),
    "gender": ("性别", ("性别",)),
    "birth": ("出生日期", ("出生年月", "出生日期", "出生年月日", "生日", "出生时间")),
    "region": ("地区", ("地区", "所在地", "所在地区", "居住地", "常住地", "港澳台侨")),
    "sector": ("界别", ("界别", "所属界别")),
    "party": ("党派", ("党派", "政治面貌")),
    "employer_titles": (
        "工作单位及职务",
        ("工作单位及职务", "单位及职务", "工作单位和职务", "工作单位及职务职称"),
    ),
    "employer": ("工作单位", ("工作单位", "单位", "所在单位", "任职单位")),
    "titles": ("职务/职称", ("职务", "职称", "现任职务", "职务职称")),
    "phone": (
        "电话",
        ("手机", "联系电话", "电话", "手机号码", "移动电话", "联系方式", "办公电话", "手提电话"),
    ),
    "email": ("电子邮箱", ("电子邮箱", "邮箱", "电子邮件", "email", "e-mail", "电邮")),
    "address": ("通讯地址", ("通讯地址", "地址", "联系地址", "住址")),
    "document_kind": ("证件类型", ("证件类型", "证件种类", "证件名称")),
    "document_number": (
        "证件号码",
        (
            "证件号码",
            "回乡证号码",
            "回乡证号",
            "回乡证",
            "通行证号码",
            "港澳居民来往内地通行证",
            "身份证号码",
            "居住证号码",
            "证件号",
            "证件",
        ),
    ),
    "document_expiry": ("证件有效期", ("证件有效期", "有效期", "有效期至", "证件有效期至")),
    "role": ("届内身份", ("届内身份", "身份", "委员类别", "人员类别")),
    "tags": ("标签", ("标签",)),
    "notes": ("备注", ("备注", "说明")),
}
IGNORED_HEADERS = {
    "序号",
    "编号",
    "no",
    "no.",
    "专门委员会",
    "社团职务",
}  # the last two: our export's own columns
MULTI_FIELDS = {"phone"}  # several columns may feed phones (手机 + 办公电话)

_REGIONS = {
    "香港": Region.HONG_KONG,
    "港": Region.HONG_KONG,
    "hk": Region.HONG_KONG,
    "hongkong": Region.HONG_KONG,
    "澳门": Region.MACAO,
    "澳": Region.MACAO,
    "mo": Region.MACAO,
    "macao": Region.MACAO,
    "macau": Region.MACAO,
    "台湾": Region.TAIWAN,
    "台": Region.TAIWAN,
    "tw": Region.TAIWAN,
    "海外": Region.OVERSEAS,
    "国外": Region.OVERSEAS,
    "华侨": Region.OVERSEAS,
    "内地": Region.MAINLAND,
    "大陆": Region.MAINLAND,
    "广州": Region.MAINLAND,
    "广东": Region.MAINLAND,
}
_GENDERS = {
    "男": Gender.MALE,
    "m": Gender.MALE,
    "male": Gender.MALE,
    "女": Gender.FEMALE,
    "f": Gender.FEMALE,
    "female": Gender.FEMALE,
}
_PARTIES = {normalise(label): value for value, label in Party.choices if value} | {
    "中共": Party.CPC,
    "中国共产党": Party.CPC,
    "共产党员": Party.CPC,
    "中共党员": Party.CPC,
    "无": Party.NONE,
    "群众": Party.NONE,
    "无党派": Party.NON_PARTY,
    "民革党员": Party.RCCK,
    "民盟盟员": Party.CDL,
    "民建会员": Party.CNDCA,
    "民进会员": Party.CAPD,
    "农工党党员": Party.CPWDP,
    "致公党党员": Party.CZGP,
    "九三学社社员": Party.JS,
    "台盟盟员": Party.TDSGL,
}
_ROLES = {normalise(label): value for value, label in TermRoleKind.choices}
_DOC_KINDS = {normalise(label): value for value, label in DocumentKind.choices} | {
    "回乡证": DocumentKind.HOME_RETURN_PERMIT,
    "港澳居民来往内地通行证": DocumentKind.HOME_RETURN_PERMIT,
    "通行证": DocumentKind.HOME_RETURN_PERMIT,
    "居住证": DocumentKind.RESIDENCE_PERMIT,
    "香港身份证": DocumentKind.HKID,
    "澳门身份证": DocumentKind.MACAO_ID,
    "护照": DocumentKind.PASSPORT,
}
_FOOTER = re.compile(r"^(备注|注[:：]|说明|填表说明|合计|共计|总计)")
_SPLIT = re.compile(r"[、,，;；/\n]+")
_CJK_SPACES = re.compile(r"(?<=[\u3400-\u9fff])\s+(?=[\u3400-\u9fff])")
_TERM_PREFIX = re.compile(r"^第?([零〇一二三四五六七八九十百]+|\d+)届")
# Where an organisation's name ends inside "工作单位及职务" written without a space (香港同心贸易有限公司董事长).
_EMPLOYER_END = re.compile(
    r"^(.+(?:有限公司|公司|集团|书院|事务所|促进会|联谊会|总会|协会|商会|学会|医院|大学|学院|中学|小学|银行|中心|委员会|基金会))"
    r"(.{1,20})$"
)
_MASKED = (
    "*"  # a masked phone or document number (138****5678) from a non-sensitive export: nothing to import
)


class ImportRefused(DomainError):
    """The file as a whole cannot be imported (not Excel, protected, empty, no header, too big)."""


@dataclass(eq=False)
class Column:
    index: int
    header: str
    field: str = ""

    @property
    def field_label(self) -> str:
        return FIELDS[self.field][0] if self.field else "不导入"


@dataclass
class RowResult:
    row: int
    fate: str = NEW
    name: str = ""
    person_id: int | None = None
    candidates: list[tuple[int, str]] = field(default_factory=list)
    errors: list[tuple[str, str]] = field(default_factory=list)  # (column header, reason)
    changes: list[str] = field(default_factory=list)
    data: dict = field(default_factory=dict)

    @property
    def fate_label(self) -> str:
        return FATE_LABELS[self.fate]

    def error(self, column: str, reason: str) -> None:
        self.errors.append((column, reason))
        self.fate = ERROR


@dataclass
class Analysis:
    filename: str
    sheet: str
    header_row: int
    columns: list[Column]
    rows: list[RowResult]
    term: Term | None = None

    @property
    def counts(self) -> dict[str, int]:
        out = {fate: 0 for fate in FATE_LABELS}
        for r in self.rows:
            out[r.fate] += 1
        return out

    @property
    def blocking(self) -> list[RowResult]:
        return [r for r in self.rows if r.fate in (ERROR, AMBIGUOUS)]

    def as_dict(self) -> dict:
        return {
            "filename": self.filename,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "columns": [{"index": c.index, "header": c.header, "field": c.field} for c in self.columns],
            "counts": self.counts,
            "rows": [
                {
                    "row": r.row,
                    "fate": r.fate,
                    "fate_label": r.fate_label,
                    "name": r.name,
                    "person_id": r.person_id,
                    "candidates": [{"id": pk, "label": label} for pk, label in r.candidates],
                    "errors": [{"column": c, "reason": m} for c, m in r.errors],
                    "changes": r.changes,
                }
                for r in self.rows
            ],
        }


Progress = Callable[[int, int, str], None] | None


# ----------------------------------------------------------------------------------------------- reading


def check_file(data: bytes, filename: str = "") -> None:
    """Refuse, with a Chinese message, anything that is not a readable .xlsx workbook within the limits."""
    name = f"“{filename}”" if filename else ""
    if not data:
        raise ImportRefused(f"文件{name}是空文件。", field="file")
    if len(data) > MAX_BYTES:
        raise ImportRefused(f"文件{name}超过 {MAX_BYTES // 1048576} MB，请分批导入。", field="file")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        if "EncryptionInfo".encode("utf-16-le") in data or "EncryptedPackage".encode("utf-16-le") in data:
            raise ImportRefused(f"工作簿{name}设有密码保护，请在 Excel 中取消密码后再导入。", field="file")
        raise ImportRefused(
            f"文件{name}是旧版 .xls 格式，请在 Excel 中“另存为 .xlsx”后再导入。", field="file"
        )
    if not data.startswith(b"PK\x03\x04"):
        raise ImportRefused(f"文件{name}不是 Excel 工作簿（.xlsx），无法导入。", field="file")


def _clean(value):
    if value is None:
        return ""
    if isinstance(value, str):
        text = unicodedata.normalize("NFKC", value).replace("\u3000", " ").strip()
        return text
    return value


def _first_sheet_path(zf: zipfile.ZipFile) -> str:
    """The zip entry of the workbook's first sheet (workbook.xml → its relationship → the part)."""
    from xml.etree import ElementTree as ET

    ns_main = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
    ns_rel = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
    workbook = ET.fromstring(zf.read("xl/workbook.xml"))
    first = workbook.find(f"{ns_main}sheets/{ns_main}sheet")
    if first is None:
        raise KeyError("no sheet")
    rid = first.get(f"{ns_rel}id")
    rels = ET.fromstring(zf.read("xl/_rels/workbook.xml.rels"))
    for rel in rels:
        if rel.get("Id") == rid:
            target = rel.get("Target", "").lstrip("/")
            return target if target.startswith("xl/") else f"xl/{target}"
    raise KeyError("no sheet part")


_DIMENSION = re.compile(rb"<(?:\w+:)?dimension\s+ref=\"([A-Z]+)(\d+)(?::([A-Z]+)(\d+))?\"")


def _column_number(letters: bytes) -> int:
    n = 0
    for ch in letters.decode():
        n = n * 26 + ord(ch) - 64
    return n


def inspect_zip(data: bytes, filename: str = "") -> tuple[str, list[tuple[int, int, int, int]]]:
    """Refuse a zip bomb before parsing: the inflated size of every entry (zip directory), the first sheet's
    declared size (its <dimension>, read from the first bytes of the inflated part) against the limits.
    Returns the first sheet's zip entry and its merged ranges (min_row, min_col, max_row, max_col), read by
    streaming, so the read-only parse can still fill merged cells."""
    name = f"“{filename}”" if filename else ""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        inflated = sum(info.file_size for info in zf.infolist())
        if inflated > MAX_INFLATED_BYTES:
            raise ImportRefused(
                f"工作簿{name}解压后约 {inflated // 1048576:,} MB，超过 {MAX_INFLATED_BYTES // 1048576} MB 的上限"
                "（可能含有大量空白格式或异常内容），请只保留名册数据后另存再导入。",
                field="file",
            )
        sheet = _first_sheet_path(zf)
        with zf.open(sheet) as part:
            head = part.read(4096)
        m = _DIMENSION.search(head)
        if m and m.group(3):
            cols = _column_number(m.group(3)) - _column_number(m.group(1)) + 1
            rows = int(m.group(4)) - int(m.group(2)) + 1
            if cols > MAX_COLUMNS:
                raise ImportRefused(
                    f"工作表声明了 {cols:,} 列，超过 {MAX_COLUMNS} 列的上限，请删除多余的列后另存再导入。",
                    field="file",
                )
            if rows * cols > MAX_CELLS:
                raise ImportRefused(
                    f"工作表声明了 {rows:,} 行 × {cols} 列，超过 {MAX_CELLS:,} 个单元格的上限，请分批导入。",
                    field="file",
                )
        merged = _merged_ranges(zf, sheet)
    return sheet, merged


def _merged_ranges(zf: zipfile.ZipFile, sheet: str) -> list[tuple[int, int, int, int]]:
    from xml.etree.ElementTree import iterparse

    from openpyxl.utils.cell import range_boundaries

    ranges = []
    with zf.open(sheet) as part:
        for _event, elem in iterparse(part):
            if elem.tag.endswith("}mergeCell"):
                min_col, min_row, max_col, max_row = range_boundaries(elem.get("ref", ""))
                if (max_row - min_row + 1) * (max_col - min_col + 1) <= MAX_CELLS:
                    ranges.append((min_row, min_col, max_row, max_col))
            elem.clear()  # streaming: keep nothing of the rows
    return ranges


def read_rows(data: bytes, filename: str = "") -> tuple[str, list[list]]:
    """The first sheet's rows as lists of cleaned values; merged cells filled with their value.

    Parsed once, in openpyxl's read-only (streaming) mode, after `inspect_zip` has checked the inflated size and
    the declared size; the cells actually read are counted too (a sheet may declare less than it holds). The
    result is kept in the cache for a while under the file's digest, so every preview of a stored roster
    (each change of the column mapping) and the commit reuse it instead of reading the file again."""
    from django.core.cache import cache

    check_file(data, filename)
    key = f"members:roster-rows:{hashlib.sha256(data).hexdigest()}"
    cached = cache.get(key)
    if cached is not None:
        return cached
    result = _read_rows(data, filename)
    cache.set(key, result, ROWS_CACHE_SECONDS)
    return result


def _read_rows(data: bytes, filename: str) -> tuple[str, list[list]]:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    broken = ImportRefused(f"文件“{filename}”已损坏或不是有效的 Excel 工作簿，无法读取。", field="file")
    try:
        _sheet, merged = inspect_zip(data, filename)
        wb = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except ImportRefused:
        raise
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError, TypeError, IndexError):
        raise broken from None
    except Exception:  # malformed XML (ParseError) and what else a hostile file makes the parser raise
        raise broken from None
    try:
        ws = wb.worksheets[0]
        declared = ws.max_row or 0
        if declared > MAX_ROWS + HEADER_SCAN_ROWS + 50:
            raise ImportRefused(
                f"工作表“{ws.title}”约有 {declared:,} 行，超过单次导入上限 {MAX_ROWS:,} 行，请分批导入。",
                field="file",
            )
        fill = {}
        for min_row, min_col, max_row, max_col in merged:
            for r in range(min_row, max_row + 1):
                for c in range(min_col, max_col + 1):
                    if (r, c) != (min_row, min_col):
                        fill[(r, c)] = (min_row, min_col)
        rows, cells = [], 0
        for r_index, row in enumerate(ws.iter_rows(values_only=True), start=1):
            if len(rows) > MAX_ROWS + HEADER_SCAN_ROWS + 50:
                raise ImportRefused(
                    f"工作表“{ws.title}”超过单次导入上限 {MAX_ROWS:,} 行，请分批导入。", field="file"
                )
            cells += len(row)
            if len(row) > MAX_COLUMNS or cells > MAX_CELLS:
                raise ImportRefused(
                    f"工作表“{ws.title}”的列数或单元格数超过上限（{MAX_COLUMNS} 列、{MAX_CELLS:,} 个单元格），"
                    "请删除多余的列后另存再导入。",
                    field="file",
                )
            values = [_clean(v) for v in row]
            for c_index in range(len(values)):
                source = fill.get((r_index, c_index + 1))
                if source is not None and values[c_index] == "":
                    # the top-left cell of a merged range comes first: in an earlier row or earlier in this one
                    src_row = values if source[0] == r_index else rows[source[0] - 1]
                    values[c_index] = src_row[source[1] - 1] if source[1] - 1 < len(src_row) else ""
            rows.append(values)
        title = ws.title
    except ImportRefused:
        raise
    except Exception:
        raise broken from None
    finally:
        wb.close()
    while rows and not any(v != "" for v in rows[-1]):
        rows.pop()
    if not rows:
        raise ImportRefused(f"工作表“{title}”是空的，没有可导入的数据。", field="file")
    return title, rows


def _header_key(text) -> str:
    norm = normalise(str(text)) if text != "" else ""
    return re.sub(r"[*＊:：()（）\[\]【】]|必填|选填", "", norm)


def match_header(text) -> str:
    """The field a header cell means (exact synonym first, then the longest synonym it contains)."""
    key = _header_key(text)
    if not key or key in IGNORED_HEADERS:
        return ""
    best, best_len = "", 0
    for field_key, (_label, synonyms) in FIELDS.items():
        for syn in synonyms:
            syn_key = _header_key(syn)
            if key == syn_key:
                return field_key
            if syn_key in key and len(syn_key) > best_len:
                best, best_len = field_key, len(syn_key)
    return best


def find_header(rows: list[list]) -> int:
    """Index of the header row: the row among the first ones with the most recognised column names."""
    best, best_score = -1, 0
    for i, row in enumerate(rows[:HEADER_SCAN_ROWS]):
        fields = {match_header(v) for v in row if isinstance(v, str) and v}
        fields.discard("")
        score = len(fields) + (2 if "name" in fields else 0)
        if "name" in fields and score > best_score:
            best, best_score = i, score
    if best < 0 or best_score < 3:
        raise ImportRefused(
            f"前 {HEADER_SCAN_ROWS} 行中没有找到表头：需要一行包含“姓名”以及性别、出生年月、界别、工作单位等列名。",
            field="file",
        )
    return best


def default_columns(header: list) -> list[Column]:
    columns, taken = [], set()
    for i, text in enumerate(header):
        label = str(text) if text != "" else f"第{i + 1}列"
        key = match_header(text) if text != "" else ""
        if key in taken and key not in MULTI_FIELDS:
            key = ""
        taken.add(key)
        columns.append(Column(i, label, key))
    return columns


# ------------------------------------------------------------------------------------------- analysing


def analyse(
    data: bytes,
    *,
    user,
    term: Term | None,
    filename: str = "",
    mapping: dict[int, str] | None = None,
    progress: Progress = None,
) -> Analysis:
    """Read the workbook and decide every row's fate. Writes nothing."""
    if user is not None:
        permissions.require(user, "import", Person)
    sheet, rows = read_rows(data, filename)
    h = find_header(rows)
    columns = default_columns(rows[h])
    if mapping:
        for col in columns:
            if col.index in mapping:
                value = mapping[col.index]
                if value and value not in FIELDS:
                    raise ImportRefused(f"列“{col.header}”的对应字段不正确。", field="mapping")
                col.field = value or ""
    mapped = [c for c in columns if c.field]
    if not any(c.field == "name" for c in mapped):
        raise ImportRefused("请把其中一列对应到“姓名”。", field="mapping")
    dupes = [
        f
        for f in {c.field for c in mapped}
        if f not in MULTI_FIELDS and sum(c.field == f for c in mapped) > 1
    ]
    if dupes:
        raise ImportRefused(f"“{FIELDS[dupes[0]][0]}”对应了多列，请只保留一列。", field="mapping")
    results = []
    role_col = _col(mapped, "role")
    body = rows[h + 1 :]
    if len(body) > MAX_ROWS:
        raise ImportRefused(
            f"共 {len(body):,} 行数据，超过单次导入上限 {MAX_ROWS:,} 行，请分批导入。", field="file"
        )
    for offset, values in enumerate(body):
        excel_row = h + 2 + offset
        cells = {c: values[c.index] if c.index < len(values) else "" for c in mapped}
        if all(v == "" for v in cells.values()):
            continue
        first = next((v for v in values if v != ""), "")
        if (
            isinstance(first, str)
            and _FOOTER.match(first)
            and (cells.get(_col(mapped, "name")) in ("", first))
        ):
            continue
        result = _parse_row(excel_row, cells, term)
        if role_col is not None and "role" not in result.data:
            result.data["role"] = None  # the file says no role in this term: a matched person's roles stay
        results.append(result)
        if progress and len(results) % 500 == 0:
            progress(len(results), len(body), "读取并校验")
    if not results:
        raise ImportRefused("表头下面没有数据行。", field="file")
    _match(results, user=user, term=term)
    if progress:
        progress(len(results), len(results), "预览完成")
    return Analysis(filename, sheet, h + 1, columns, results, term)


def _col(mapped, key):
    return next((c for c in mapped if c.field == key), None)


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def split_employer_titles(text: str) -> tuple[str, str]:
    """ "香港同心贸易有限公司 董事长" → (employer, titles): split at the first space, or where the
    organisation's name ends (…有限公司董事长); otherwise everything is the employer."""
    text = re.sub(r"\s+", " ", text).strip()
    if " " in text:
        employer, titles = text.split(" ", 1)
        return employer, titles
    m = _EMPLOYER_END.match(text)
    if m:
        return m.group(1), m.group(2)
    return text, ""


def _role(text: str, term) -> str:
    """The role in the import's term: "委员", or "十四届委员" / "十四届委员、十三届常委" as the roster exports it
    (a role of another term alone is not this term's role: nothing to import)."""
    wanted = term.short_label if term is not None else None
    found = ""
    for part in (p.strip() for p in _SPLIT.split(text) if p.strip()):
        m = _TERM_PREFIX.match(part)
        label = ""
        if m:
            number = m.group(1)
            label = f"{_chinese_number(int(number))}届" if number.isdigit() else f"{number}届"
            part = part[m.end() :]
        role = _ROLES.get(normalise(part))
        if role is None:
            raise DomainError(
                f"无法识别的身份“{text}”，应为 委员、常委、特聘委员、顾问 或 列席（可带届次，如 十四届委员）。"
            )
        if not label or wanted is None or label == wanted:
            found = found or role
    return found


def _parse_row(excel_row: int, cells: dict, term=None) -> RowResult:
    res = RowResult(row=excel_row)
    d = res.data
    phones_raw = []
    for col, value in cells.items():
        if value == "":
            continue
        key, header = col.field, col.header
        try:
            if key == "name":
                d["name"] = _CJK_SPACES.sub("", _text(value))
            elif key == "romanised_name":
                d["romanised_name"] = re.sub(r"\s+", " ", _text(value))
            elif key == "gender":
                g = _GENDERS.get(normalise(_text(value)))
                if g is None:
                    raise DomainError(f"无法识别的性别“{value}”，应为 男 或 女。")
                d["gender"] = g
            elif key == "birth":
                date, precision = parse_loose_date(value)
                if date and (date > timezone.localdate() or date.year < 1900):
                    raise DomainError(f"出生日期“{_text(value)}”不合理。")
                d["birth_date"], d["birth_precision"] = date, precision
            elif key == "region":
                region = _region(_text(value))
                if region is None:
                    raise DomainError(f"无法识别的地区“{value}”，应为 香港、澳门、台湾、海外 或 内地。")
                d["region"] = region
            elif key == "sector":
                d["sector"] = _text(value)
            elif key == "party":
                party = _PARTIES.get(normalise(_text(value)))
                if party is None:
                    raise DomainError(f"无法识别的党派“{value}”。")
                d["party"] = party
            elif key == "employer_titles":
                d["employer"], titles = split_employer_titles(_text(value))
                if titles:
                    d["titles"] = titles
            elif key in ("employer", "titles", "address", "notes"):
                d[key] = _text(value)
            elif key == "phone":
                phones_raw.extend(
                    (header, p) for p in _SPLIT.split(_text(value)) if p.strip() and _MASKED not in p
                )
            elif key == "email":
                email = _text(value).replace(" ", "")
                try:
                    validate_email(email)
                except ValidationError:
                    raise DomainError(f"电子邮箱“{value}”格式不正确。")
                d["email"] = email
            elif key == "document_kind":
                kind = _DOC_KINDS.get(normalise(_text(value)))
                if kind is None:
                    raise DomainError(f"无法识别的证件类型“{value}”。")
                d["document_kind"] = kind
            elif key == "document_number":
                number = re.split(r"[;；\n]", _text(value))[0].strip()  # the export's first document
                kind_label, _, rest = number.partition(" ")
                if rest and _DOC_KINDS.get(normalise(kind_label)):  # "回乡证 H1234567801" as exported
                    d.setdefault("document_kind", _DOC_KINDS[normalise(kind_label)])
                    number = rest
                if number and _MASKED not in number:
                    d["document_number"] = (header, number)
            elif key == "document_expiry":
                d["document_expiry"] = parse_loose_date(value)[0]
            elif key == "role":
                role = _role(_text(value), term)
                if role:
                    d["role"] = role
            elif key == "tags":
                d["tags"] = [t for t in _SPLIT.split(_text(value)) if t.strip()]
        except DomainError as exc:
            res.error(header, exc.message)
    if not d.get("name"):
        res.error(FIELDS["name"][0], "姓名为空。")
    res.name = d.get("name", "")
    if "document_number" in d:
        header, number = d.pop("document_number")
        kind = d.pop("document_kind", None) or guess_document_kind(number) or _kind_from_header(header)
        if kind is None:
            res.error(header, f"无法判断证件“{number}”的类型，请核对号码或增加“证件类型”列。")
        else:
            try:
                d["document"] = (kind, normalise_document(kind, number))
            except DomainError as exc:
                res.error(header, exc.message)
    d.pop("document_kind", None)
    if "region" not in d and "document" in d:
        kind, number = d["document"]
        if kind == DocumentKind.HOME_RETURN_PERMIT:
            d["region"] = Region.MACAO if number.startswith("M") else Region.HONG_KONG
        elif kind == DocumentKind.MACAO_ID:
            d["region"] = Region.MACAO
    phones = []
    for header, text in phones_raw:
        try:
            phones.append(normalise_phone(text, d.get("region", "")))
        except DomainError as exc:
            res.error(header, exc.message)
    if phones:
        d["phones"] = phones
    return res


def _kind_from_header(header: str) -> str | None:
    """A column headed 回乡证号码 holds Home Return Permits even when a number is mistyped."""
    key = normalise(header)
    for word, kind in (
        ("回乡证", DocumentKind.HOME_RETURN_PERMIT),
        ("通行证", DocumentKind.HOME_RETURN_PERMIT),
        ("居住证", DocumentKind.RESIDENCE_PERMIT),
        ("护照", DocumentKind.PASSPORT),
    ):
        if word in key:
            return kind
    return None


def _region(text: str) -> str | None:
    key = normalise(text)
    if key in _REGIONS:
        return _REGIONS[key]
    for word, region in _REGIONS.items():
        if len(word) >= 2 and word in key:
            return region
    return None


_RANK = {"y": 0, "m": 1, "d": 2}


def same_birth(a: dt.date | None, a_prec: str, b: dt.date | None, b_prec: str) -> bool:
    """Equal at the coarser of the two precisions: 1965年3月 is the same birth as 1965-03-12."""
    if a is None or b is None:
        return False
    rank = min(_RANK.get(a_prec or "d", 2), _RANK.get(b_prec or "d", 2))
    if rank == 0:
        return a.year == b.year
    if rank == 1:
        return (a.year, a.month) == (b.year, b.month)
    return a == b


def _match(results: list[RowResult], *, user, term) -> None:
    """Match rows to existing persons: document (blind index) first, then name + birth date.

    Name + birth date: one person with the same name (either script) and the same birth (at the coarser
    precision) is an update; several, or a same-name person whose birth date cannot be compared, is
    ambiguous (shown with the candidates, never guessed); a same-name person born on another date is
    someone else.
    """
    visible = Person.objects.visible_to(user) if user is not None else Person.objects.all()
    visible = visible.filter(anonymised_at__isnull=True)
    names = {to_simplified(r.data.get("name", "")) for r in results}
    by_name: dict[str, list[tuple]] = defaultdict(list)
    visible_ids = set()
    for pk, name, birth, prec in visible.values_list("pk", "name", "birth_date", "birth_precision"):
        visible_ids.add(pk)
        key = to_simplified(name)
        if key in names:
            by_name[key].append((pk, birth, prec, name))
    indexes = {blind_index(r.data["document"][1]) for r in results if "document" in r.data}
    doc_owner = dict(
        IdentityDocument.objects.filter(number_index__in=list(indexes)).values_list(
            "number_index", "person_id"
        )
    )
    seen_docs: dict[str, int] = {}
    seen_names: dict[tuple, int] = {}
    tentative: list[RowResult] = []
    for r in results:
        if r.fate == ERROR:
            continue
        d = r.data
        if "document" in d:
            index = blind_index(d["document"][1])
            if index in seen_docs:
                r.error("证件号码", f"与第 {seen_docs[index]} 行的证件号码相同。")
                continue
            seen_docs[index] = r.row
            owner = doc_owner.get(index)
            if owner is not None:
                if owner in visible_ids:
                    r.person_id, r.fate = owner, UPDATE
                else:
                    r.error("证件号码", "该证件号码已登记在其他机构管理的人员名下，请联系该机构。")
                continue
        name_key = (to_simplified(d["name"]), d.get("birth_date"))
        if name_key in seen_names:
            r.error("姓名", f"与第 {seen_names[name_key]} 行姓名和出生日期都相同，可能重复。")
            continue
        seen_names[name_key] = r.row
        same_name = by_name.get(name_key[0], [])
        birth, prec = d.get("birth_date"), d.get("birth_precision", "d")
        exact = [c for c in same_name if same_birth(birth, prec, c[1], c[2])]
        unknown = [c for c in same_name if birth is None or c[1] is None]
        if len(exact) == 1 and not unknown:
            r.person_id, r.fate = exact[0][0], UPDATE
        elif len(same_name) == 1 and birth is None and same_name[0][1] is None:
            # Neither side knows the birth date: the same person only if the row says nothing new (an
            # exported row read back); checked after the comparison below.
            r.person_id, r.fate = same_name[0][0], UPDATE
            tentative.append(r)
        elif exact or unknown:
            r.fate = AMBIGUOUS
            r.candidates = [
                (pk, f"{name}（#{pk}，出生 {b or '未填'}）") for pk, b, _p, name in exact + unknown
            ]
            r.errors.append(("姓名", "已有同名人员，无法确定是否同一人：请在文件中补充证件号码或出生日期。"))
    _diff_updates([r for r in results if r.fate == UPDATE], term)
    for r in tentative:
        if r.fate != UNCHANGED:
            r.person_id, r.fate, r.changes = None, AMBIGUOUS, []
            r.candidates = [
                (pk, f"{name}（#{pk}，出生 未填）")
                for pk, _b, _p, name in by_name[to_simplified(r.data["name"])]
            ]
            r.errors.append(("姓名", "已有同名人员，无法确定是否同一人：请在文件中补充证件号码或出生日期。"))


_COMPARED = (
    "name",
    "romanised_name",
    "gender",
    "region",
    "birth_date",
    "party",
    "employer",
    "titles",
    "email",
    "address",
    "notes",
)


def _diff_updates(rows: list[RowResult], term) -> None:
    """Mark matched rows whose values are already recorded as unchanged; list what an update changes."""
    if not rows:
        return
    persons = {
        p.pk: p
        for p in Person.objects.filter(pk__in=[r.person_id for r in rows])
        .select_related("sector")
        .prefetch_related("phones", "documents", "tags", "term_roles")
    }
    for r in rows:
        p = persons[r.person_id]
        d = r.data
        # Keep what is recorded when the file says the same thing less precisely or in the other script.
        if "name" in d and to_simplified(d["name"]) == to_simplified(p.name):
            d["name"] = p.name
        if "birth_date" in d and same_birth(
            d["birth_date"], d.get("birth_precision", "d"), p.birth_date, p.birth_precision
        ):
            if _RANK.get(d.get("birth_precision") or "d", 2) <= _RANK.get(p.birth_precision, 2):
                d["birth_date"], d["birth_precision"] = p.birth_date, p.birth_precision
        changes = [FIELDS_BY_ATTR.get(k, k) for k in _COMPARED if k in d and d[k] != getattr(p, k)]
        if "sector" in d and normalise(d["sector"]) != normalise(p.sector.name if p.sector else ""):
            changes.append("界别")
        if "phones" in d and not set(d["phones"]) <= {(ph.country_code, ph.number) for ph in p.phones.all()}:
            changes.append("电话")
        if "document" in d and d["document"] not in {(doc.kind, doc.number) for doc in p.documents.all()}:
            changes.append("证件")
        if "tags" in d and not {normalise(t) for t in d["tags"]} <= {normalise(t.name) for t in p.tags.all()}:
            changes.append("标签")
        role = d.get("role", TermRoleKind.MEMBER)
        if term is not None and role is not None:
            if not any(tr.term_id == term.pk and tr.role == role for tr in p.term_roles.all()):
                changes.append("届内身份")
        r.changes = changes
        r.fate = UPDATE if changes else UNCHANGED


FIELDS_BY_ATTR = {
    "name": "姓名",
    "romanised_name": "英文/拼音姓名",
    "gender": "性别",
    "region": "地区",
    "birth_date": "出生日期",
    "party": "党派",
    "employer": "工作单位",
    "titles": "职务/职称",
    "email": "电子邮箱",
    "address": "通讯地址",
    "notes": "备注",
}


# -------------------------------------------------------------------------------------------- committing


def commit(
    analysis: Analysis, *, user, owner_org, skip_errors: bool = False, progress: Progress = None
) -> dict[str, int]:
    """Write the analysed rows in one transaction (all or nothing).

    Refuses while rows have errors or ambiguous matches unless `skip_errors` (then those rows are left out and
    counted). New persons are bulk-inserted (with history rows); updates go through `person_update`.
    """
    from simple_history.utils import bulk_create_with_history

    from . import services
    from .models import Phone, Tag

    if user is not None:
        permissions.require(user, "import", Person)
    if owner_org is None:
        raise DomainError("没有指定名册所属机构。")
    blocking = analysis.blocking
    if blocking and not skip_errors:
        first = blocking[0]
        column, reason = first.errors[0] if first.errors else ("", "")
        raise DomainError(
            f"有 {len(blocking)} 行有错误或无法确定，未导入任何数据。第 {first.row} 行“{column}”：{reason}",
            code="rows_invalid",
        )
    term = analysis.term
    new_rows = [r for r in analysis.rows if r.fate == NEW]
    update_rows = [r for r in analysis.rows if r.fate == UPDATE]
    total = len(new_rows) + len(update_rows)
    with transaction.atomic():
        sectors: dict[str, object] = {}

        def sector(name):
            key = normalise(name)
            if key not in sectors:
                sectors[key] = services.sector_for_name(name)
            return sectors[key]

        persons = []
        for r in new_rows:
            d = r.data
            p = Person(
                owner_org=owner_org,
                name=d["name"],
                romanised_name=d.get("romanised_name", ""),
                gender=d.get("gender", ""),
                region=d.get("region", Region.HONG_KONG),
                birth_date=d.get("birth_date"),
                birth_precision=d.get("birth_precision") or "d",
                sector=sector(d["sector"]) if d.get("sector") else None,
                party=d.get("party", ""),
                employer=d.get("employer", "")[:200],
                titles=d.get("titles", "")[:300],
                email=d.get("email", ""),
                address=d.get("address", ""),
                notes=d.get("notes", ""),
            )
            p.search_text = services.person_search_text(p)
            p.sort_name = services.person_sort_name(p)
            persons.append(p)
        created = bulk_create_with_history(persons, Person, batch_size=500, default_user=user)
        if any(p.pk is None for p in created):  # databases that do not return keys from bulk inserts
            created = list(Person.objects.filter(owner_org=owner_org).order_by("-pk")[: len(persons)])[::-1]
        if progress:
            progress(len(created), total, "写入新增人员")
        crash.point("members.import.persons_written")  # persons in, their phones and documents not yet
        phones, docs, roles, tag_links = [], [], [], []
        tag_cache: dict[str, Tag] = {}
        for r, p in zip(new_rows, created, strict=True):
            r.person_id = p.pk
            d = r.data
            for i, (code, number) in enumerate(d.get("phones", [])):
                phones.append(
                    Phone(
                        owner_org=owner_org,
                        person=p,
                        kind=PhoneKind.MOBILE,
                        country_code=code,
                        number=number,
                        number_index=blind_index(number),
                        is_primary=i == 0,
                    )
                )
            if "document" in d:
                kind, number = d["document"]
                docs.append(
                    IdentityDocument(
                        owner_org=owner_org,
                        person=p,
                        kind=kind,
                        number=number,
                        number_index=blind_index(number),
                        expiry_date=d.get("document_expiry"),
                    )
                )
            if term is not None:
                roles.append(TermRole(person=p, term=term, role=d.get("role") or TermRoleKind.MEMBER))
            for t in d.get("tags", []):
                key = normalise(t)
                if key not in tag_cache:
                    tag_cache[key] = services.tag_for_name(t)
                tag_links.append(Person.tags.through(person_id=p.pk, tag_id=tag_cache[key].pk))
        bulk_create_with_history(phones, Phone, batch_size=500, default_user=user)
        bulk_create_with_history(docs, IdentityDocument, batch_size=500, default_user=user)
        bulk_create_with_history(roles, TermRole, batch_size=500, default_user=user)
        Person.tags.through.objects.bulk_create(tag_links, batch_size=500, ignore_conflicts=True)
        for i, r in enumerate(update_rows, start=1):
            _update(r, user=user, term=term, sector=sector)
            if progress and i % 200 == 0:
                progress(len(created) + i, total, "更新已有人员")
        # committed (with the caller's import record, when the caller holds the transaction), before the
        # caller hears of it
        transaction.on_commit(lambda: crash.point("members.import.committed"))
    if progress:
        progress(total, total, "导入完成")
    counts = analysis.counts
    return {
        "created": len(new_rows),
        "updated": len(update_rows),
        "unchanged": counts[UNCHANGED],
        "skipped": len(blocking),
    }


def _update(r: RowResult, *, user, term, sector) -> None:
    from . import services

    d = dict(r.data)
    person = Person.objects.get(pk=r.person_id)
    changes = {
        k: d[k]
        for k in (
            "name",
            "romanised_name",
            "gender",
            "region",
            "birth_date",
            "birth_precision",
            "party",
            "employer",
            "titles",
            "email",
            "address",
            "notes",
        )
        if k in d
    }
    if d.get("sector"):
        changes["sector"] = sector(d["sector"])
    if "phones" in d:
        existing = [(ph.country_code, ph.number) for ph in person.phones.all()]
        merged = existing + [p for p in d["phones"] if p not in existing]
        changes["phones"] = [{"country_code": c, "number": n} for c, n in merged]
    if "document" in d:
        kind, number = d["document"]
        changes["documents"] = [{"kind": kind, "number": number, "expiry_date": d.get("document_expiry")}]
    if "tags" in d:
        changes["tags"] = [t.name for t in person.tags.all()] + d["tags"]
    services.person_update(actor=user, person=person, check=False, **changes)
    if term is not None:
        if d.get("role", TermRoleKind.MEMBER) is not None:
            services.term_role_add(person=person, term=term, role=d.get("role", TermRoleKind.MEMBER))
