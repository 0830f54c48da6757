"""Guard 5: `manage.py import_members` killed half-way (SIGKILL, a real process) leaves no half-written roster,
and running it again imports everything exactly once."""

import pytest

from core.tests.crash import KILLED, SharedDatabase
from members.models import IdentityDocument, Person, Phone, TermRole
from members.tests.rosters import big_roster

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = 120


@pytest.fixture
def roster(tmp_path):
    path = tmp_path / "名册.xlsx"
    path.write_bytes(big_roster(ROWS))
    return path


def _counts():
    return (
        Person.objects.count(),
        Phone.objects.count(),
        IdentityDocument.objects.count(),
        TermRole.objects.count(),
    )


def test_a_kill_inside_the_import_leaves_nothing_and_a_rerun_imports_all(tmp_path, roster, term, users):
    db = SharedDatabase(tmp_path)
    before = _counts()
    args = ("import_members", str(roster), "--org", "港澳台侨外事委", "--term", "14")

    killed = db.run(*args, crash_at="members.import.persons_written")
    assert killed.returncode == KILLED, killed.stderr
    assert "写入新增人员" in killed.stderr  # it was writing when it died
    assert _counts() == before  # no person without phones and documents, no phone without a person

    again = db.run(*args)
    assert again.returncode == 0, again.stderr
    assert f"新增 {ROWS}" in again.stdout
    people, phones, documents, roles = (n - b for n, b in zip(_counts(), before, strict=True))
    assert (people, phones, documents, roles) == (ROWS, ROWS, ROWS, ROWS)


def test_a_kill_just_after_the_commit_is_safe_to_rerun(tmp_path, roster, term, users):
    db = SharedDatabase(tmp_path)
    before = _counts()
    args = ("import_members", str(roster), "--org", "港澳台侨外事委", "--term", "14")

    killed = db.run(*args, crash_at="members.import.committed")
    assert killed.returncode == KILLED
    after_kill = _counts()
    assert after_kill[0] - before[0] == ROWS  # committed whole before the crash

    again = db.run(*args)
    assert again.returncode == 0, again.stderr
    assert f"无变化 {ROWS}" in again.stdout  # matched by document, nothing doubled
    assert _counts() == after_kill
