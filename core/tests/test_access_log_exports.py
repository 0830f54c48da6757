"""Guard 7: the sensitive-data access log covers exports too — each file with clear identity data writes one row
per person (who, when, which fields, which file), shown and filterable on the admin page /access-log/."""

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.models import SensitiveAccessLog
from members.tests.factories import TermFactory, full_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(orgs, users):
    from members.models import Person

    term = TermFactory(cppcc=orgs.city)
    [full_person(orgs, term, n=i) for i in range(3)]
    return list(Person.objects.all())  # with the member's and the advisor's own records: five


@pytest.mark.parametrize(
    "url, filename", [("members:export", "委员名册.xlsx"), ("members:export_csv", "委员名册.csv")]
)
def test_an_export_with_clear_identity_data_logs_one_row_per_person(client, users, roster, url, filename):
    client.force_login(users["staff"])
    assert client.get(reverse(url), {"sensitive": "1"}).status_code == 200
    rows = SensitiveAccessLog.objects.filter(kind="export")
    assert sorted(r.subject_label for r in rows) == sorted(p.name for p in roster)
    assert {(r.user, r.field, r.detail) for r in rows} == {
        (users["staff"], "证件、电话、通讯地址", f"{filename}（5 人）")
    }


def test_a_masked_export_logs_nothing(client, users, roster):
    client.force_login(users["staff"])
    client.get(reverse("members:export"))
    assert not SensitiveAccessLog.objects.exists()


def test_a_leader_may_not_export_clear_data_and_nothing_is_logged(client, users, roster):
    client.force_login(users["leader"])
    assert client.get(reverse("members:export"), {"sensitive": "1"}).status_code == 403
    assert not SensitiveAccessLog.objects.exists()


def test_the_admin_page_lists_exports_and_filters_by_kind(client, users, roster):
    client.force_login(users["staff"])
    client.get(reverse("members:export"), {"sensitive": "1"})
    client.post(reverse("members:reveal", args=[roster[0].pk]), {"field": "phones"})
    client.force_login(users["admin"])
    page = client.get(reverse("core:access_log"), {"kind": "export"}).content.decode()
    assert page.count("委员名册.xlsx（5 人）") == 5 and "查看明文" not in page.split("<tbody>")[1]
    reveals = client.get(reverse("core:access_log"), {"kind": "reveal"}).content.decode()
    assert "委员名册.xlsx" not in reveals.split("<tbody>")[1]
    xlsx = client.get(reverse("core:access_log"), {"format": "xlsx"})
    ws = load_workbook(__import__("io").BytesIO(xlsx.content)).active
    assert [c.value for c in ws[1]] == ["时间", "查看人", "操作", "数据主体", "字段", "说明", "IP 地址"]
    assert {row[2].value for row in ws.iter_rows(min_row=2)} == {"导出", "查看明文"}


@pytest.mark.parametrize("role", ["staff", "leader", "member", "unit", "partner"])
def test_only_admins_see_the_access_log(client, users, role):
    client.force_login(users[role])
    assert client.get(reverse("core:access_log")).status_code == 403
