"""Start-up checks: refuse to run with a field key that cannot read the identity data already stored.

Without this, a restore that forgot `var/field.key` (or `TONGXIN_FIELD_KEY`) started fine with a freshly generated
key, and then every page that decrypts answered 404 or 500. Now `manage.py` commands (as a Django system check,
so `runserver`, `migrate` …) and the WSGI server (`tongxin/wsgi.py`) stop with a message naming the key.
"""

import sys

from django.apps import apps
from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connections

from .crypto import EncryptedTextField


def field_key_problem() -> str | None:
    """Try to decrypt one stored value of every encrypted column; a message when one cannot be read, else None.

    One cheap query per encrypted column (the first non-empty value). Tables that do not exist yet (before
    `migrate`) and an unreachable database are not this check's business: other errors will say so."""
    for model in apps.get_models():
        for field in model._meta.concrete_fields:
            if not isinstance(field, EncryptedTextField):
                continue
            qs = (
                model._base_manager.exclude(**{f"{field.attname}__isnull": True})
                .exclude(**{field.attname: ""})
                .order_by()
                .values_list(field.attname, flat=True)
            )
            try:
                list(qs[:1])  # from_db_value decrypts: a wrong key raises ValueError
            except ValueError:
                return _message(f"{model._meta.db_table}.{field.column}")
            except DatabaseError:
                return None  # not migrated yet, or no database: nothing stored to protect
    return None


def _message(where: str) -> str:
    source = getattr(settings, "TONGXIN_FIELD_KEY_SOURCE", "")
    key_file = getattr(settings, "TONGXIN_FIELD_KEY_FILE", "var/field.key")
    if source == "env":
        origin = "环境变量 TONGXIN_FIELD_KEY 中的密钥"
        origin_en = "the key in the environment variable TONGXIN_FIELD_KEY"
    elif source == "generated":
        origin = f"刚刚新生成的 {key_file}（原密钥缺失）"
        origin_en = f"{key_file}, generated just now because no key was found"
    else:
        origin = f"{key_file} 中的密钥"
        origin_en = f"the key in {key_file}"
    return (
        f"字段密钥无法解密数据库中已加密的数据（{where}）：{origin}不是加密这些数据的密钥。"
        f"请把原来的密钥放回 {key_file} 或设置环境变量 TONGXIN_FIELD_KEY 后再启动"
        f"（轮换密钥时新旧密钥都要写上：TONGXIN_FIELD_KEY=新,旧）。\n"
        f"The field key cannot decrypt the encrypted data already in the database ({where}): {origin_en} is not "
        f"the key that encrypted it. Put the original key back in {key_file} or set TONGXIN_FIELD_KEY, then "
        f"start again (during a rotation give both keys: TONGXIN_FIELD_KEY=new,old)."
    )


@checks.register("tongxin")
def check_field_key(app_configs=None, **kwargs):
    problem = field_key_problem()
    if problem is None:
        return []
    return [checks.Critical(problem, id="core.E001")]


def exit_if_field_key_cannot_decrypt() -> None:
    """For the WSGI server: print the message and stop the process instead of serving broken pages."""
    problem = field_key_problem()
    connections.close_all()  # opened in gunicorn's master before the workers fork: never share a connection
    if problem is not None:
        sys.stderr.write(problem + "\n")
        sys.stderr.flush()
        raise SystemExit(3)
