"""Messy roster workbooks as staff really receive them, built in memory for tests and benchmarks."""

import datetime as dt
import io

from openpyxl import Workbook

from members.identity import hkid_check_digit

MESSY_HEADER = [
    "序号",
    "委员姓名",
    "英文名",
    "性别",
    "出生年月",
    "所在地",
    "界别",
    "工作单位及职务",
    "联系电话",
    "回乡证号码",
    "备注",
]


def messy_roster() -> bytes:
    """A title row merged across the sheet, a blank row, header synonyms, a sector merged down three rows,
    full-width digits, Traditional names, dates as text / Excel serial / real date, blank rows inside,
    three bad rows and a trailing 备注 row."""
    wb = Workbook()
    ws = wb.active
    ws.title = "港澳委员"
    ws.append(["广州市政协港澳台侨外事委员会 港澳委员名单（2025年）"])
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(MESSY_HEADER))
    ws.append([])
    ws.append(MESSY_HEADER)
    rows = [
        [
            1,
            "陳大文",
            "Chan Tai Man",
            "男",
            "1965.03",
            "香港",
            "港澳界",
            "香港同心贸易有限公司 董事长",
            "+852 9123 4567",
            "H1234567801",
            "",
        ],
        [
            2,
            "何嘉欣",
            "Ho Ka Yan",
            "女",
            23813,
            "香港",
            None,
            "香港仁爱医疗集团 行政总裁",
            "９１２３ ７６５４",
            "Ｈ７６５４３２１００２",
            "",
        ],
        [
            3,
            "梁 美 玲",
            "Leung Mei Ling",
            "女",
            dt.datetime(1972, 5, 8),
            "澳門",
            None,
            "澳门濠江建筑工程有限公司 总经理",
            "(853) 6612-3456",
            "M1122334401",
            "",
        ],
        [],
        [
            4,
            "吳志強",
            "Ng Chi Keung",
            "男",
            "1958年11月",
            "香港",
            "经济界",
            "香港明德书院 校长",
            "138 1234 5678",
            "",
            "常委",
        ],
        [5, "错号码", "", "男", "1960-01-01", "香港", "经济界", "", "", "H12", ""],
        [6, "坏日期", "", "女", "1960-02-30", "香港", "经济界", "", "", "", ""],
        [7, "", "No Name", "男", "1960", "香港", "经济界", "", "", "", ""],
        [8, "周浩然", "Chow Ho Yin", "男", "1970/7/7", "海外", "侨联界", "", "+852 5123 0000", "", ""],
    ]
    for row in rows:
        ws.append(row)
    ws.merge_cells("G4:G6")  # 港澳界 for the first three persons
    ws.append([])
    ws.append(["备注：本名单仅供内部使用。"])
    ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(MESSY_HEADER))
    return _bytes(wb)


def big_roster(n: int, *, start: int = 0) -> bytes:
    """n clean-ish rows (unique names and documents) for speed tests, written in write-only mode."""
    wb = Workbook(write_only=True)
    ws = wb.create_sheet("名册")
    ws.append(
        ["姓名", "性别", "出生日期", "地区", "界别", "工作单位", "职务", "手机", "证件号码", "电子邮箱"]
    )
    for i in range(start, start + n):
        ws.append(
            [
                f"基准委员{i:05d}",
                "男" if i % 2 else "女",
                dt.date(1950 + i % 40, 1 + i % 12, 1 + i % 28),
                "澳门" if i % 3 == 0 else "香港",
                ["港澳界", "经济界", "侨联界"][i % 3],
                f"测试公司{i}",
                "董事",
                f"+852 61{i % 1000000:06d}",
                f"{'M' if i % 3 == 0 else 'H'}{i:08d}01",
                f"m{i}@example.test",
            ]
        )
    return _bytes(wb)


def hkid(prefix: str, digits: str) -> str:
    return f"{prefix}{digits}({hkid_check_digit(prefix, digits)})"


def _bytes(wb) -> bytes:
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def workbook(rows: list[list]) -> bytes:
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    return _bytes(wb)
