"""The roster importer survives real files and refuses bad ones without writing anything."""

import datetime as dt
import io
import zipfile

import pytest

from core.errors import DomainError
from members.importer import AMBIGUOUS, ERROR, NEW, UNCHANGED, UPDATE, ImportRefused, analyse, commit
from members.models import Person
from members.services import person_create
from members.tests.rosters import big_roster, messy_roster, workbook

pytestmark = pytest.mark.django_db


def _fates(analysis):
    return {r.name or f"#{r.row}": r.fate for r in analysis.rows}


def test_messy_roster_header_is_found_below_the_title(users, term):
    analysis = analyse(messy_roster(), user=users["staff"], term=term)
    assert analysis.header_row == 3
    fields = {c.header: c.field for c in analysis.columns}
    assert fields["委员姓名"] == "name" and fields["出生年月"] == "birth" and fields["所在地"] == "region"
    assert fields["工作单位及职务"] == "employer_titles" and fields["回乡证号码"] == "document_number"
    assert fields["序号"] == ""


def test_messy_roster_rows_are_read_as_people_meant_them(users, term):
    analysis = analyse(messy_roster(), user=users["staff"], term=term)
    rows = {r.name: r for r in analysis.rows}
    assert len(analysis.rows) == 8  # blank rows and the trailing 备注 row are skipped
    chan = rows["陳大文"].data
    assert chan["birth_date"] == dt.date(1965, 3, 1) and chan["birth_precision"] == "m"
    assert chan["phones"] == [("+852", "+85291234567")] and chan["document"] == ("hrp", "H1234567801")
    ho = rows["何嘉欣"].data
    assert ho["birth_date"] == dt.date(1965, 3, 12)  # Excel serial date
    assert ho["sector"] == "港澳界"  # merged cell filled down
    assert ho["phones"] == [("+852", "+85291237654")] and ho["document"] == (
        "hrp",
        "H7654321002",
    )  # full-width
    leung = rows["梁美玲"].data  # spaces between characters removed
    assert leung["region"] == "mo" and leung["phones"] == [("+853", "+85366123456")]
    assert rows["吳志強"].data["birth_precision"] == "m"


def test_messy_roster_errors_name_row_column_and_reason(users, term):
    analysis = analyse(messy_roster(), user=users["staff"], term=term)
    errors = {r.row: r.errors for r in analysis.rows if r.fate == ERROR}
    assert set(errors) == {9, 10, 11}
    assert errors[9][0][0] == "回乡证号码" and "格式不正确" in errors[9][0][1]
    assert errors[10][0] == ("出生年月", "日期“1960-02-30”不存在（请检查月份和日期）。")
    assert errors[11][0] == ("姓名", "姓名为空。")


def test_commit_refuses_rows_with_errors_unless_told_to_skip_them(users, term, orgs):
    analysis = analyse(messy_roster(), user=users["staff"], term=term)
    before = Person.objects.count()
    # 3 rows with errors, and 陳大文: the demo login's 陈大文 has no birth date, so it may be the same person
    with pytest.raises(DomainError, match="有 4 行有错误或无法确定，未导入任何数据"):
        commit(analysis, user=users["staff"], owner_org=orgs.committee)
    assert Person.objects.count() == before
    counts = commit(analysis, user=users["staff"], owner_org=orgs.committee, skip_errors=True)
    assert counts == {"created": 4, "updated": 0, "unchanged": 0, "skipped": 4}
    ho = Person.objects.get(name="何嘉欣")
    assert ho.documents.get().number == "H7654321002" and ho.term_roles.get().term == term
    assert "hejiaxin" in ho.search_text and ho.sector.name == "港澳界"
    assert Person.objects.get(name="吳志強").notes == "常委"


def test_reimporting_the_same_file_changes_nothing(users, term, orgs):
    commit(
        analyse(messy_roster(), user=users["staff"], term=term),
        user=users["staff"],
        owner_org=orgs.committee,
        skip_errors=True,
    )
    again = analyse(messy_roster(), user=users["staff"], term=term)
    assert {r.fate for r in again.rows if r.name in ("何嘉欣", "梁美玲", "吳志強", "周浩然")} == {UNCHANGED}


def test_matching_by_document_then_by_name_and_birth(users, term, orgs):
    staff = users["staff"]
    by_doc = person_create(
        actor=staff,
        owner_org=orgs.committee,
        name="陈大文",
        documents=[{"kind": "hrp", "number": "H1234567801"}],
    )
    by_birth = person_create(
        actor=staff, owner_org=orgs.committee, name="何嘉欣", birth_date=dt.date(1965, 3, 12)
    )
    person_create(actor=staff, owner_org=orgs.committee, name="周浩然")  # no birth date: cannot tell
    person_create(
        actor=staff, owner_org=orgs.committee, name="梁美玲", birth_date=dt.date(1980, 1, 1)
    )  # other
    analysis = analyse(messy_roster(), user=staff, term=term)
    rows = {r.name: r for r in analysis.rows}
    assert (rows["陳大文"].fate, rows["陳大文"].person_id) == (
        UPDATE,
        by_doc.pk,
    )  # Traditional name, same doc
    assert (rows["何嘉欣"].fate, rows["何嘉欣"].person_id) == (UPDATE, by_birth.pk)
    assert "电话" in rows["何嘉欣"].changes
    assert rows["周浩然"].fate == AMBIGUOUS and rows["周浩然"].candidates  # shown, not guessed
    assert rows["梁美玲"].fate == NEW  # same name, other birth date: someone else


def test_updates_keep_what_the_file_does_not_say(users, term, orgs):
    staff = users["staff"]
    person = person_create(
        actor=staff,
        owner_org=orgs.committee,
        name="陈大文",
        email="keep@example.test",
        documents=[{"kind": "hrp", "number": "H1234567801"}],
        phones=["+86 13900000000"],
    )
    analysis = analyse(messy_roster(), user=staff, term=term)
    commit(analysis, user=staff, owner_org=orgs.committee, skip_errors=True)
    person.refresh_from_db()
    assert person.name == "陈大文"  # the Traditional spelling in the file does not rename
    assert person.email == "keep@example.test" and person.phones.count() == 2
    assert person.birth_display == "1965年3月"


@pytest.mark.parametrize(
    "data,reason",
    [
        (b"", "空文件"),
        (b"name,birth\n\xe9\x99\x88,1965\n", "不是 Excel 工作簿"),
        (b"PK\x03\x04garbage-not-a-zip", "已损坏"),
        (b"\xd0\xcf\x11\xe0" + "EncryptionInfo".encode("utf-16-le") + b"\x00" * 64, "密码保护"),
        (b"\xd0\xcf\x11\xe0" + b"\x00" * 64, "旧版 .xls"),
    ],
)
def test_bad_files_are_refused_in_chinese(users, term, data, reason):
    with pytest.raises(ImportRefused, match=reason):
        analyse(data, user=users["staff"], term=term, filename="名册.xlsx")


def test_a_zip_that_is_not_a_workbook_is_refused(users, term):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "hi")
    with pytest.raises(ImportRefused, match="已损坏"):
        analyse(buffer.getvalue(), user=users["staff"], term=term)


def test_empty_sheet_and_missing_header_are_refused(users, term):
    with pytest.raises(ImportRefused, match="是空的"):
        analyse(workbook([]), user=users["staff"], term=term)
    with pytest.raises(ImportRefused, match="没有找到表头"):
        analyse(workbook([["a", "b"], [1, 2]]), user=users["staff"], term=term)
    with pytest.raises(ImportRefused, match="没有数据行"):
        analyse(workbook([["姓名", "性别", "出生日期"]]), user=users["staff"], term=term)


def test_too_many_rows_is_refused_before_reading_them(users, term):
    with pytest.raises(ImportRefused, match="超过单次导入上限 10,000 行"):
        analyse(big_roster(10_100), user=users["staff"], term=term)


def test_staff_can_correct_the_mapping(users, term):
    data = workbook([["姓名", "性别", "出生日期", "联络"], ["陈大文", "男", "1965-03-12", "+852 9123 4567"]])
    assert "phones" not in analyse(data, user=users["staff"], term=term).rows[0].data
    analysis = analyse(data, user=users["staff"], term=term, mapping={3: "phone"})
    assert analysis.rows[0].data["phones"] == [("+852", "+85291234567")]
    with pytest.raises(ImportRefused, match="姓名"):
        analyse(data, user=users["staff"], term=term, mapping={0: ""})


def test_importing_is_refused_to_leaders(users, term):
    from core.errors import PermissionRefused

    with pytest.raises(PermissionRefused):
        analyse(messy_roster(), user=users["leader"], term=term)


def test_duplicate_rows_inside_the_file_are_errors(users, term):
    data = workbook(
        [
            ["姓名", "出生日期", "回乡证号码"],
            ["陈大文", "1965-03-12", "H1234567801"],
            ["陈小文", "1966-03-12", "H1234567801"],
        ]
    )
    analysis = analyse(data, user=users["staff"], term=term)
    assert analysis.rows[1].errors == [("证件号码", "与第 2 行的证件号码相同。")]
