"""The roster, the profile page, reveal, exports, duplicates: what staff and members see."""

import io

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from core.models import SensitiveAccessLog
from members.models import Person
from members.services import association_position_add, person_create
from members.tests.factories import PersonFactory, SectorFactory, TagFactory, full_person

pytestmark = pytest.mark.django_db


@pytest.fixture
def roster(orgs, term):
    return [full_person(orgs, term, n=i) for i in range(3)]


def _names(response):
    return [p.name for p in response.context["page"]]


def test_roster_lists_persons_with_masked_phones(client_for, users, roster):
    response = client_for(users["staff"]).get(reverse("members:list"))
    html = response.content.decode()
    assert response.status_code == 200
    assert "名册委员1" in html and "+852 61****01" in html
    assert "61000001" not in html and "6100 0001" not in html


@pytest.mark.parametrize("query", ["名册委员1", "名冊委員1", "mingceweiyuan1", "Roster Member 1"])
def test_roster_search_in_either_script_pinyin_or_romanisation(client_for, users, roster, query):
    response = client_for(users["staff"]).get(reverse("members:list"), {"q": query})
    assert _names(response) == ["名册委员1"]


def test_roster_filters_by_region_sector_tag_role_committee_and_association(
    client_for, users, orgs, term, roster
):
    other = PersonFactory(
        name="何嘉欣", owner_org=orgs.committee, region="mo", sector=SectorFactory(name="经济界")
    )
    other.tags.add(TagFactory(name="医疗"))
    from members.services import term_role_add

    term_role_add(person=other, term=term, role="advisor")
    client = client_for(users["staff"])
    url = reverse("members:list")
    assert _names(client.get(url, {"region": "mo"})) == ["何嘉欣"]
    assert _names(client.get(url, {"sector": other.sector_id})) == ["何嘉欣"]
    assert _names(client.get(url, {"tag": other.tags.get().pk})) == ["何嘉欣"]
    assert _names(client.get(url, {"term": term.pk, "role": "advisor"})) == ["何嘉欣"]
    assert len(_names(client.get(url, {"role": "member"}))) == 3
    assert "何嘉欣" not in _names(client.get(url, {"committee": orgs.committee.pk}))
    assert "何嘉欣" not in _names(client.get(url, {"association": orgs.association.pk}))
    association_position_add(person=other, organisation=orgs.association, title="副会长")
    assert "何嘉欣" in _names(client.get(url, {"association": orgs.association.pk}))


def test_roster_sorts_by_pinyin_of_the_name(client_for, users, orgs):
    for name in ("张三", "艾四", "何五"):
        PersonFactory(name=name, owner_org=orgs.committee)
    client = client_for(users["staff"])
    names = [n for n in _names(client.get(reverse("members:list"), {"sort": "name"})) if len(n) == 2]
    assert names == ["艾四", "何五", "张三"]
    names = [n for n in _names(client.get(reverse("members:list"), {"sort": "-name"})) if len(n) == 2]
    assert names == ["张三", "何五", "艾四"]


def test_roster_query_count_is_the_same_for_few_and_many(
    client_for, users, orgs, term, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(users["staff"])
    for i in range(3):
        full_person(orgs, term, n=i)
    client.get(reverse("members:list"))  # warm-up: content types and the cached current term
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("members:list"))
    for i in range(3, 30):
        full_person(orgs, term, n=i)
    # Three persons fit on the first page and are not counted; thirty are counted once (one query), not per row.
    with django_assert_num_queries(len(few.captured_queries) + 1):
        response = client.get(reverse("members:list"))
    assert len(response.context["page"]) == 20
    assert len(few.captured_queries) <= 15  # issue 13: the roster at most 15 queries (was 19)


def test_other_committees_staff_do_not_see_the_roster_rows(client_for, users, roster):
    response = client_for(users["other_staff"]).get(reverse("members:list"))
    assert _names(response) == []
    assert (
        client_for(users["other_staff"]).get(reverse("members:detail", args=[roster[0].pk])).status_code
        == 404
    )


def test_member_is_refused_the_roster_and_sees_only_own_profile(client_for, users, roster):
    client = client_for(users["member"])
    response = client.get(reverse("members:list"))
    assert response.status_code == 403 and "只有工作人员和领导" in response.content.decode()
    me = client.get(reverse("members:me"))
    assert me.status_code == 302 and me.url == reverse("members:detail", args=[users["member"].person.pk])
    assert client.get(reverse("members:detail", args=[roster[0].pk])).status_code == 404


def test_nav_shows_my_profile_to_members_and_the_roster_to_staff(client_for, users):
    html = client_for(users["member"]).get("/").content.decode()
    assert "我的档案" in html and "委员库" not in html
    html = client_for(users["staff"]).get("/").content.decode()
    assert "委员库" in html and "我的档案" not in html


def test_member_preferring_traditional_sees_own_profile_converted_and_masked(client_for, users, orgs):
    member = users["member"]
    member.script = "hant"
    member.save()
    from members.services import person_update

    person_update(
        actor=users["staff"],
        person=member.person,
        documents=[{"kind": "hrp", "number": "H1234567801"}],
        employer="香港测试国际贸易公司",
    )
    html = client_for(member).get(reverse("members:detail", args=[member.person.pk])).content.decode()
    assert "H1234****01" in html and "H1234567801" not in html
    assert "國際貿易" in html and "国际贸易" not in html
    assert "顯示完整信息" not in html  # members may not reveal


def test_profile_renders_sections_from_other_apps(client_for, users, roster, monkeypatch):
    from django.apps import apps

    config = apps.get_app_config("notifications")
    monkeypatch.setattr(
        config,
        "person_sections",
        lambda request, person: [{"title": "测试区块", "html": f"关于{person.name}"}],
        raising=False,
    )
    html = client_for(users["staff"]).get(reverse("members:detail", args=[roster[0].pk])).content.decode()
    assert "测试区块" in html and "关于名册委员0" in html


def test_staff_reveal_shows_clear_values_and_is_logged(client_for, users, roster):
    person = roster[1]
    client = client_for(users["staff"])
    assert "H0000000101" not in client.get(reverse("members:detail", args=[person.pk])).content.decode()
    html = client.post(reverse("members:reveal", args=[person.pk]), {"field": "all"}).content.decode()
    assert "H0000000101" in html and "+852 6100 0001" in html
    assert set(SensitiveAccessLog.objects.values_list("field", flat=True)) == {
        "documents",
        "phones",
        "address",
    }


def test_leader_may_not_reveal(client_for, users, roster):
    response = client_for(users["leader"]).post(
        reverse("members:reveal", args=[roster[0].pk]), {"field": "all"}
    )
    assert response.status_code == 403
    assert not SensitiveAccessLog.objects.exists()


def test_staff_create_a_person_through_the_form(client_for, users, orgs, term):
    response = client_for(users["staff"]).post(
        reverse("members:create"),
        {
            "name": "梁美玲",
            "romanised_name": "Leung Mei Ling",
            "region": "hk",
            "birth": "1972.05",
            "role": "member",
            "phones": "+852 9123 4567\n138 1234 5678",
            "document_kind": "hkid",
            "document_number": "A123456(3)",
            "tags": "青年委员、医疗",
            "gender": "f",
        },
    )
    person = Person.objects.get(name="梁美玲")
    assert response.status_code == 302
    assert person.birth_display == "1972年5月" and person.term_roles.get().role == "member"
    assert person.phones.count() == 2 and person.documents.get().number == "A123456(3)"


def test_form_shows_a_bad_document_next_to_the_field(client_for, users, orgs, term):
    response = client_for(users["staff"]).post(
        reverse("members:create"),
        {
            "name": "梁美玲",
            "region": "hk",
            "document_kind": "hrp",
            "document_number": "H12",
            "birth": "1972-02-30",
        },
    )
    html = response.content.decode()
    assert response.status_code == 200 and "不存在" in html
    assert not Person.objects.filter(name="梁美玲").exists()


def test_staff_delete_anonymises(client_for, users, roster):
    client = client_for(users["staff"])
    response = client.post(reverse("members:delete", args=[roster[0].pk]))
    assert response.status_code == 302
    assert "名册委员0" not in _names(client.get(reverse("members:list")))


def test_export_excel_has_frozen_header_real_dates_and_masked_phones(client_for, users, roster):
    response = client_for(users["staff"]).get(reverse("members:export"), {"q": "名册委员1"})
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.freeze_panes == "A2"
    header = [c.value for c in ws[1]]
    assert header[0] == "姓名" and "证件" not in header
    assert ws.max_row == 2 and ws["A2"].value == "名册委员1"
    assert ws["D2"].is_date
    assert "+852 61****01" in ws["M2"].value


def test_sensitive_export_is_staff_only_and_logged(client_for, users, roster):
    response = client_for(users["leader"]).get(reverse("members:export"), {"sensitive": "1"})
    assert response.status_code == 403
    response = client_for(users["staff"]).get(reverse("members:export"), {"sensitive": "1"})
    ws = load_workbook(io.BytesIO(response.content)).active
    assert "证件" in [c.value for c in ws[1]]
    assert SensitiveAccessLog.objects.filter(kind="export").count() == Person.objects.count()


def test_export_query_count_does_not_grow(client_for, users, orgs, term, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    client = client_for(users["staff"])
    full_person(orgs, term, n=0)
    client.get(reverse("members:export_csv")).getvalue()  # warm-up: the cached current term
    with CaptureQueriesContext(connection) as few:
        client.get(reverse("members:export_csv")).getvalue()
    for i in range(1, 25):
        full_person(orgs, term, n=i)
    with django_assert_num_queries(len(few.captured_queries)):
        content = client.get(reverse("members:export_csv")).getvalue().decode("utf-8-sig")
    assert content.count("名册委员") == 25


def test_csv_neutralises_formula_cells(client_for, users, orgs):
    person_create(actor=None, check=False, owner_org=orgs.committee, name="陈大文", employer="=HYPERLINK(1)")
    content = client_for(users["staff"]).get(reverse("members:export_csv")).getvalue().decode("utf-8-sig")
    assert "'=HYPERLINK(1)" in content


def test_contact_list_pdf(client_for, users, roster):
    response = client_for(users["staff"]).get(reverse("members:export_pdf"))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_member_may_not_export(client_for, users, roster):
    assert client_for(users["member"]).get(reverse("members:export")).status_code == 403


def test_duplicates_page_offers_a_merge(client_for, users, orgs):
    import datetime as dt

    for _ in range(2):
        person_create(
            actor=None, check=False, owner_org=orgs.committee, name="何嘉欣", birth_date=dt.date(1970, 1, 2)
        )
    client = client_for(users["staff"])
    html = client.get(reverse("members:duplicates")).content.decode()
    assert html.count("保留此条") == 2
    keep, drop = Person.objects.filter(name="何嘉欣").order_by("pk")
    response = client.post(reverse("members:merge"), {"keep": keep.pk, "drop": drop.pk})
    assert response.status_code == 302 and Person.objects.filter(name="何嘉欣").count() == 1


def test_staff_record_committee_and_association_positions_on_the_profile(client_for, users, orgs, term):
    person = PersonFactory(name="何嘉欣", owner_org=orgs.committee)
    client = client_for(users["staff"])
    client.post(
        reverse("members:committee_add", args=[person.pk]),
        {"committee": orgs.committee.pk, "position": "vice_chair", "term": term.pk},
    )
    client.post(
        reverse("members:position_add", args=[person.pk]),
        {"organisation": orgs.association.pk, "title": "副会长", "start_date": "2023-01-01"},
    )
    html = client.get(reverse("members:detail", args=[person.pk])).content.decode()
    assert "副主任" in html and "副会长" in html
    refused = client_for(users["leader"]).post(
        reverse("members:committee_add", args=[person.pk]),
        {"committee": orgs.committee.pk, "position": "chair"},
    )
    assert refused.status_code == 403 and person.committee_memberships.get().position == "vice_chair"


def test_staff_upload_a_photo_served_only_to_those_who_may_see(client_for, users, orgs, term):
    import io

    from django.core.files.uploadedfile import SimpleUploadedFile
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "red").save(buffer, format="PNG")
    person = PersonFactory(name="何嘉欣", owner_org=orgs.committee)
    client = client_for(users["staff"])
    response = client.post(
        reverse("members:edit", args=[person.pk]),
        {
            "name": "何嘉欣",
            "region": "hk",
            "photo": SimpleUploadedFile("p.png", buffer.getvalue(), "image/png"),
        },
    )
    assert response.status_code == 302
    assert client.get(reverse("members:photo", args=[person.pk])).status_code == 200
    assert client_for(users["other_staff"]).get(reverse("members:photo", args=[person.pk])).status_code == 404


def test_the_rosters_filters_list_ones_own_terms_and_search_bodies(client_for, users, orgs, term):
    """A province holds 150 CPPCCs and hundreds of committees: the term filter offers the user's own CPPCC's
    terms (and one asked for in the address), committees and associations are searched, not listed — yet each
    still filters."""
    from members.models import CommitteeMembership
    from members.tests.factories import TermFactory
    from organisations.tests.factories import OrganisationFactory

    district_term = TermFactory(cppcc=orgs.district, number=7)
    committees = [
        OrganisationFactory(name=f"第{i}专委会", kind="committee", parent=orgs.city) for i in range(25)
    ]
    person = full_person(orgs, term, n=1)
    CommitteeMembership.objects.create(
        person=person, committee=committees[3], term=term, owner_org=orgs.committee
    )
    client = client_for(users["staff"])

    html = client.get(reverse("members:list")).content.decode()
    assert f'<option value="{term.pk}"' in html and f'value="{district_term.pk}"' not in html
    assert all(f'value="{c.pk}"' not in html for c in committees)

    html = client.get(reverse("members:list") + f"?term={district_term.pk}").content.decode()
    assert f'value="{district_term.pk}" selected' in html  # asked for: shown as chosen
    response = client.get(reverse("members:list") + f"?committee={committees[3].pk}")
    assert [p.pk for p in response.context["page"]] == [person.pk]
    assert f'value="{committees[3].pk}" selected' in response.content.decode()


def test_the_term_selects_of_the_import_and_the_committee_form_offer_and_accept_only_ones_own_cppccs_terms(
    client_for, users, orgs, term
):
    """A province holds 150 CPPCCs' terms: the import page and the profile's committee form list the user's own
    CPPCC's terms (its current one chosen), and another CPPCC's term posted anyway is refused in Chinese."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from members.forms import OTHER_TERM
    from members.models import CommitteeMembership, ImportBatch
    from members.tests.factories import TermFactory
    from members.tests.rosters import messy_roster

    XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

    old_term = TermFactory(cppcc=orgs.city, number=13, is_current=False)
    district_term = TermFactory(cppcc=orgs.district, number=7)
    province_term = TermFactory(cppcc=orgs.province, number=13)
    person = PersonFactory(name="何嘉欣", owner_org=orgs.committee)
    client = client_for(users["staff"])
    for url in (reverse("members:import"), reverse("members:detail", args=[person.pk])):
        html = client.get(url).content.decode()
        assert f'<option value="{term.pk}" selected>' in html and f'<option value="{old_term.pk}">' in html
        assert f'value="{district_term.pk}"' not in html and f'value="{province_term.pk}"' not in html

    upload = SimpleUploadedFile("名册.xlsx", messy_roster(), content_type=XLSX)
    refused = client.post(reverse("members:import"), {"file": upload, "term": district_term.pk})
    assert refused.status_code == 200 and OTHER_TERM in refused.content.decode()
    assert not ImportBatch.objects.exists()
    response = client.post(
        reverse("members:committee_add", args=[person.pk]),
        {"committee": orgs.committee.pk, "position": "member", "term": district_term.pk},
        follow=True,
    )
    assert OTHER_TERM in response.content.decode() and not CommitteeMembership.objects.exists()
    client.post(
        reverse("members:committee_add", args=[person.pk]),
        {"committee": orgs.committee.pk, "position": "member", "term": old_term.pk},
    )
    assert CommitteeMembership.objects.get(person=person).term == old_term
