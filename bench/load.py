"""Load test (`make bench`, or `python bench/load.py [mixed|writers]`): two app server processes behind one
address, driven by locust (headless) with bench/locustfile.py. Figures go to var/bench-load-<mode>.md (appended
to docs/benchmarks.md by bench/run.py). Bounded in time and users; traffic only to 127.0.0.1.

- mixed: PostgreSQL (`BENCH_LOAD_DATABASE_URL`, default database `tongxin_bench_load` on 127.0.0.1), city-scale
  data from generate_scale_data, the cache, sessions and job queue on Redis (`BENCH_REDIS_URL`, default db 9),
  100 users with think time for `BENCH_LOAD_SECONDS` (default 90), then the same mix with no think time
  (`BENCH_SATURATE_USERS`, default 20, for `BENCH_SATURATE_SECONDS`, default 60): the throughput. Users arrive
  at `BENCH_LOAD_SPAWN_RATE` a second (default 2) and each phase is measured after all have arrived.
  `BENCH_LOAD_REUSE=1` keeps the previous run's database (only migrated), to profile a change quickly — not to
  compare figures: each run answers ~600–1,200 invitations and the next reads a different year (reruns measured
  20–27 % more requests a second than the fresh run before them at stops 18 and 19, 2 % once the member pages got
  cheaper). Figures to compare come from fresh data, as `make bench` runs it.
- writers: SQLite (WAL, the default single-machine database), committee-scale data, 20 members answering
  invitations with no think time: every "database is locked" that reaches a user is counted.

The two app servers are two gunicorn masters (1 worker × 4 threads each) bound to the same address with
SO_REUSEPORT: the kernel spreads the connections, like a load balancer in front of two machines. Nothing is kept
per process, so a user's requests may land on either.
"""

import csv
import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MODE = sys.argv[1] if len(sys.argv) > 1 else "mixed"
PORT = int(os.environ.get("BENCH_LOAD_PORT", 8108))
HOST = f"http://127.0.0.1:{PORT}"
VAR = ROOT / "var" / f"bench-load-{MODE}"
BIN = Path(sys.executable).parent


def env() -> dict:
    e = {k: v for k, v in os.environ.items() if k not in ("DATABASE_URL", "REDIS_URL")}
    e.update(
        DJANGO_SETTINGS_MODULE="tongxin.settings.run",
        TONGXIN_VAR_DIR=str(VAR),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        GUNICORN_LOGLEVEL="warning",
    )
    if MODE == "writers":
        e["DATABASE_URL"] = f"sqlite:///{VAR / 'tongxin.sqlite3'}"
    else:
        e["DATABASE_URL"] = os.environ.get(
            "BENCH_LOAD_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tongxin_bench_load"
        )
        e["REDIS_URL"] = os.environ.get("BENCH_REDIS_URL", "redis://127.0.0.1:6379/9")
        e["REDIS_KEY_PREFIX"] = "tongxin-bench"
    return e


def manage(*args):
    subprocess.run([str(BIN / "python"), "manage.py", *args], cwd=ROOT, env=env(), check=True)


def fresh_database() -> None:
    shutil.rmtree(VAR, ignore_errors=True)
    VAR.mkdir(parents=True)
    url = env()["DATABASE_URL"]
    if url.startswith("postgres"):
        import psycopg

        name = url.rsplit("/", 1)[1]
        with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
        import redis

        redis.Redis.from_url(env()["REDIS_URL"]).flushdb()
    manage("migrate", "-v0")
    manage("generate_scale_data", "--scale", "committee" if MODE == "writers" else "city", "--no-demo")
    manage("collectstatic", "--noinput", "-v0")


def servers():
    procs = []
    for i in range(2):
        log = open(VAR / f"server{i}.log", "w")
        procs.append(
            subprocess.Popen(
                [
                    str(BIN / "gunicorn"),
                    "-c",
                    "tongxin/gunicorn.conf.py",
                    "--reuse-port",
                    "--bind",
                    f"127.0.0.1:{PORT}",
                    "--workers",
                    "1",
                    "--threads",
                    "4",
                    "--access-logfile",
                    "/dev/null",
                ],
                cwd=ROOT,
                env=env(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )  # fmt: skip
        )
    deadline = time.time() + 180
    while time.time() < deadline:
        try:
            urllib.request.urlopen(HOST + "/accounts/login/", timeout=5)
            return procs
        except OSError:
            time.sleep(1)
    stop(procs)
    raise SystemExit("the app servers did not answer within 3 minutes")


def stop(procs) -> None:
    for p in procs:
        try:
            os.killpg(p.pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    for p in procs:
        try:
            p.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(p.pid, signal.SIGKILL)


def run_locust(phase: str = "") -> dict:
    """One locust run. `phase` "saturate" (mixed only): the same mix with no think time and fewer users
    (`BENCH_SATURATE_USERS`, default 20), for the throughput the servers reach."""
    saturate = phase == "saturate"
    if MODE == "writers":
        users, seconds = 20, int(os.environ.get("BENCH_LOAD_SECONDS", 30))
    elif saturate:
        users = int(os.environ.get("BENCH_SATURATE_USERS", 20))
        seconds = int(os.environ.get("BENCH_SATURATE_SECONDS", 60))
    else:
        users, seconds = (
            int(os.environ.get("BENCH_LOAD_USERS", 100)),
            int(os.environ.get("BENCH_LOAD_SECONDS", 90)),
        )
    e = env()
    e["LOAD_MODE"] = MODE
    e["LOAD_THINK"] = "0" if saturate else "1"
    e["LOAD_MEMBERS"] = "100" if MODE == "writers" else "700"
    e["LOAD_UNITS"] = "8" if MODE == "writers" else "30"
    prefix = VAR / f"locust{'-' + phase if phase else ''}"
    # Users arrive at `BENCH_LOAD_SPAWN_RATE` a second (default 2) and the figures are reset once all have
    # arrived, then measured for `seconds`: the logins of the ramp-up are not the steady state being measured.
    # A login costs about 160 ms of CPU (argon2, deliberately slow): 100 users arriving at 10 a second kept
    # both cores busy with logins well into the measured time (stop 17: p95 6.4 s, most of it queued logins).
    rate = float(os.environ.get("BENCH_LOAD_SPAWN_RATE", 2))
    total = seconds + int(users / rate) + 1
    subprocess.run(
        [str(BIN / "locust"), "-f", "bench/locustfile.py", "--headless", "-u", str(users), "-r", str(rate),
         "--reset-stats", "-t", f"{total}s", "--host", HOST, "--csv", str(prefix), "--only-summary",
         "--stop-timeout", "5"],
        cwd=ROOT, env=e, check=False,
    )  # fmt: skip
    with open(f"{prefix}_stats.csv") as f:
        rows = list(csv.DictReader(f))
    return {"phase": phase, "users": users, "seconds": seconds, "rows": rows, "load": os.getloadavg()[0]}


def cpu_yardstick() -> float:
    """CPU milliseconds of one sign-in's password hash (argon2 with Django's parameters), median of three, taken
    before the servers start: machines of the same kind here differ two-fold in CPU speed (stop 19's: 260 ms;
    stop 18's, from a sign-in's CPU then: about 160 ms), and requests a second mean little without it."""
    import statistics

    import argon2

    hasher = argon2.PasswordHasher(time_cost=2, memory_cost=102_400, parallelism=8)
    times = []
    for _ in range(3):
        started = time.process_time()
        hasher.hash("Tongxin@2025")
        times.append((time.process_time() - started) * 1000)
    return statistics.median(times)


def report(results, yardstick: float) -> str:
    locked = sum((VAR / f"server{i}.log").read_text().count("database is locked") for i in range(2))
    lines = [
        f"## Load test: {MODE}",
        "",
        f"CPU yardstick of this machine: one argon2 sign-in hash {yardstick:.0f} ms of CPU (`bench/load.py "
        "cpu_yardstick`; stop 19's machine 260 ms, stop 18's about 160 ms: requests a second scale inversely with "
        "it).",
        "",
    ]
    for result in results:
        if MODE == "writers":
            lines.append(
                f"SQLite (WAL), committee-scale data, two app servers (1 worker × 4 threads each, one address), "
                f"{result['users']} members answering invitations with no think time for {result['seconds']} s; "
                f'"database is locked" in the servers\' logs: {locked}. Load average {result["load"]:.1f}.'
            )
        elif result["phase"] == "saturate":
            lines.append(
                f"Saturation: the same servers and mix, {result['users']} users with no think time for "
                f"{result['seconds']} s (the requests a second the two servers can serve). Load average "
                f"{result['load']:.1f}."
            )
        else:
            lines.append(
                f"PostgreSQL + Redis (cache, sessions, job queue), city-scale data, two app servers (1 worker × 4 "
                f"threads each, one address), {result['users']} users with 1–5 s think time for "
                f"{result['seconds']} s after all had arrived and logged in (arriving "
                f"{os.environ.get('BENCH_LOAD_SPAWN_RATE', 2)} a second; members 60 %, staff 20 %, units 10 %, "
                f"leader 10 %). Load average {result['load']:.1f}."
            )
        lines += [
            "",
            "| request | count | failures | req/s | p50 ms | p95 ms | p99 ms |",
            "|---|---|---|---|---|---|---|",
        ]
        for row in result["rows"]:
            lines.append(
                f"| {row['Name']} | {row['Request Count']} | {row['Failure Count']} | "
                f"{float(row['Requests/s']):.1f} | {row['50%']} | {row['95%']} | {row['99%']} |"
            )
        lines.append("")
    return "\n".join(lines)


def main() -> None:
    yardstick = cpu_yardstick()
    if os.environ.get("BENCH_LOAD_REUSE") and (VAR / "static").exists():
        manage("migrate", "-v0")  # the data of the previous run, brought up to date (profiling a change)
    else:
        fresh_database()
    procs = servers()
    try:
        results = [run_locust()]
        if MODE == "mixed":
            results.append(run_locust("saturate"))
    finally:
        stop(procs)
    text = report(results, yardstick)
    (ROOT / "var" / f"bench-load-{MODE}.md").write_text(text)
    print(text)


if __name__ == "__main__":
    main()
