"""Guard 6: `make run` serves as production does — gunicorn, DEBUG off, static files from WhiteNoise, the app's
own Chinese error pages — on a fresh machine (keys generated, nothing else prepared but collectstatic)."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = Path(sys.executable).with_name("gunicorn")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str, **headers) -> tuple[int, dict, bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The `make run` recipe on an empty var/: collectstatic, then gunicorn with tongxin.settings.run."""
    var = tmp_path_factory.mktemp("var")
    env = {
        k: v for k, v in os.environ.items() if k not in ("TONGXIN_FIELD_KEY", "SECRET_KEY", "DATABASE_URL")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tongxin.settings.run", TONGXIN_VAR_DIR=str(var), PORT=str(_free_port())
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"], cwd=ROOT, env=env, check=True
    )
    server = subprocess.Popen(
        [str(GUNICORN), "-c", "tongxin/gunicorn.conf.py", "--workers", "1", "--access-logfile", "/dev/null"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    base = f"http://127.0.0.1:{env['PORT']}"
    try:
        deadline = time.monotonic() + 180  # a busy CI machine starts slowly
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(base + "/accounts/login/", timeout=20)
                break
            except OSError:  # refused while starting, or a slow first answer
                if server.poll() is not None:
                    pytest.fail(server.stderr.read().decode())
                time.sleep(0.2)
        yield base, var
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_the_login_page_is_served_by_gunicorn(served):
    served, _var = served
    status, headers, body = _get(served + "/accounts/login/")
    assert status == 200
    assert headers["Server"] == "gunicorn"
    assert "登录" in body.decode()


def test_a_missing_page_shows_the_apps_chinese_404_not_the_debug_page(served):
    served, _var = served
    status, _headers, body = _get(served + "/no-such-page/")
    text = body.decode()
    assert status == 404
    assert "未找到该页面或记录" in text
    assert "URLconf" not in text and "DEBUG = True" not in text


def test_static_files_are_served_hashed_compressed_and_cached_for_a_year(served):
    served, _var = served
    _status, _headers, login = _get(served + "/accounts/login/")
    htmx = next(p for p in login.decode().split('"') if "vendor/htmx/htmx.min." in p)
    assert htmx.count(".") >= 3, "hashed file name expected"
    status, headers, _ = _get(served + htmx, **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["Content-Encoding"] == "gzip"
    assert "immutable" in headers["Cache-Control"]


def test_the_vendor_chart_library_is_collected_from_node_modules_without_its_source_builds(served):
    served, var = served
    manifest = json.loads((var / "static" / "staticfiles.json").read_text())["paths"]
    status, _headers, _body = _get(f"{served}/static/{manifest['vendor/echarts/echarts.min.js']}")
    assert status == 200
    assert not any(name.endswith(".map") and "echarts" in name for name in manifest)


def test_check_deploy_is_clean_under_production_settings(tmp_path):
    from cryptography.fernet import Fernet

    env = {
        k: v
        for k, v in os.environ.items()
        if k not in ("TONGXIN_FIELD_KEY", "DATABASE_URL", "DJANGO_ALLOW_ASYNC_UNSAFE")
    }
    env.update(
        DJANGO_SETTINGS_MODULE="tongxin.settings.prod",
        TONGXIN_VAR_DIR=str(tmp_path),
        SECRET_KEY="k" + "Zq7-x!9fLm2#Rt5vWb8$Np4&Hs6*Jd3@" * 2,
        TONGXIN_FIELD_KEY=Fernet.generate_key().decode(),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout
