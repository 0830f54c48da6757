import pytest
from django.urls import reverse

from core.errors import DomainError
from organisations.models import Organisation
from organisations.services import organisation_update
from organisations.tests.factories import OrganisationFactory

pytestmark = pytest.mark.django_db


def test_moving_a_body_repaths_its_subtree(orgs, users):
    organisation_update(actor=users["admin"], org=orgs.committee, parent=orgs.district)
    orgs.committee.refresh_from_db()
    assert orgs.committee.path == f"{orgs.district.path}{orgs.committee.pk}/"


def test_a_body_cannot_move_under_itself(orgs, users):
    with pytest.raises(DomainError, match="上级机构不能是本机构"):
        organisation_update(actor=users["admin"], org=orgs.city, parent=orgs.committee)


def test_duplicate_name_is_refused(orgs, users):
    with pytest.raises(DomainError, match="已有名为"):
        organisation_update(actor=users["admin"], org=orgs.district, name="广州市政协")


def test_list_searches_by_alias_in_traditional_script(client, users, orgs):
    OrganisationFactory(name="中共广州市委外事工作委员会办公室", short_name="市委外办", aliases="市港澳办")
    client.force_login(users["staff"])
    html = client.get(reverse("organisations:list"), {"q": "市港澳辦"}).content.decode()
    assert "市委外事工作委员会办公室" in html
    assert "广州市体育局" not in html


def test_list_query_count_does_not_grow_with_rows(client, users, orgs, django_assert_max_num_queries):
    client.force_login(users["staff"])
    client.get(reverse("organisations:list"))
    for i in range(40):
        OrganisationFactory(name=f"部门{i}", parent=orgs.city)
    with django_assert_max_num_queries(8):
        response = client.get(reverse("organisations:list"))
    assert response.status_code == 200


def test_staff_is_refused_create_with_chinese_reason(client, users):
    client.force_login(users["staff"])
    response = client.post(
        reverse("organisations:create"), {"name": "x", "kind": "department", "level": "city"}
    )
    assert response.status_code == 403
    assert "只有系统管理员可以新建机构" in response.content.decode()
    assert not Organisation.objects.filter(name="x").exists()


def test_admin_creates_and_history_records_it(client, users, orgs):
    client.force_login(users["admin"])
    response = client.post(
        reverse("organisations:create"),
        {
            "name": "广州市林业和园林局",
            "short_name": "市林业园林局",
            "kind": "department",
            "level": "city",
            "is_handling_unit": "on",
            "is_active": "on",
        },
    )
    org = Organisation.objects.get(name="广州市林业和园林局")
    assert response.status_code == 302
    history = client.get(reverse("core:history", args=["organisations", "organisation", org.pk]))
    html = history.content.decode()
    assert "新建" in html and users["admin"].display_name in html


def test_export_contains_filtered_rows(client, users, orgs):
    import io

    from openpyxl import load_workbook

    client.force_login(users["staff"])
    response = client.get(reverse("organisations:export"), {"kind": "cppcc"})
    ws = load_workbook(io.BytesIO(response.content)).active
    names = {row[0] for row in ws.iter_rows(min_row=2, values_only=True)}
    assert names == {"广东省政协", "广州市政协", "广州市天河区政协"}


def test_member_cannot_export(client, users):
    client.force_login(users["member"])
    assert client.get(reverse("organisations:export")).status_code == 403


def test_history_of_invisible_object_is_404(client, users, orgs):
    from members.tests.factories import PersonFactory

    person = PersonFactory(owner_org=orgs.committee)
    client.force_login(users["other_staff"])
    response = client.get(reverse("core:history", args=["members", "person", person.pk]))
    assert response.status_code == 404
    assert "未找到" in response.content.decode()
