"""Large exports run as background jobs with a progress bar and a download; small ones stay immediate."""

import datetime as dt
import io

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from conftest import login_client
from core.models import ExportJob
from core.retention import apply_all
from organisations.models import Organisation

pytestmark = pytest.mark.django_db

EXPORT = "/organisations/export.xlsx"


def _rows(content: bytes) -> list[tuple]:
    return list(load_workbook(io.BytesIO(content), read_only=True).active.iter_rows(values_only=True))


def test_a_small_export_is_answered_at_once(client, users, settings):
    settings.TONGXIN_EXPORT_JOB_ROWS = 1000
    response = login_client(client, users["staff"]).get(EXPORT)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxml")
    assert not ExportJob.objects.exists()


def test_a_large_export_becomes_a_job_whose_file_equals_the_direct_export(
    client, users, settings, django_capture_on_commit_callbacks
):
    staff = login_client(client, users["staff"])
    settings.TONGXIN_EXPORT_JOB_ROWS = 1000
    direct = _rows(staff.get(EXPORT, {"q": ""}).content)
    settings.TONGXIN_EXPORT_JOB_ROWS = 2
    with django_capture_on_commit_callbacks(execute=True):
        response = staff.get(EXPORT, {"q": ""})
    job = ExportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("core:export_job", args=[job.pk])
    assert (job.status, job.total, job.done, job.user) == (
        "done",
        len(direct) - 1,
        len(direct) - 1,
        users["staff"],
    )

    page = staff.get(response["Location"]).content.decode()
    assert "下载 组织机构.xlsx" in page and "hx-trigger" not in page
    download = staff.get(reverse("core:export_job_download", args=[job.pk]))
    assert _rows(b"".join(download.streaming_content)) == direct
    assert "组织机构.xlsx" in staff.get(reverse("core:export_jobs")).content.decode()


def test_the_progress_partial_polls_until_the_job_ends_and_only_its_owner_sees_it(client, users):
    job = ExportJob.objects.create(user=users["staff"], path=EXPORT, status="running", total=50_000, done=12_500,
                                   progressed_at=timezone.now())  # fmt: skip
    staff = login_client(client, users["staff"])
    partial = staff.get(reverse("core:export_job", args=[job.pk]), HTTP_HX_REQUEST="true").content.decode()
    assert 'hx-trigger="every 1s"' in partial and "12500 / 50000" in partial and "25%" in partial
    assert "<html" not in partial
    assert staff.get(reverse("core:export_job_download", args=[job.pk])).status_code == 404  # not done yet

    leader = login_client(client, users["leader"])
    assert leader.get(reverse("core:export_job", args=[job.pk])).status_code == 404


def test_a_job_that_stopped_making_progress_is_shown_as_interrupted(client, users):
    stale = timezone.now() - dt.timedelta(minutes=30)
    job = ExportJob.objects.create(
        user=users["staff"], path=EXPORT, status="running", total=10, progressed_at=stale
    )
    page = (
        login_client(client, users["staff"]).get(reverse("core:export_job", args=[job.pk])).content.decode()
    )
    assert "导出已中断" in page and "hx-trigger" not in page


def test_a_member_cannot_export_through_a_job_either(
    client, users, settings, django_capture_on_commit_callbacks
):
    settings.TONGXIN_EXPORT_JOB_ROWS = 0
    with django_capture_on_commit_callbacks(execute=True):
        response = login_client(client, users["member"]).get(EXPORT)
    assert response.status_code == 403 and not ExportJob.objects.exists()


def test_old_export_files_are_removed_by_retention(users):
    job = ExportJob.objects.create(user=users["staff"], path=EXPORT, status="done")
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - dt.timedelta(days=8))
    assert Organisation.objects.exists()
    done = {rule.name: count for rule, _, count in apply_all()}
    assert done["export_files"] == 1 and not ExportJob.objects.exists()
