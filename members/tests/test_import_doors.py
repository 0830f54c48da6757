"""The same import engine behind the page, the API and `manage.py import_members`."""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from members.models import ImportBatch, Person
from members.tests.rosters import messy_roster, workbook

pytestmark = pytest.mark.django_db

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _upload(data=None, name="港澳委员名单.xlsx"):
    return SimpleUploadedFile(name, data if data is not None else messy_roster(), content_type=XLSX)


def test_page_upload_preview_correct_mapping_and_commit(client_for, users, term):
    client = client_for(users["staff"])
    response = client.post(reverse("members:import"), {"file": _upload(), "term": term.pk})
    batch = ImportBatch.objects.get()
    assert response.status_code == 302 and response.url == reverse("members:import_preview", args=[batch.pk])
    html = client.get(response.url).content.decode()
    assert "表头在第 3 行" in html
    assert "第 10 行“出生年月”：日期“1960-02-30”不存在" in html
    assert "新增 4" in html and "错误 3" in html and "无法确定 1" in html
    # staff say 备注 is not to be imported: the preview follows the corrected mapping
    html = client.get(response.url, {"col_10": ""}).content.decode()
    assert '<option value="notes" selected>' not in html
    before = Person.objects.count()
    refused = client.post(reverse("members:import_commit", args=[batch.pk]), {"col_10": ""})
    assert refused.status_code == 302 and Person.objects.count() == before  # errors: nothing written
    done = client.post(reverse("members:import_commit", args=[batch.pk]), {"col_10": "", "skip_errors": "1"})
    assert done.status_code == 302 and Person.objects.count() == before + 4
    assert Person.objects.get(name="吳志強").notes == ""  # the corrected mapping was used
    batch.refresh_from_db()
    assert batch.committed_at and not batch.file  # the uploaded file with personal data is deleted
    again = client.post(reverse("members:import_commit", args=[batch.pk]), {"skip_errors": "1"})
    assert again.status_code == 302 and Person.objects.count() == before + 4


@pytest.mark.parametrize(
    "data,name,reason",
    [
        (b"%PDF-1.4 not a roster", "名册.pdf", "类型不被接受"),
        (b"PK\x03\x04broken", "名册.xlsx", "已损坏"),
    ],
)
def test_page_refuses_bad_files_with_a_chinese_message(client_for, users, term, data, name, reason):
    client = client_for(users["staff"])
    response = client.post(reverse("members:import"), {"file": _upload(data, name), "term": term.pk})
    assert response.status_code == 200 and reason in response.content.decode()
    assert not ImportBatch.objects.exists()


def test_page_with_no_header_shows_why(client_for, users, term):
    client = client_for(users["staff"])
    response = client.post(
        reverse("members:import"), {"file": _upload(workbook([["a"], [1]])), "term": term.pk}
    )
    html = client.get(response.url).content.decode()
    assert "没有找到表头" in html


def test_import_page_is_staff_only(client_for, users, term):
    assert client_for(users["leader"]).get(reverse("members:import")).status_code == 403
    response = client_for(users["member"]).post(reverse("members:import"), {"file": _upload()})
    assert response.status_code == 403 and not ImportBatch.objects.exists()


def test_other_committees_staff_cannot_open_a_batch(client_for, users, term):
    client_for(users["staff"]).post(reverse("members:import"), {"file": _upload(), "term": term.pk})
    batch = ImportBatch.objects.get()
    assert (
        client_for(users["other_staff"]).get(reverse("members:import_preview", args=[batch.pk])).status_code
        == 404
    )


def test_api_dry_run_then_commit(client_for, users, term):
    client = client_for(users["staff"])
    before = Person.objects.count()
    body = client.post("/api/v1/members/import", {"file": _upload()}).json()
    assert body["committed"] is False and body["counts"]["error"] == 3
    row = next(r for r in body["rows"] if r["row"] == 10)
    assert row["errors"][0] == {
        "column": "出生年月",
        "reason": "日期“1960-02-30”不存在（请检查月份和日期）。",
    }
    assert Person.objects.count() == before
    refused = client.post("/api/v1/members/import", {"file": _upload(), "dry_run": "false"})
    assert refused.status_code == 400 and "未导入任何数据" in refused.json()["detail"]
    done = client.post(
        "/api/v1/members/import",
        {"file": _upload(), "dry_run": "false", "skip_errors": "true", "mapping": json.dumps({"10": ""})},
    ).json()
    assert done["result"]["created"] == 4 and Person.objects.count() == before + 4


def test_api_import_refusals(client_for, users, term):
    response = client_for(users["leader"]).post("/api/v1/members/import", {"file": _upload()})
    assert response.status_code == 403
    response = client_for(users["staff"]).post(
        "/api/v1/members/import", {"file": _upload(b"hello", "a.xlsx")}
    )
    assert response.status_code == 400 and "类型不被接受" in response.json()["detail"]


def test_command_dry_run_lists_row_errors_and_exits_non_zero(tmp_path, users, term, capsys):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(messy_roster())
    before = Person.objects.count()
    with pytest.raises(CommandError, match="有 4 行有错误或无法确定"):
        call_command("import_members", str(path), "--dry-run", "--term", "14")
    out = capsys.readouterr()
    assert "第 10 行（坏日期）「出生年月」：日期“1960-02-30”不存在" in out.out  # names the person
    assert "预览完成" in out.err  # progress bar
    assert Person.objects.count() == before


def test_command_commits_with_skip_errors(tmp_path, users, term, orgs, capsys):
    path = tmp_path / "名单.xlsx"
    path.write_bytes(messy_roster())
    with pytest.raises(CommandError, match="未导入任何数据"):
        call_command("import_members", str(path), "--org", "港澳台侨外事委")
    call_command("import_members", str(path), "--org", "港澳台侨外事委", "--skip-errors", "--map", "10=")
    assert "导入完成：新增 4" in capsys.readouterr().out
    assert Person.objects.get(name="何嘉欣").owner_org == orgs.committee


def test_command_refuses_a_missing_or_bad_file(tmp_path, users, term):
    with pytest.raises(CommandError, match="找不到文件"):
        call_command("import_members", str(tmp_path / "nope.xlsx"))
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(b"not excel")
    with pytest.raises(CommandError, match="不是 Excel 工作簿"):
        call_command("import_members", str(bad), "--org", "港澳台侨外事委")
