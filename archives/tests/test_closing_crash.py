"""A real `manage.py build_archives` killed (SIGKILL) half-way through the year-end closing: running it again
continues the same run, renders only who is missing, and ends with every person exactly once and a complete
ZIP."""

import zipfile
from pathlib import Path

import pytest

from archives.models import Archive, ClosingRun, RunStatus
from archives.tests.factories import generated_year, hand_rules
from core.tests.crash import KILLED, SharedDatabase

pytestmark = pytest.mark.django_db(transaction=True)

COMMITTEE_PERSONS = 7
ARGS = ("build_archives", "--year", "2025")


@pytest.fixture
def media(tmp_path, monkeypatch, settings):
    """Files shared with the subprocess: a real directory on both sides."""
    root = tmp_path / "media"
    root.mkdir()
    monkeypatch.setenv("TONGXIN_TEST_MEDIA_DIR", str(root))
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(root)},
        },
    }
    return root


@pytest.fixture
def year(orgs, users):
    people = generated_year(orgs, users)
    people.rule_set = hand_rules(users["staff"])
    return people


def _zip_entries(media: Path, run: ClosingRun) -> list[str]:
    with zipfile.ZipFile(media / run.zip_file.name) as zf:
        return zf.namelist()


def test_a_kill_in_the_middle_of_the_closing_and_a_rerun_archive_everyone_once(tmp_path, media, year):
    db = SharedDatabase(tmp_path)
    killed = db.run(*ARGS, crash_at="archives.closing.archive_stored:3")
    assert killed.returncode == KILLED, killed.stderr
    run = ClosingRun.objects.get()
    assert run.status == RunStatus.RUNNING and run.done == 3 and run.total == COMMITTEE_PERSONS
    assert Archive.objects.count() == 3 and not run.zip_file
    before = dict(Archive.objects.values_list("person_id", "pdf"))
    assert all((media / name).is_file() for name in before.values())

    again = db.run(*ARGS)
    assert again.returncode == 0, again.stderr
    assert "继续归档" in again.stdout and f"已完成：{COMMITTEE_PERSONS} 份档案" in again.stdout
    assert ClosingRun.objects.count() == 1  # the same run, continued
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.done == run.total == COMMITTEE_PERSONS
    archives = Archive.objects.filter(run=run)
    assert archives.count() == Archive.objects.count() == COMMITTEE_PERSONS
    assert archives.values("person").distinct().count() == COMMITTEE_PERSONS
    after = dict(archives.values_list("person_id", "pdf"))
    assert all(after[pid] == name for pid, name in before.items())  # the first three were kept, not redone
    entries = _zip_entries(media, run)
    assert len(entries) == len(set(entries)) == COMMITTEE_PERSONS
    assert sorted(entries) == sorted(
        f"{a.person.name}_{a.person_id}.pdf" for a in archives.select_related("person")
    )


def test_a_kill_after_the_zip_was_written_finishes_on_the_rerun(tmp_path, media, year):
    db = SharedDatabase(tmp_path)
    killed = db.run(*ARGS, crash_at="archives.closing.zip_written")
    assert killed.returncode == KILLED, killed.stderr
    run = ClosingRun.objects.get()
    assert run.status == RunStatus.RUNNING and Archive.objects.count() == COMMITTEE_PERSONS

    again = db.run(*ARGS)
    assert again.returncode == 0, again.stderr
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and Archive.objects.count() == COMMITTEE_PERSONS
    assert len(set(_zip_entries(media, run))) == COMMITTEE_PERSONS
    assert len(list((media / "archives" / "zip").iterdir())) == 1  # the first ZIP was replaced, not kept
