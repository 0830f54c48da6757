"""Benchmarks: `make bench`. Each app may have `bench.py` with `BENCHMARKS = [(title, fn), ...]`;
`fn(ctx)` builds its data in a scratch SQLite database and returns a list of result rows (dicts).
Results are written to docs/benchmarks.md. Figures are measurements, never assertions."""

import importlib
import importlib.util
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
BENCH_DB = ROOT / "var" / "bench.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxin.settings.test")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{BENCH_DB}")


def main() -> None:
    for suffix in ("", "-wal", "-shm"):
        Path(f"{BENCH_DB}{suffix}").unlink(missing_ok=True)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    from bench.support import Context

    ctx = Context()
    sections = []
    only = sys.argv[1:]
    for app in settings.DOMAIN_APPS:
        if importlib.util.find_spec(f"{app}.bench") is None or (only and app not in only):
            continue
        module = importlib.import_module(f"{app}.bench")
        for title, fn in module.BENCHMARKS:
            print(f"== {app}: {title}", flush=True)
            started = time.perf_counter()
            rows = fn(ctx)
            print(f"   ({time.perf_counter() - started:.1f} s)", flush=True)
            sections.append((app, title, rows))
    write(sections)


def write(sections) -> None:
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/run.py`). Timings are medians of repeated runs on a scratch SQLite",
        f"database, on: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
        "They are measurements to compare over time, not assertions; query counts are pinned in the tests.",
        "",
    ]
    for app, title, rows in sections:
        lines += [f"## {app}: {title}", ""]
        if rows:
            headers = list(rows[0].keys())
            lines.append("| " + " | ".join(headers) + " |")
            lines.append("|" + "---|" * len(headers))
            for row in rows:
                lines.append("| " + " | ".join(str(row[h]) for h in headers) + " |")
        lines.append("")
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(lines))
    print("written docs/benchmarks.md")


if __name__ == "__main__":
    main()
