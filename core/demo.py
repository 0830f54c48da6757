"""Shared facts of the demo story, used by every app's `demo.py`. The story is the seed document's year."""

import datetime as dt

DEMO_YEAR = 2025
DEMO_PASSWORD = "Tongxin@2025"

# username → (role, full name, organisation name). Names are clearly fictional.
DEMO_LOGINS = {
    "admin": ("admin", "系统管理员（演示）", "广州市政协"),
    "staff": ("staff", "林小办（演示）", "广州市政协港澳台侨外事委员会"),
    "leader": ("leader", "高主任（演示）", "广州市政协港澳台侨外事委员会"),
    "member": ("member", "陈大文（演示）", None),
    "advisor": ("advisor", "黄侨心（演示）", None),
    "unit": ("unit", "体育局联络员（演示）", "广州市体育局"),
    "partner": ("partner", "省政协联络员（演示）", "广东省政协"),
}


def day(month: int, d: int) -> dt.date:
    return dt.date(DEMO_YEAR, month, d)
