"""Backup and restore of one installation: the database (a consistent snapshot) and the uploads, in one archive.

The archive (`tongxin-backup-YYYYMMDD-HHMMSS.tar.gz`) holds `manifest.json`, the database (`db.sqlite3`, made
with SQLite's online backup API, or `db.pgdump`, made with `pg_dump -Fc`) and `media/` (the uploads). The keys
are **not** in it unless asked for (`include_keys`): whoever holds the archive and the field key can read every
identity document, so they are kept apart (docs/operations.md). The manifest records a fingerprint of each field
key instead, so a restore can say before touching anything that the configured key cannot read the backup.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings
from django.db import connection, connections, transaction
from django.utils import timezone

from .errors import DomainError

FORMAT = 1


@dataclass
class BackupResult:
    path: Path
    size: int
    engine: str
    media_files: int
    key_fingerprints: list[str]


def key_fingerprints(keys: str | None = None) -> list[str]:
    """Short, one-way fingerprints of the configured field keys (safe to print and to store beside data)."""
    keys = settings.TONGXIN_FIELD_KEY if keys is None else keys
    return [
        hashlib.sha256(b"tongxin-field-key-fingerprint:" + k.strip().encode()).hexdigest()[:16]
        for k in keys.split(",")
        if k.strip()
    ]


def _engine() -> str:
    vendor = connection.vendor
    if vendor not in ("sqlite", "postgresql"):
        raise DomainError(f"不支持备份 {vendor} 数据库。")
    return vendor


def _pg_env_args() -> tuple[dict, list[str]]:
    db = connection.settings_dict
    env = {**os.environ}
    if db.get("PASSWORD"):
        env["PGPASSWORD"] = db["PASSWORD"]
    args = []
    if db.get("HOST"):
        args += ["-h", db["HOST"]]
    if db.get("PORT"):
        args += ["-p", str(db["PORT"])]
    if db.get("USER"):
        args += ["-U", db["USER"]]
    return env, args


def _run(cmd: list[str], env: dict) -> None:
    try:
        result = subprocess.run(cmd, env=env, capture_output=True, text=True)
    except FileNotFoundError:
        raise DomainError(f"找不到 {cmd[0]}：请安装 PostgreSQL 客户端（postgresql-client）。")
    if result.returncode != 0:
        raise DomainError(f"{cmd[0]} 失败：{result.stderr.strip()[-800:]}")


def _tables() -> dict[str, str]:
    from django.apps import apps

    return {
        m._meta.label_lower: m._meta.db_table
        for m in apps.get_models()
        if not m._meta.proxy and m._meta.managed
    }


def _dump_database(engine: str, target_dir: Path) -> tuple[str, dict[str, int]]:
    """The database file of the archive and the row count of every table *in that snapshot*."""
    if engine == "sqlite":
        target = target_dir / "db.sqlite3"
        connection.ensure_connection()
        out = sqlite3.connect(target)
        try:
            # The online backup API copies a consistent snapshot while the app keeps writing (WAL).
            connection.connection.backup(out)
            counts = {
                label: out.execute(f'SELECT COUNT(*) FROM "{table}"').fetchone()[0]
                for label, table in _tables().items()
            }
        finally:
            out.close()
        return target.name, counts
    target = target_dir / "db.pgdump"
    env, args = _pg_env_args()
    with transaction.atomic():
        with connection.cursor() as cursor:
            # pg_dump reads the very snapshot this transaction counts in: the counts describe the dump.
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            counts = {}
            for label, table in _tables().items():
                cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
                counts[label] = cursor.fetchone()[0]
        _run(
            [
                "pg_dump",
                "-Fc",
                "--no-owner",
                "--no-privileges",
                f"--snapshot={snapshot}",
                *args,
                "-f",
                str(target),
                connection.settings_dict["NAME"],
            ],
            env,
        )
    return target.name, counts


def _media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


def backup(*, output_dir: Path, include_keys: bool = False, progress=print) -> BackupResult:
    """Write one archive of the database and the uploads into `output_dir`; returns where and how big.

    The database is snapshotted first, then the uploads are copied (an upload added meanwhile may be in the
    archive without its row: harmless; uploads are never changed in place, only added and deleted)."""
    engine = _engine()
    output_dir.mkdir(parents=True, exist_ok=True)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M%S")
    archive = output_dir / f"tongxin-backup-{stamp}.tar.gz"
    with tempfile.TemporaryDirectory(dir=output_dir, prefix=".backup-") as tmp:
        tmp_dir = Path(tmp)
        progress("备份数据库……")
        db_name, counts = _dump_database(engine, tmp_dir)
        manifest = {
            "format": FORMAT,
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "engine": engine,
            "database": db_name,
            "field_key_fingerprints": key_fingerprints(),
            "keys_included": include_keys,
            "counts": counts,
        }
        (tmp_dir / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1))
        if include_keys:
            keys = tmp_dir / "keys.env"
            keys.write_text(
                f"SECRET_KEY={settings.SECRET_KEY}\nTONGXIN_FIELD_KEY={settings.TONGXIN_FIELD_KEY}\n"
            )
        progress("打包上传文件……")
        media = _media_root()
        media_files = 0
        partial = archive.with_suffix(".partial")
        with tarfile.open(partial, "w:gz") as tar:
            tar.add(tmp_dir / "manifest.json", arcname="manifest.json")
            tar.add(tmp_dir / db_name, arcname=db_name)
            if include_keys:
                tar.add(tmp_dir / "keys.env", arcname="keys.env")
            if media.is_dir():
                for path in sorted(media.rglob("*")):
                    if path.is_file() and not path.is_symlink():
                        tar.add(path, arcname=f"media/{path.relative_to(media)}", recursive=False)
                        media_files += 1
        partial.chmod(0o600)
        # Renamed only once complete: a backup killed half-way never looks like a finished one.
        partial.rename(archive)
    return BackupResult(
        archive, archive.stat().st_size, engine, media_files, manifest["field_key_fingerprints"]
    )


def read_manifest(archive: Path) -> dict:
    try:
        with tarfile.open(archive, "r:gz") as tar:
            member = tar.getmember("manifest.json")
            manifest = json.load(tar.extractfile(member))
    except (tarfile.TarError, KeyError, OSError, ValueError, EOFError):
        raise DomainError(f"{archive.name} 不是同心的备份文件，或文件已损坏。")
    if manifest.get("format") != FORMAT:
        raise DomainError(f"{archive.name} 的备份格式（{manifest.get('format')}）不受支持。")
    return manifest


def restore(*, archive: Path, force_keys: bool = False, progress=print) -> dict:
    """Replace the database and the uploads with the archive's. Refuses before changing anything when the
    archive is not a backup, was made from another database engine, or needs a field key that is not
    configured (unless `force_keys`). Returns the manifest."""
    manifest = read_manifest(archive)
    engine = _engine()
    if manifest["engine"] != engine:
        raise DomainError(
            f"该备份来自 {manifest['engine']} 数据库，当前配置的是 {engine}：只能恢复到同类数据库。"
        )
    missing = [fp for fp in manifest["field_key_fingerprints"] if fp not in key_fingerprints()]
    if missing and not force_keys:
        raise DomainError(
            "当前配置的字段密钥（TONGXIN_FIELD_KEY 或 var/field.key）不是备份时使用的密钥"
            f"（缺少指纹 {', '.join(missing)} 的密钥），恢复后将无法读取证件号码等加密数据。"
            "请先配置备份时的密钥再恢复。"
        )
    with tempfile.TemporaryDirectory(dir=_media_root().parent, prefix=".restore-") as tmp:
        tmp_dir = Path(tmp)
        progress("解包备份……")
        with tarfile.open(archive, "r:gz") as tar:
            tar.extractall(tmp_dir, filter="data")  # no absolute paths, no "..", no devices
        db_file = tmp_dir / manifest["database"]
        if not db_file.is_file():
            raise DomainError(f"{archive.name} 缺少数据库文件，无法恢复。")
        progress("恢复数据库……")
        _restore_database(engine, db_file)
        progress("恢复上传文件……")
        _replace_media(tmp_dir / "media")
    from django.contrib.contenttypes.models import ContentType

    ContentType.objects.clear_cache()
    return manifest


def _restore_database(engine: str, db_file: Path) -> None:
    if engine == "sqlite":
        connection.ensure_connection()
        source = sqlite3.connect(db_file)
        try:
            # Page by page into the live database under its lock: other connections see all or nothing.
            source.backup(connection.connection)
        finally:
            source.close()
        return
    connections.close_all()
    env, args = _pg_env_args()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",  # all or nothing
            "--exit-on-error",
            *args,
            "-d",
            connection.settings_dict["NAME"],
            str(db_file),
        ],
        env,
    )


def _replace_media(restored: Path) -> None:
    media = _media_root()
    restored.mkdir(exist_ok=True)
    old = media.with_name(media.name + ".before-restore")
    if old.exists():
        shutil.rmtree(old)
    if media.exists():
        media.rename(old)
    restored.rename(media)
    if old.exists():
        shutil.rmtree(old)


def connection_count(table: str) -> int:
    with connection.cursor() as cursor:
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')
        return cursor.fetchone()[0]


def check_restored_counts(manifest: dict) -> list[str]:
    """Tables whose row count differs from the backup's (empty when the restore is complete)."""
    now = {label: connection_count(table) for label, table in _tables().items()}
    return [
        f"{label}: {count} → {now.get(label)}"
        for label, count in manifest.get("counts", {}).items()
        if now.get(label, count) != count
    ]
