"""Hong Kong wording on top of OpenCC's character conversion (issue 12 item 15).

OpenCC `s2hk` converts character by character (登录 → 登錄, 数据 → 數據); Hong Kong readers expect their own
words for the interface (登入, 資料). `hk_wording(text)` rewrites the converted text with this table, longest
phrase first; `KEEP` lists phrases that must stay as they are (formal names such as 社情民意信息).
Add a row when a page reads oddly to a Hong Kong member: the key as s2hk writes it, the value as HK writes it.
"""

import re

PHRASES = {
    "登錄": "登入",
    "數據": "資料",
    "信息": "資訊",
    "短信": "短訊",
    "打印": "列印",
    "導出": "匯出",
    "導入": "匯入",
    "電子郵箱": "電郵地址",
    "電子郵件": "電郵",
    "郵箱": "電郵",
    "默認": "預設",
    "設置": "設定",
    "保存": "儲存",
    "服務器": "伺服器",
    "搜索": "搜尋",
    "視頻": "視像",
    "上傳": "上載",
    "賬號": "帳戶",
    "用户": "用戶",
    "鏈接": "連結",
    "菜單": "選單",
}
# Formal names and fixed terms the table must not touch.
KEEP = ("社情民意信息", "大數據")

_TABLE = {**PHRASES, **{k: k for k in KEEP}}
_PATTERN = re.compile("|".join(re.escape(k) for k in sorted(_TABLE, key=len, reverse=True)))


def hk_wording(text: str) -> str:
    """Traditional text (as s2hk wrote it) in Hong Kong wording."""
    return _PATTERN.sub(lambda m: _TABLE[m.group(0)], text) if text else text
