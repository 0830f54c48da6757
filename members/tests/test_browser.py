"""Browser journeys: staff import a messy roster, fix the mapping, see row errors, commit, filter, export;
a member who prefers 繁體 opens their own profile and sees their document number masked."""

import pytest

from members.tests.rosters import messy_roster

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, live_server, username):
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "Passw0rd!x")
    page.click("button[type=submit]")
    page.wait_for_selector("h1")


def test_staff_import_a_messy_roster_then_filter_and_export(page, live_server, users, orgs, tmp_path):
    from members.tests.factories import TermFactory

    TermFactory(cppcc=orgs.city)
    path = tmp_path / "港澳委员名单（2025）.xlsx"
    path.write_bytes(messy_roster())
    _login(page, live_server, "staff")
    page.click("nav >> text=委员库")
    page.click("text=导入 Excel")
    page.set_input_files("input[name=file]", str(path))
    page.click("text=上传并预览")
    page.wait_for_selector("#import-summary")
    assert "表头在第 3 行" in page.inner_text("#mapping")
    rows = page.inner_text("#import-rows")
    assert "第 10 行“出生年月”：日期“1960-02-30”不存在" in rows
    assert "第 9 行“回乡证号码”" in rows and "第 11 行“姓名”：姓名为空" in rows
    # 备注 holds 常委 for one person: staff decide that column is not to be imported
    page.select_option("select[aria-label=备注]", "")
    page.click("text=重新预览")
    page.wait_for_selector("#import-summary")
    assert page.eval_on_selector("select[aria-label=备注]", "e => e.value") == ""
    page.check("input[name=skip_errors]")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("text=确认导入")
    page.wait_for_selector(".messages")
    assert "导入完成：新增 4 人" in page.inner_text(".messages")
    page.select_option("select[name=region]", "mo")
    page.click("text=筛选")
    page.wait_for_selector("#roster")
    roster = page.inner_text("#roster")
    assert "梁美玲" in roster and "何嘉欣" not in roster
    assert "66****56" in roster  # phones masked on screen
    page.fill("input[name=q]", "ho ka yan")
    page.select_option("select[name=region]", "")
    page.click("text=筛选")
    page.wait_for_selector("#roster")
    assert "何嘉欣" in page.inner_text("#roster")
    with page.expect_download() as download:
        page.click("text=导出 Excel")
    import io

    from openpyxl import load_workbook

    ws = load_workbook(io.BytesIO(download.value.path().read_bytes())).active
    assert [c.value for c in ws["A"]] == ["姓名", "何嘉欣"]


def test_member_preferring_traditional_sees_own_profile_with_masked_document(page, live_server, users):
    from members.services import person_update

    member = users["member"]
    member.script = "hant"
    member.save()
    person_update(
        actor=users["staff"],
        person=member.person,
        documents=[{"kind": "hrp", "number": "H1234567801"}],
        employer="香港同心国际贸易有限公司",
    )
    _login(page, live_server, "member")
    page.click("nav >> text=我的檔案")
    page.wait_for_selector("#documents")
    assert "H1234****01" in page.inner_text("#documents")
    body = page.inner_text("body")
    assert "H1234567801" not in body
    assert "國際貿易" in body and "回鄉證" in body
    assert "委員庫" not in page.inner_text("nav")
