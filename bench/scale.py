"""Scale benchmark (`make bench`): a fresh database filled by `generate_scale_data --scale S`, then the main
pages timed as the top body's staff (median of 7 after two warm-ups), their query counts and sizes, the
similar-proposal lookup, and a 100,000-row export through `core.exports` (rows/s, peak memory above idle).

    python bench/scale.py city            # SQLite file var/bench-scale-city.sqlite3
    BENCH_SCALE_DATABASE_URL=postgres://… python bench/scale.py province

Prints a Markdown section (also written to var/bench-scale-S.md, which bench/run.py appends to
docs/benchmarks.md). Figures are measurements, never assertions.
"""

import datetime as dt
import gc
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SCALE = sys.argv[1] if len(sys.argv) > 1 else "city"
DB = ROOT / "var" / f"bench-scale-{SCALE}.sqlite3"
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "tongxin.settings.test")
os.environ["DATABASE_URL"] = os.environ.get("BENCH_SCALE_DATABASE_URL", f"sqlite:///{DB}")
TARGETS = {
    "list": "< 50 ms SQLite city / < 100 ms PostgreSQL province, ≤ 15 queries",
    "detail": "< 60 ms",
    "lookup": "< 50 ms",
}


def _rss_mb() -> float:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmRSS"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    if not os.environ.get("BENCH_SCALE_DATABASE_URL"):
        for suffix in ("", "-wal", "-shm"):
            Path(f"{DB}{suffix}").unlink(missing_ok=True)
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    settings.ALLOWED_HOSTS = ["*"]
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    call_command("generate_scale_data", "--scale", SCALE, "--no-demo")
    generated = time.perf_counter() - started
    lines = [f"## Scale benchmark: {SCALE}", ""]
    from django.db import connection

    lines.append(
        f"Database {connection.vendor}; generated in {generated:.0f} s (migrate + generate_scale_data); "
        f"load average during the run {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores; {dt.date.today()}."
    )
    lines += ["", "| page | median ms | queries | KiB | target |", "|---|---|---|---|---|"]
    for row in pages():
        lines.append("| " + " | ".join(str(x) for x in row) + " |")
        print(lines[-1], flush=True)
    lines += ["", "| export | rows | seconds | rows/s | rows per CPU-second | peak MB above idle | MB kept after |",
              "|---|---|---|---|---|---|---|"]  # fmt: skip
    for row in exports(100_000):
        lines.append(row)
        print(row, flush=True)
    text = "\n".join(lines) + "\n"
    (ROOT / "var" / f"bench-scale-{SCALE}.md").write_text(text)
    print(text)


def pages():
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User
    from activities.models import Activity
    from proposals.models import Proposal, ProposalStatus
    from proposals.similarity import similar_ids

    staff = User.objects.get(username="scale_staff")

    def page(user, url):
        client = Client()
        client.force_login(user)
        for _ in range(2):
            assert client.get(url).status_code == 200, url
        times = []
        for _ in range(7):
            with CaptureQueriesContext(connection) as ctx:
                t = time.perf_counter()
                response = client.get(url)
                times.append((time.perf_counter() - t) * 1000)
        return f"{statistics.median(times):.0f}", len(ctx.captured_queries), len(response.content) // 1024

    visible = Proposal.objects.filter(owner_org__path__startswith=staff.organisation.path)
    busiest = (
        Activity.objects.filter(owner_org__path__startswith=staff.organisation.path)
        .annotate(n=Count("invitations"))
        .order_by("-n")
        .first()
    )
    rows = [
        (f"proposal list ({visible.count():,} visible, 50 a page)", "/proposals/?per_page=50", "list"),
        ("proposal search 滑板", "/proposals/?q=滑板", "list"),
        ("roster (50 a page)", "/members/?per_page=50", "list"),
        ("activity list", "/activities/", "list"),
        (f"activity invitees ({busiest.n} invited, 50 a page)", f"/activities/{busiest.pk}/attendance/?per_page=50",
         "list"),
        ("home page", "/", ""),
    ]  # fmt: skip
    for status in (ProposalStatus.SUBMITTED, ProposalStatus.HANDLING, ProposalStatus.CLOSED):
        p = visible.filter(status=status).order_by("-id").first()
        rows.append((f"proposal detail ({p.get_status_display()})", f"/proposals/{p.pk}/", "detail"))
    for label, url, target in rows:
        yield (label, *page(staff, url), TARGETS.get(target, ""))
    times = []
    for _ in range(7):
        t = time.perf_counter()
        similar_ids("关于增加广州滑板场建设的提案", "公共滑板场地不足，建议建设城市滑板公园。", limit=24)
        times.append((time.perf_counter() - t) * 1000)
    yield ("similar-proposal lookup", f"{statistics.median(times):.0f}", 3, "", TARGETS["lookup"])


def exports(n):
    from core.exports import csv_response, excel_response

    headers = [
        "案号",
        "案由",
        "提案人",
        "提出方式",
        "类别",
        "状态",
        "重点",
        "主办",
        "会办",
        "提交",
        "期限",
        "金额",
    ]

    def rows():
        day = dt.date(2025, 1, 1)
        for i in range(n):
            yield (f"十四届三次会议 第{i:05d}号", f"关于加快港澳青年来穗就业创业服务的提案{i}", "陈大文", "委员个人",
                   "大会提案", "已办结", "", "广州市体育局", "广州市规划和自然资源局", day, day, 12345.5)  # fmt: skip

    for kind in ("xlsx", "csv"):
        gc.collect()
        base = _rss_mb()
        peak, stop = [base], [False]

        def sample(peak=peak, stop=stop):
            while not stop[0]:
                peak[0] = max(peak[0], _rss_mb())
                time.sleep(0.02)

        thread = threading.Thread(target=sample)
        thread.start()
        t, cpu = time.perf_counter(), time.process_time()
        if kind == "xlsx":
            response = excel_response("x.xlsx", "x", headers, rows())
            len(response.content)
        else:
            response = csv_response("x.csv", headers, rows())
            sum(len(c) for c in response.streaming_content)
        elapsed, cpu = time.perf_counter() - t, time.process_time() - cpu
        stop[0] = True
        thread.join()
        del response
        gc.collect()
        yield (
            f"| {kind} | {n:,} | {elapsed:.1f} | {n / elapsed:,.0f} | {n / cpu:,.0f} | {peak[0] - base:.0f} | "
            f"{max(_rss_mb() - base, 0):.0f} |"
        )


if __name__ == "__main__":
    main()
