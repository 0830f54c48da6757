"""Hong Kong wording in 繁體 (issue 12 item 15): the interface's words, not only its characters."""

import pytest
from django.urls import reverse

from conftest import login_client
from core.hk_phrases import PHRASES, hk_wording
from core.text import to_traditional


@pytest.mark.parametrize(
    "simplified,hong_kong",
    [
        ("登录", "登入"),
        ("数据保存在本单位服务器", "資料儲存在本單位伺服器"),
        ("信息", "資訊"),
        ("打印通讯录", "列印通訊錄"),
        ("导出 Excel", "匯出 Excel"),
        ("电子邮箱", "電郵地址"),
        ("邮箱", "電郵"),
        ("个人设置", "個人設定"),
        ("用户名", "用戶名"),
        ("视频", "視像"),
    ],
)
def test_interface_words_read_as_hong_kong_writes_them(simplified, hong_kong):
    assert to_traditional(simplified) == hong_kong


def test_formal_names_are_kept():
    assert to_traditional("社情民意信息") == "社情民意信息"
    assert to_traditional("提交社情民意信息和其他信息") == "提交社情民意信息和其他資訊"
    assert to_traditional("大数据") == "大數據"


def test_every_phrase_is_applied_after_the_character_conversion():
    for traditional, hk in PHRASES.items():
        assert hk_wording(f"《{traditional}》") == f"《{hk}》"
    assert hk_wording("") == ""


@pytest.mark.django_db
def test_the_signed_in_name_and_the_menu_convert_for_a_traditional_reader(client, users):
    member = users["member"]
    member.full_name = "陈大文"
    member.save()
    session = login_client(client, member)
    session.post(reverse("accounts:switch_script"), {"script": "hant", "next": "/"})
    html = session.get("/").content.decode()
    assert "陳大文" in html and "陈大文" not in html
    assert "登錄" not in html and "數據" not in html
