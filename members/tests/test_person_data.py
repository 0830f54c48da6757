"""Guard 8: a person's data export — "what the platform holds about me" as one Excel file with every record that
concerns the person across apps; members download their own, staff for a person on request; every download logged."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from activities import services as activities
from activities.tests.factories import ActivityFactory
from core.models import SensitiveAccessLog
from members.services import person_update
from proposals.services import proposal_create_draft
from proposals.tests.factories import seat

pytestmark = pytest.mark.django_db


@pytest.fixture
def member_with_records(orgs, users):
    person = users["member"].person
    person_update(
        actor=None, check=False, person=person, phones=["+852 91234567"], address="香港中环皇后大道1号"
    )
    activity = ActivityFactory(owner_org=orgs.committee, title="港澳委员座谈会")
    activities.invitations_create(actor=users["staff"], activity=activity, persons=[person])
    seat(person)  # only a current member may author the proposal
    proposal_create_draft(
        actor=users["member"], author=person, title="关于增设滑板场的建议", body="建议增设。"
    )
    return person


def _sheets(response) -> dict[str, str]:
    wb = load_workbook(io.BytesIO(response.content))
    return {ws.title: " ".join(str(c.value) for row in ws.iter_rows() for c in row if c.value) for ws in wb}


def test_a_member_downloads_everything_held_about_him_in_clear(client, users, member_with_records):
    client.force_login(users["member"])
    response = client.get(reverse("members:data", args=[member_with_records.pk]))
    assert response.status_code == 200
    sheets = _sheets(response)
    text = " ".join(sheets.values())
    assert "陈大文" in text and "香港中环皇后大道1号" in text and "91234567" in text  # his own data, in clear
    assert "港澳委员座谈会" in text  # activities' records
    assert "关于增设滑板场的建议" in text  # proposals' records
    assert len(sheets) >= 4
    log = SensitiveAccessLog.objects.get()
    assert (log.kind, log.user, log.detail) == ("export", users["member"], "个人数据导出（本人下载）")


def test_staff_export_a_persons_data_on_request_and_it_is_logged(client, users, member_with_records):
    client.force_login(users["staff"])
    response = client.get(reverse("members:data", args=[member_with_records.pk]))
    assert response.status_code == 200
    assert SensitiveAccessLog.objects.get().detail == "个人数据导出（工作人员代为导出）"


@pytest.mark.parametrize(
    "role, status", [("leader", 403), ("advisor", 404), ("unit", 404), ("other_staff", 404)]
)
def test_others_may_not_take_a_persons_data(client, users, member_with_records, role, status):
    client.force_login(users[role])
    assert client.get(reverse("members:data", args=[member_with_records.pk])).status_code == status
    assert not SensitiveAccessLog.objects.exists()


def test_the_profile_offers_the_download_to_the_person_himself(client, users, member_with_records):
    client.force_login(users["member"])
    page = client.get(reverse("members:detail", args=[member_with_records.pk])).content.decode()
    assert "下载我的数据" in page


def test_leaders_confidential_visit_notes_are_not_in_the_file(client, users, member_with_records, orgs):
    from visits.models import Visit

    visit = Visit.objects.create(
        owner_org=orgs.committee, date="2025-03-12", confidential_notes="仅领导可见的评价"
    )
    visit.persons.add(member_with_records)
    client.force_login(users["member"])
    text = " ".join(_sheets(client.get(reverse("members:data", args=[member_with_records.pk]))).values())
    assert "仅领导可见的评价" not in text and "2025-03-12" in text
