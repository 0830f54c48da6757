"""Benchmarks: `make bench`. Each app may have `bench.py` with `BENCHMARKS = [(title, fn), ...]`;
`fn(ctx)` builds its data in a scratch SQLite database and returns a list of result rows (dicts).
Results are written to docs/benchmarks.md. Figures are measurements, never assertions."""

import datetime as dt
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


KEEP = "<!-- make bench keeps what follows -->"


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
    began = time.perf_counter()
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
    durations = {"app benchmarks": time.perf_counter() - began}
    # A run limited to some apps (bench/run.py members) skips the scale benchmark unless BENCH_SCALES asks for it.
    texts = []
    if not only or os.environ.get("BENCH_SCALES"):
        for name, part in (("scale", scale_sections), ("load tests", load_sections)):
            started = time.perf_counter()
            texts += part()
            durations[name] = time.perf_counter() - started
    write(sections, texts, durations)


def scale_sections() -> list[str]:
    """The scale benchmark (bench/scale.py), each scale in its own process and database: `BENCH_SCALES`
    (default "city"; e.g. "city national", or "province" with BENCH_SCALE_DATABASE_URL on PostgreSQL)."""
    import subprocess

    texts = []
    for scale in os.environ.get("BENCH_SCALES", "city").split():
        print(f"== scale: {scale}", flush=True)
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        subprocess.run([sys.executable, str(ROOT / "bench" / "scale.py"), scale], check=True, env=env)
        texts.append((ROOT / "var" / f"bench-scale-{scale}.md").read_text())
    return texts


def load_sections() -> list[str]:
    """The load tests (bench/load.py): `BENCH_LOAD` (default "writers mixed"); mixed needs PostgreSQL and Redis
    on 127.0.0.1 — when either is missing its section says so instead of failing the whole run."""
    import subprocess

    texts = []
    for mode in os.environ.get("BENCH_LOAD", "writers mixed").split():
        print(f"== load: {mode}", flush=True)
        env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        done = subprocess.run([sys.executable, str(ROOT / "bench" / "load.py"), mode], env=env)
        result = ROOT / "var" / f"bench-load-{mode}.md"
        if done.returncode == 0 and result.exists():
            texts.append(result.read_text())
        else:
            texts.append(
                f"## Load test: {mode}\n\nNot run here (exit {done.returncode}: PostgreSQL or Redis missing?).\n"
            )
    return texts


def write(sections, scale_texts=(), durations=None) -> None:
    took = ""
    if durations:
        parts = ", ".join(f"{name} {seconds / 60:.1f}" for name, seconds in durations.items())
        took = f"This run took {sum(durations.values()) / 60:.1f} minutes ({parts}) on {dt.date.today()}."
    lines = [
        "# Benchmarks",
        "",
        "Written by `make bench` (`bench/run.py`). Timings are medians of repeated runs on a scratch SQLite",
        f"database, on: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}.",
        "They are measurements to compare over time, not assertions; query counts are pinned in the tests.",
        *([took] if took else []),
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
    lines += list(scale_texts)
    # Hand-written notes (targets, before/after, reasons) after KEEP are carried over from the previous file.
    old = (ROOT / "docs" / "benchmarks.md").read_text() if (ROOT / "docs" / "benchmarks.md").exists() else ""
    if KEEP in old:
        lines += ["", KEEP + old.split(KEEP, 1)[1]]
    (ROOT / "docs" / "benchmarks.md").write_text("\n".join(lines))
    print("written docs/benchmarks.md", took)


if __name__ == "__main__":
    main()
