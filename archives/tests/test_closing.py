"""Year-end closing: started by staff (confirm first) as a background job, a progress page that polls, the ZIP
of PDFs; who may start, see and download; every person exactly once however often it runs; the command."""

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from archives import closing
from archives.models import Archive, ClosingRun, RunStatus
from archives.tests.factories import EXPECTED_GRADE, EXPECTED_SCORE, generated_year, hand_rules
from core.errors import DomainError

pytestmark = pytest.mark.django_db

# A–E, plus the member's and the advisor's own persons of the committee (X belongs to another committee).
COMMITTEE_PERSONS = 7


@pytest.fixture
def year(orgs, users):
    people = generated_year(orgs, users)
    people.rule_set = hand_rules(users["staff"])
    return people


@pytest.fixture
def term(orgs):
    from members.tests.factories import TermFactory

    return TermFactory(cppcc=orgs.city)


def _zip_names(run) -> list[str]:
    run.refresh_from_db()
    with run.zip_file.open("rb") as f:
        data = f.read()
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        names = zf.namelist()
        assert all(zf.read(n).startswith(b"%PDF-") for n in names)
    return names


def _start(client, django_capture_on_commit_callbacks, **data):
    with django_capture_on_commit_callbacks(execute=True):
        return client.post(reverse("archives:closing_new"), {"year": 2025, **data})


# ---- the pages ----


def test_staff_confirm_then_start_and_the_job_archives_everyone_once(
    client, users, year, django_capture_on_commit_callbacks
):
    client.force_login(users["staff"])
    confirm = client.get(reverse("archives:closing_new") + "?year=2025")
    html = confirm.content.decode()
    assert confirm.status_code == 200 and "确认开始归档" in html
    assert f"<strong>{COMMITTEE_PERSONS}</strong> 位委员" in html and "2025测试规则" in html
    assert not ClosingRun.objects.exists()  # nothing starts before the confirmation

    response = _start(client, django_capture_on_commit_callbacks)
    run = ClosingRun.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse(
        "archives:closing_run", args=[run.pk]
    )
    assert run.status == RunStatus.DONE and run.done == run.total == COMMITTEE_PERSONS
    assert run.created_by == users["staff"]
    archives = Archive.objects.filter(run=run)
    assert archives.count() == COMMITTEE_PERSONS
    assert not Archive.objects.filter(person=year.X).exists()
    a = archives.get(person=year.A)
    assert a.score == EXPECTED_SCORE["A"] and a.grade == EXPECTED_GRADE["A"]
    assert a.rule_set == year.rule_set and a.rule_set_version == year.rule_set.version
    assert sum(float(line["points"]) for line in a.data["lines"]) == EXPECTED_SCORE["A"]
    assert a.pdf.name.endswith(".pdf")
    names = _zip_names(run)
    assert len(names) == len(set(names)) == COMMITTEE_PERSONS
    assert f"甲委员_{year.A.pk}.pdf" in names

    page = client.get(reverse("archives:closing_run", args=[run.pk])).content.decode()
    assert "已完成" in page and "下载全部档案（ZIP）" in page and "hx-trigger" not in page
    download = client.get(reverse("archives:closing_run_zip", args=[run.pk]))
    assert download.status_code == 200 and "attachment" in download["Content-Disposition"]
    assert b"".join(download.streaming_content).startswith(b"PK")
    # the archive page now says the year was archived
    archive_page = client.get(reverse("archives:person", args=[year.A.pk]) + "?year=2025").content.decode()
    assert "本年度已于" in archive_page and "归档" in archive_page


def test_the_progress_bar_polls_until_the_run_is_done_and_survives_a_reload(client, users, year):
    run = ClosingRun.objects.create(
        owner_org=year.rule_set.owner_org, year=2025, rule_set=year.rule_set, status=RunStatus.RUNNING,
        total=7, done=2, message="已生成 乙委员 的档案。",
    )  # fmt: skip
    client.force_login(users["leader"])
    for url in (
        reverse("archives:closing_run", args=[run.pk]),
        reverse("archives:closing_run_progress", args=[run.pk]),
    ):
        html = client.get(url).content.decode()
        assert 'hx-trigger="every 1s"' in html
        assert reverse("archives:closing_run_progress", args=[run.pk]) in html
        assert 'value="29"' in html and "2/7" in html and "已生成 乙委员 的档案。" in html
        assert "下载全部档案" not in html
    ClosingRun.objects.filter(pk=run.pk).update(status=RunStatus.FAILED, message="生成丙委员的档案时出错")
    partial = client.get(reverse("archives:closing_run_progress", args=[run.pk])).content.decode()
    assert "hx-trigger" not in partial and "生成丙委员的档案时出错" in partial
    assert "继续未完成的归档" not in partial  # a leader may look, not start


def test_the_polled_partial_and_the_runs_list_cost_a_few_queries(
    client, users, year, django_assert_max_num_queries
):
    for done in range(5):
        run = ClosingRun.objects.create(
            owner_org=year.rule_set.owner_org, year=2025, rule_set=year.rule_set, status=RunStatus.DONE,
            total=5, done=done, created_by=users["staff"],
        )  # fmt: skip
    client.force_login(users["staff"])
    client.get(reverse("archives:closing"))  # warm the session and the current term
    with django_assert_max_num_queries(5):
        assert client.get(reverse("archives:closing_run_progress", args=[run.pk])).status_code == 200
    with django_assert_max_num_queries(9):
        html = client.get(reverse("archives:closing")).content.decode()
    assert html.count("/closing/") >= 5


def test_the_runs_list_and_the_tab(client, users, year, django_capture_on_commit_callbacks):
    client.force_login(users["staff"])
    _start(client, django_capture_on_commit_callbacks)
    html = client.get(reverse("archives:closing")).content.decode()
    assert (
        "年度归档" in html
        and 'id="closing-start"' in html
        and f"{COMMITTEE_PERSONS}/{COMMITTEE_PERSONS}" in html
    )
    assert (
        reverse("archives:closing")
        in client.get(reverse("archives:statistics") + "?year=2025").content.decode()
    )


# ---- who may ----


@pytest.mark.parametrize("role", ["member", "advisor", "unit", "partner"])
def test_members_and_outsiders_cannot_open_start_or_download(
    client, users, year, role, django_capture_on_commit_callbacks
):
    run, _ = closing.closing_run_open(year=2025, org=year.rule_set.owner_org)
    closing.closing_run_execute(run_id=run.pk)
    client.force_login(users[role])
    assert client.get(reverse("archives:closing")).status_code == 403
    assert client.get(reverse("archives:closing_new") + "?year=2025").status_code == 403
    assert _start(client, django_capture_on_commit_callbacks).status_code == 403
    for name in ("closing_run", "closing_run_progress", "closing_run_zip"):
        response = client.get(reverse(f"archives:{name}", args=[run.pk]))
        assert response.status_code in (403, 404) and not response.content.startswith(b"PK")
    assert ClosingRun.objects.count() == 1


def test_a_leader_sees_and_downloads_but_cannot_start(
    client, users, year, django_capture_on_commit_callbacks
):
    run, _ = closing.closing_run_open(year=2025, org=year.rule_set.owner_org)
    closing.closing_run_execute(run_id=run.pk)
    client.force_login(users["leader"])
    assert client.get(reverse("archives:closing_run_zip", args=[run.pk])).status_code == 200
    assert 'id="closing-start"' not in client.get(reverse("archives:closing")).content.decode()
    assert _start(client, django_capture_on_commit_callbacks).status_code == 403
    assert client.post(reverse("archives:closing_run_resume", args=[run.pk])).status_code == 403


def test_staff_of_another_committee_cannot_see_the_run(client, users, year):
    run, _ = closing.closing_run_open(year=2025, org=year.rule_set.owner_org)
    closing.closing_run_execute(run_id=run.pk)
    client.force_login(users["other_staff"])
    for name in ("closing_run", "closing_run_progress", "closing_run_zip"):
        assert client.get(reverse(f"archives:{name}", args=[run.pk])).status_code == 404
    assert "2025测试规则" not in client.get(reverse("archives:closing")).content.decode()
    assert client.post(reverse("archives:closing_run_resume", args=[run.pk])).status_code == 404


def test_bad_starts_are_refused_in_chinese_and_nothing_is_queued(
    client, users, year, django_capture_on_commit_callbacks
):
    client.force_login(users["staff"])
    no_rules = _start(client, django_capture_on_commit_callbacks, year=2019)
    assert no_rules.status_code == 400 and "2019 年度尚未设置履职积分规则" in no_rules.content.decode()
    future = _start(client, django_capture_on_commit_callbacks, year=2099)
    assert future.status_code == 400 and "2099 年度尚未开始" in future.content.decode()
    assert not ClosingRun.objects.exists()
    queued = closing.closing_run_start(actor=users["staff"], year=2025)  # queued (on commit never fires here)
    again = _start(client, django_capture_on_commit_callbacks)
    assert again.status_code == 400 and "已有未完成的归档批次" in again.content.decode()
    assert ClosingRun.objects.count() == 1 and ClosingRun.objects.get() == queued


# ---- idempotency ----


def test_a_failed_run_continues_where_it_stopped_without_redoing_or_doubling(
    client, users, year, monkeypatch, django_capture_on_commit_callbacks
):
    real = closing._archive_one
    calls = []

    def failing(run, person):
        if len(calls) == 3:
            raise RuntimeError("disk full")
        calls.append(person.pk)
        return real(run, person)

    monkeypatch.setattr(closing, "_archive_one", failing)
    run, _ = closing.closing_run_open(year=2025, org=year.rule_set.owner_org)
    with pytest.raises(RuntimeError):
        closing.closing_run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.done == 3 and "出错" in run.message
    assert Archive.objects.count() == 3 and not run.zip_file

    monkeypatch.setattr(closing, "_archive_one", lambda r, p: (calls.append(p.pk), real(r, p))[1])
    client.force_login(users["staff"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("archives:closing_run_resume", args=[run.pk]))
    run.refresh_from_db()
    assert run.status == RunStatus.DONE and run.done == COMMITTEE_PERSONS
    assert len(calls) == len(set(calls)) == COMMITTEE_PERSONS  # the first three were not rendered again
    assert Archive.objects.count() == COMMITTEE_PERSONS
    assert len(_zip_names(run)) == COMMITTEE_PERSONS


def test_closing_a_year_again_updates_each_archive_instead_of_adding(year, users):
    first, _ = closing.closing_run_open(year=2025, org=year.rule_set.owner_org)
    closing.closing_run_execute(run_id=first.pk)
    old_pdf = Archive.objects.get(person=year.A).pdf.name
    second, continued = closing.closing_run_open(year=2025, org=year.rule_set.owner_org)
    assert not continued and second != first
    closing.closing_run_execute(run_id=second.pk)
    assert Archive.objects.count() == COMMITTEE_PERSONS
    assert set(Archive.objects.values_list("run", flat=True)) == {second.pk}
    a = Archive.objects.get(person=year.A)
    assert not a.pdf.storage.exists(old_pdf) or a.pdf.name == old_pdf  # the old file does not linger
    assert closing.closing_run_execute(run_id=second.pk).done == COMMITTEE_PERSONS  # a done run is left alone


def test_the_archive_page_offers_the_pdf_stored_at_closing_to_who_may_see_it(client, users, year):
    own = users["member"].person
    url = reverse("archives:person_archived_pdf", args=[own.pk]) + "?year=2025"
    client.force_login(users["member"])
    assert client.get(url).status_code == 404  # not closed yet
    run, _ = closing.closing_run_open(year=2025, org=year.rule_set.owner_org)
    closing.closing_run_execute(run_id=run.pk)
    page = client.get(reverse("archives:person", args=[own.pk]) + "?year=2025").content.decode()
    assert "下载归档PDF" in page and url in page
    content = b"".join(client.get(url).streaming_content)
    assert content.startswith(b"%PDF-") and len(content) == Archive.objects.get(person=own).pdf.size
    other = reverse("archives:person_archived_pdf", args=[year.A.pk]) + "?year=2025"
    assert client.get(other).status_code == 404
    client.force_login(users["other_staff"])
    assert client.get(other).status_code == 404
    client.force_login(users["leader"])
    assert client.get(other).status_code == 200


def test_erasing_a_person_removes_their_pdfs_and_rebuilds_the_zip_without_them(
    year, users, django_capture_on_commit_callbacks
):
    run, _ = closing.closing_run_open(year=2025, org=year.rule_set.owner_org)
    closing.closing_run_execute(run_id=run.pk)
    archive = Archive.objects.get(person=year.B)
    pdf_name = archive.pdf.name
    assert f"乙委员_{year.B.pk}.pdf" in _zip_names(run)

    from members.services import person_delete

    with django_capture_on_commit_callbacks(execute=True):
        person_delete(actor=users["staff"], person=year.B)  # the roster's delete reaches the closed years
    archive.refresh_from_db()
    assert not archive.pdf and not archive.pdf.storage.exists(pdf_name)
    assert archive.score == EXPECTED_SCORE["B"]  # the closed year keeps counting
    names = _zip_names(run)
    assert len(names) == COMMITTEE_PERSONS - 1 and not any("乙委员" in n for n in names)
    assert ClosingRun.objects.get(pk=run.pk).done == COMMITTEE_PERSONS - 1


# ---- the command ----


def test_the_command_runs_in_the_foreground_with_a_progress_bar(year):
    out = io.StringIO()
    call_command("build_archives", "--year", "2025", stdout=out)
    text = out.getvalue()
    assert "开始归档" in text and "生成档案" in text and f"{COMMITTEE_PERSONS}/{COMMITTEE_PERSONS}" in text
    assert f"已完成：{COMMITTEE_PERSONS} 份档案" in text
    run = ClosingRun.objects.get()
    assert run.status == RunStatus.DONE and run.created_by is None
    assert len(_zip_names(run)) == COMMITTEE_PERSONS
    call_command("build_archives", "--year", "2025", stdout=io.StringIO())
    assert Archive.objects.count() == COMMITTEE_PERSONS


def test_the_command_with_a_term_archives_that_terms_persons(year, term):
    from members.models import TermRole

    TermRole.objects.create(person=year.A, term=term, role="member")
    out = io.StringIO()
    call_command("build_archives", "--year", "2025", "--term", str(term.number), stdout=out)
    run = ClosingRun.objects.get()
    assert run.term == term and run.total == 1
    assert list(Archive.objects.values_list("person", flat=True)) == [year.A.pk]


def test_the_command_refuses_a_year_without_rules(year):
    with pytest.raises(CommandError, match="2019 年度尚未设置履职积分规则"):
        call_command("build_archives", "--year", "2019", stdout=io.StringIO())
    with pytest.raises(CommandError, match="没有第 99 届"):
        call_command("build_archives", "--year", "2025", "--term", "99", stdout=io.StringIO())


def test_the_service_refuses_members(users, year):
    with pytest.raises(DomainError):
        closing.closing_run_start(actor=users["member"], year=2025)
