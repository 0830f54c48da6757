"""Benchmarks of the archive: one person's archive as a PDF (target: under 1 s), and the year-end closing per
person (the archive computed, rendered, stored)."""

from types import SimpleNamespace

from bench.support import foundation, measure, page

YEAR = 2025


def _cpu(fn, repeat: int = 5) -> dict:
    """Median CPU milliseconds of this process: on a shared machine the wall clock mostly measures the
    neighbours, the CPU time what the code costs."""
    import statistics
    import time

    times = []
    for _ in range(repeat):
        started = time.process_time()
        fn()
        times.append((time.process_time() - started) * 1000)
    return {"median CPU ms": f"{statistics.median(times):.1f}"}


def _year(ctx):
    def build():
        from accounts.tests.factories import UserFactory
        from archives.tests.factories import generated_year, hand_rules
        from core.roles import Role
        from organisations.tests.factories import OrganisationFactory

        orgs, users = foundation(ctx)
        committee = OrganisationFactory(name="基准档案专委会", kind="committee", parent=orgs.city)
        staff = UserFactory(username="bench-archives-staff", role=Role.STAFF, organisation=committee)
        leader = UserFactory(username="bench-archives-leader", role=Role.LEADER, organisation=committee)
        scoped = SimpleNamespace(**{**vars(orgs), "committee": committee})
        people = generated_year(scoped, {**users, "staff": staff, "leader": leader})
        hand_rules(staff, year=YEAR)
        return people, staff

    return ctx.once("archives-year", build)


def archive_pdf(ctx):
    from django.test import Client
    from django.urls import reverse

    from archives import pdf, selectors

    people, staff = _year(ctx)
    person = people.A  # every kind of record: the longest archive of the generated year
    live = selectors.person_archive(None, person, year=YEAR)
    url = reverse("archives:person_pdf", args=[person.pk]) + f"?year={YEAR}"
    client = Client()
    client.force_login(staff)
    steps = [
        ("计算档案（全部记录）", lambda: selectors.person_archive(None, person, year=YEAR)),
        ("渲染 PDF（WeasyPrint）", lambda: pdf.archive_pdf(live)),
        ("渲染 PDF（繁體）", lambda: pdf.archive_pdf(live, traditional=True)),
        ("下载 PDF（整个请求）", lambda: client.get(url)),
    ]
    page(staff, url, repeat=1)  # the page answers 200 (and WeasyPrint has loaded its fonts)
    return [{"what": what, **measure(fn), **_cpu(fn)} for what, fn in steps]


def closing_run(ctx):
    from archives import closing

    people, staff = _year(ctx)
    org = staff.organisation

    def run():
        new, _ = closing.closing_run_open(year=YEAR, org=org)
        closing.closing_run_execute(run_id=new.pk)

    result = {**measure(run, repeat=3), **_cpu(run, repeat=1)}
    from archives.models import ClosingRun

    persons = ClosingRun.objects.filter(owner_org=org).latest("id").total
    return [{"what": f"年度归档（{persons} 人：档案、PDF、ZIP）", **result}]


BENCHMARKS = [("one archive as PDF", archive_pdf), ("year-end closing", closing_run)]
