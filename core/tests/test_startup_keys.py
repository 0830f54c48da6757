"""Defect 7: a missing or wrong field key must stop start-up with a message naming it, never start and then fail
on every page that decrypts; production settings never invent keys."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings

from core.checks import exit_if_field_key_cannot_decrypt, field_key_problem

ROOT = Path(__file__).resolve().parents[2]


def _clean_env(**extra) -> dict:
    """The environment of a fresh shell: none of the test run's keys or settings."""
    env = {
        k: v for k, v in os.environ.items() if k not in ("TONGXIN_FIELD_KEY", "SECRET_KEY", "DATABASE_URL")
    }
    env.pop("DJANGO_SETTINGS_MODULE", None)
    env.pop("TONGXIN_GENERATE_SECRETS", None)
    env.update(extra)
    return env


def _import_settings(module: str, var_dir: Path, **extra) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); print('started')"],
        cwd=ROOT,
        env=_clean_env(DJANGO_SETTINGS_MODULE=module, TONGXIN_VAR_DIR=str(var_dir), **extra),
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def encrypted_phone(orgs):
    from members.services import person_create

    return person_create(
        actor=None, check=False, owner_org=orgs.committee, name="陈密钥", phones=["+852 91234567"]
    )


def test_the_configured_key_reads_what_it_encrypted(encrypted_phone):
    assert field_key_problem() is None


def test_a_key_that_cannot_decrypt_stored_data_is_refused_by_the_system_check(encrypted_phone):
    with override_settings(TONGXIN_FIELD_KEY=Fernet.generate_key().decode(), TONGXIN_FIELD_KEY_SOURCE="env"):
        problem = field_key_problem()
        assert problem is not None
        assert "TONGXIN_FIELD_KEY" in problem and "无法解密" in problem and "cannot decrypt" in problem
        with pytest.raises(SystemCheckError, match="core.E001"):
            call_command("check")


def test_a_freshly_generated_key_is_named_as_such(encrypted_phone, tmp_path):
    key_file = tmp_path / "field.key"
    with override_settings(
        TONGXIN_FIELD_KEY=Fernet.generate_key().decode(),
        TONGXIN_FIELD_KEY_SOURCE="generated",
        TONGXIN_FIELD_KEY_FILE=key_file,
    ):
        problem = field_key_problem()
    assert f"刚刚新生成的 {key_file}" in problem
    assert "generated just now" in problem


def test_the_wsgi_start_up_stops_instead_of_serving_with_a_wrong_key(encrypted_phone, capsys):
    with override_settings(TONGXIN_FIELD_KEY=Fernet.generate_key().decode()):
        with pytest.raises(SystemExit) as exit_info:
            exit_if_field_key_cannot_decrypt()
    assert exit_info.value.code != 0
    assert "TONGXIN_FIELD_KEY" in capsys.readouterr().err


def test_an_old_key_kept_second_during_rotation_still_reads_the_data(encrypted_phone, settings):
    old = settings.TONGXIN_FIELD_KEY
    with override_settings(TONGXIN_FIELD_KEY=f"{Fernet.generate_key().decode()},{old}"):
        assert field_key_problem() is None


def test_production_settings_refuse_a_missing_secret_key_and_generate_nothing(tmp_path):
    result = _import_settings("tongxin.settings.prod", tmp_path)
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr and "不会自动生成" in result.stderr
    assert not (tmp_path / "secret.key").exists()
    assert not (tmp_path / "field.key").exists()


def test_production_settings_refuse_a_missing_field_key(tmp_path):
    result = _import_settings("tongxin.settings.prod", tmp_path, SECRET_KEY="x" * 60)
    assert result.returncode != 0
    assert "TONGXIN_FIELD_KEY" in result.stderr
    assert not (tmp_path / "field.key").exists()


def test_production_settings_accept_keys_from_the_environment_or_from_var(tmp_path):
    key = Fernet.generate_key().decode()
    by_env = _import_settings("tongxin.settings.prod", tmp_path, SECRET_KEY="x" * 60, TONGXIN_FIELD_KEY=key)
    assert by_env.returncode == 0, by_env.stderr
    (tmp_path / "secret.key").write_text("y" * 60)
    (tmp_path / "field.key").write_text(key)
    by_file = _import_settings("tongxin.settings.prod", tmp_path)
    assert by_file.returncode == 0, by_file.stderr


def test_make_run_settings_generate_keys_on_a_fresh_machine(tmp_path):
    result = _import_settings("tongxin.settings.run", tmp_path)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "secret.key").exists() and (tmp_path / "field.key").exists()
    assert oct((tmp_path / "field.key").stat().st_mode & 0o777) == "0o600"
