"""Guard 8: retention periods. Each rule removes (or blanks) only what is older than its period, `--dry-run`
only counts, 0 days keeps forever, and every `send_reminders` run applies them."""

import datetime as dt

import pytest
from django.core.files.base import ContentFile
from django.core.management import call_command
from django.utils import timezone

from core.models import SensitiveAccessLog
from core.sensitive import log_reveal
from ideas.models import Idea, IdeaStatus
from ideas.tests.factories import IdeaFactory
from members.models import ImportBatch
from notifications.models import Notification
from notifications.services import notify

pytestmark = pytest.mark.django_db


@pytest.fixture
def old_and_new(orgs, users):
    staff, person = users["staff"], users["member"].person
    long_ago = timezone.now() - dt.timedelta(days=3 * 365 + 10)
    for when in (long_ago, timezone.now()):
        log = log_reveal(user=staff, obj=person, field="phones")
        SensitiveAccessLog.objects.filter(pk=log.pk).update(created_at=when)
        (note,) = notify([staff], "test", title="旧通知" if when == long_ago else "新通知")
        Notification.objects.filter(pk=note.pk).update(created_at=when, read_at=when)
        batch = ImportBatch.objects.create(owner_org=orgs.committee, created_by=staff, filename="名册.xlsx")
        batch.file.save("roster.xlsx", ContentFile(b"PK roster"), save=True)
        ImportBatch.objects.filter(pk=batch.pk).update(created_at=when)
        IdeaFactory(
            owner_org=orgs.committee,
            status=IdeaStatus.DECLINED,
            closed_at=when,
            outcome_note="不属于本委职责",
        )
    unread = notify([staff], "test", title="未读的旧通知")[0]
    Notification.objects.filter(pk=unread.pk).update(created_at=long_ago)


def test_what_outlived_its_period_goes_and_the_rest_stays(old_and_new, capsys):
    call_command("apply_retention")
    assert SensitiveAccessLog.objects.count() == 1
    assert sorted(Notification.objects.filter(event="test").values_list("title", flat=True)) == [
        "新通知",
        "未读的旧通知",
    ]
    # the record of who uploaded what stays, the old file goes
    old_file, new_file = ImportBatch.objects.order_by("created_at").values_list("file", flat=True)
    assert old_file == "" and new_file != ""
    old_idea, new_idea = Idea.objects.order_by("closed_at")
    assert (old_idea.citizen_phone, old_idea.citizen_email) == ("", "")
    assert old_idea.title and old_idea.status == IdeaStatus.DECLINED
    assert new_idea.citizen_phone == "13812345678"
    out = capsys.readouterr().out
    assert "敏感信息访问记录：保存 1095 天，已清理 1 条" in out


def test_a_dry_run_counts_without_removing(old_and_new, capsys):
    call_command("apply_retention", "--dry-run")
    assert "将清理 1 条" in capsys.readouterr().out
    assert SensitiveAccessLog.objects.count() == 2
    assert Idea.objects.exclude(citizen_phone="").count() == 2


def test_zero_days_keeps_forever(old_and_new, settings, capsys):
    settings.TONGXIN_RETENTION_DAYS = {**settings.TONGXIN_RETENTION_DAYS, "access_log": 0}
    call_command("apply_retention")
    assert SensitiveAccessLog.objects.count() == 2
    assert "敏感信息访问记录：长期保存" in capsys.readouterr().out


def test_the_reminder_run_applies_retention_too(old_and_new, capsys):
    call_command("send_reminders")
    assert "data_retention: 清理" in capsys.readouterr().out
    assert SensitiveAccessLog.objects.count() == 1
