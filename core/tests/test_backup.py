"""Guard 4: `manage.py backup` then `manage.py restore` brings back exactly what was there — rows, encrypted
identity data and uploads — on SQLite and PostgreSQL; a restore that cannot succeed changes nothing."""

import shutil
import tarfile
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import CommandError, call_command
from django.db import connection
from django.test import override_settings

from accounts.models import User
from members.models import Person, Phone
from organisations.models import Organisation

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor == "postgresql" and shutil.which("pg_dump") is None,
        reason="pg_dump is not installed",
    ),
]


@pytest.fixture
def media(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    (settings.MEDIA_ROOT / "visits" / "1").mkdir(parents=True)
    (settings.MEDIA_ROOT / "visits" / "1" / "photo.jpg").write_bytes(b"\xff\xd8 a photo")
    return settings.MEDIA_ROOT


@pytest.fixture
def data(users, orgs):
    from members.services import person_create

    person = person_create(
        actor=None, check=False, owner_org=orgs.committee, name="陈备份", phones=["+852 91234567"]
    )
    return person


def _backup(tmp_path) -> Path:
    call_command("backup", "--output", str(tmp_path / "backups"))
    (archive,) = (tmp_path / "backups").glob("tongxin-backup-*.tar.gz")
    return archive


def test_backup_change_restore_finds_everything_as_it_was(tmp_path, media, data, capsys):
    users_before = set(User.objects.values_list("username", flat=True))
    orgs_before = Organisation.objects.count()
    phones_before = [(p.number, p.number_index) for p in data.phones.all()]
    archive = _backup(tmp_path)
    assert "备份完成" in capsys.readouterr().out

    Person.objects.filter(pk=data.pk).update(name="改过的名字")
    Phone.objects.filter(person=data).delete()
    User.objects.filter(username="member").delete()
    Organisation.objects.create(name="备份之后新建的机构", kind="other", path="/999/")
    (media / "visits" / "1" / "photo.jpg").unlink()
    (media / "later.txt").write_text("after the backup")

    call_command("restore", str(archive), "--yes")

    person = Person.objects.get(pk=data.pk)
    assert person.name == "陈备份"
    assert [(p.number, p.number_index) for p in person.phones.all()] == phones_before  # decrypts, same index
    assert set(User.objects.values_list("username", flat=True)) == users_before
    assert Organisation.objects.count() == orgs_before
    assert (media / "visits" / "1" / "photo.jpg").read_bytes() == b"\xff\xd8 a photo"
    assert not (media / "later.txt").exists()
    assert "恢复完成" in capsys.readouterr().out


def test_the_keys_are_not_in_the_archive_unless_asked_for(tmp_path, media, data, capsys, settings):
    archive = _backup(tmp_path)
    with tarfile.open(archive) as tar:
        names = tar.getnames()
        content = b"".join(tar.extractfile(m).read() for m in tar.getmembers() if m.isfile())
    assert "keys.env" not in names and "manifest.json" in names
    assert settings.TONGXIN_FIELD_KEY.encode() not in content
    assert "密钥不在备份中" in capsys.readouterr().out
    assert oct(archive.stat().st_mode & 0o777) == "0o600"


def test_a_restore_with_another_field_key_is_refused_and_changes_nothing(tmp_path, media, data):
    archive = _backup(tmp_path)
    Person.objects.filter(pk=data.pk).update(name="恢复被拒后仍是这个名字")
    with override_settings(TONGXIN_FIELD_KEY=Fernet.generate_key().decode()):
        with pytest.raises(CommandError, match="不是备份时使用的密钥"):
            call_command("restore", str(archive), "--yes")
    assert Person.objects.get(pk=data.pk).name == "恢复被拒后仍是这个名字"


def test_a_file_that_is_not_a_backup_is_refused_in_chinese(tmp_path, media, data):
    bogus = tmp_path / "tongxin-backup-bogus.tar.gz"
    bogus.write_bytes(b"this is not a tar file")
    with pytest.raises(CommandError, match="不是同心的备份文件"):
        call_command("restore", str(bogus), "--yes")
    with pytest.raises(CommandError, match="找不到备份文件"):
        call_command("restore", str(tmp_path / "nope.tar.gz"), "--yes")
    assert Person.objects.get(pk=data.pk).name == "陈备份"
