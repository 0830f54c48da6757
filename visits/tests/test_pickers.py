"""Colleagues are searched, never listed (issue 13 item 2): a visit's visitors, a request's owner, a partner
body's liaison person, a liaison event's participants and a plan's visitors are the leaders and staff of the
user's body and below, hundreds in a city CPPCC. The pages render only the chosen ones; `visits:colleague_search`
answers at most 20 of them, within the user's body; a posted id outside it is refused with a Chinese error."""

import re

import pytest
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from conftest import login_client
from core.roles import Role
from visits import services
from visits.models import LiaisonEvent, Request, Visit

from .factories import make_request, make_visit, seat

pytestmark = pytest.mark.django_db

NOT_A_COLLEAGUE = "只能选择本单位（含下级单位）在职的领导或工作人员。"


def _colleagues(org, n: int, prefix: str = "同事"):
    """`n` active staff users of `org` (bulk: no password hashing)."""
    User.objects.bulk_create(
        [
            User(
                username=f"{prefix}{org.pk}_{i}",
                full_name=f"{prefix}{i:03d}",
                role=Role.STAFF,
                organisation=org,
            )
            for i in range(n)
        ]
    )
    return list(User.objects.filter(username__startswith=f"{prefix}{org.pk}_").order_by("full_name"))


def _ids(response):
    assert response.status_code == 200, response.content
    return [r["id"] for r in response.json()["results"]]


def _select(html: str, name: str) -> str:
    found = re.search(rf'<select[^>]*name="{name}"[^>]*>.*?</select>', html, re.S)
    assert found, name
    return found.group(0)


@pytest.mark.parametrize(
    "url, name",
    [
        (reverse("visits:create"), "visitors"),
        (reverse("visits:request_create"), "owner"),
        (reverse("visits:liaison_link"), "liaison"),
        (reverse("visits:liaison_event_create"), "participants"),
        (reverse("visits:list"), "visitor"),
        (reverse("visits:request_list"), "owner"),
        (reverse("visits:plan"), "visitors"),
        (reverse("visits:plan"), "visitor"),
    ],
)
def test_a_page_does_not_list_every_colleague(client, users, orgs, url, name):
    """60 colleagues: the page's select is a picker holding at most the chosen ones, none of the 60."""
    seat([users["member"].person], orgs.city)
    services.visit_plan_create(actor=users["leader"], year=timezone.localdate().year)
    make_visit(users["leader"], [users["member"].person])  # a plan row and a visit to show
    _colleagues(orgs.committee, 60)
    html = login_client(client, users["leader"]).get(url).content.decode()
    select = _select(html, name)
    assert 'data-picker-url="/visits/colleagues/search/"' in select
    assert select.count("<option") <= 3  # 全部 / 未分工 / the chosen one
    assert "同事0" not in html and "同事059" not in html


def test_the_plan_rows_show_only_their_own_visitor(client, users, orgs):
    _colleagues(orgs.committee, 60)
    seat([users["member"].person, users["advisor"].person], orgs.city)
    plan = services.visit_plan_create(actor=users["leader"], year=timezone.localdate().year)
    row = plan.assignments.select_related("person").first()
    services.visit_assignment_set(
        actor=users["leader"], assignment=row, visitor=users["staff"], target_month=5
    )
    html = login_client(client, users["leader"]).get(reverse("visits:plan")).content.decode()
    rows = re.findall(r'<select name="visitor" aria-label="负责走访".*?</select>', html, re.S)
    assert rows and all(r.count("<option") <= 2 for r in rows)
    assert any(users["staff"].display_name in r and "selected" in r for r in rows)


def test_the_colleague_search_is_bounded_and_stays_within_the_users_body(
    client, users, orgs, django_assert_max_num_queries
):
    mine = _colleagues(orgs.committee, 30)
    theirs = _colleagues(orgs.other_committee, 5, prefix="他会同事")
    staff = login_client(client, users["staff"])
    url = reverse("visits:colleague_search")
    with django_assert_max_num_queries(6):
        found = _ids(staff.get(url, {"q": "同事"}))
    assert len(found) == 20 and set(found) <= {u.pk for u in mine}
    assert _ids(staff.get(url, {"q": "同事007"})) == [mine[7].pk]
    assert _ids(staff.get(url, {"q": "他会同事"})) == []  # another committee's staff are not offered
    assert users["other_staff"].pk not in _ids(staff.get(url))
    assert users["member"].pk not in _ids(staff.get(url, {"q": users["member"].username}))  # no members
    text = staff.get(url, {"q": "同事007"}).json()["results"][0]["text"]
    assert text == "同事007（工作人员）"
    other = login_client(client, users["other_staff"])
    assert set(_ids(other.get(url, {"q": "同事"}))) == {u.pk for u in theirs}
    assert login_client(client, users["member"]).get(url).status_code == 403


def test_a_visit_is_saved_with_a_searched_visitor_and_refused_with_an_outsider(client, users, orgs):
    colleague = _colleagues(orgs.committee, 3)[1]
    staff = login_client(client, users["staff"])
    data = {
        "date": timezone.localdate().isoformat(),
        "mode": "home",
        "persons": [users["member"].person.pk],
    }
    refused = staff.post(reverse("visits:create"), {**data, "visitors": [users["other_staff"].pk]})
    assert refused.status_code == 200 and NOT_A_COLLEAGUE in refused.content.decode()
    assert not Visit.objects.exists()
    response = staff.post(reverse("visits:create"), {**data, "visitors": [colleague.pk, users["staff"].pk]})
    assert response.status_code == 302
    assert set(Visit.objects.get().visitors.all()) == {colleague, users["staff"]}


def test_a_request_owner_is_a_searched_colleague_an_outsider_is_refused(client, users, orgs):
    colleague = _colleagues(orgs.committee, 2)[0]
    staff = login_client(client, users["staff"])
    data = {
        "person": users["member"].person.pk,
        "category": "school",
        "title": "子女插班入学",
        "description": "孩子明年随家人来穗。",
    }
    refused = staff.post(reverse("visits:request_create"), {**data, "owner": users["other_staff"].pk})
    assert refused.status_code == 200 and NOT_A_COLLEAGUE in refused.content.decode()
    assert staff.post(reverse("visits:request_create"), {**data, "owner": colleague.pk}).status_code == 302
    assert Request.objects.get().owner == colleague
    req = make_request(users["staff"], users["member"].person, owner=colleague)
    html = staff.get(reverse("visits:request_edit", args=[req.pk])).content.decode()
    owner = _select(html, "owner")
    assert colleague.display_name in owner and owner.count("<option") == 2  # the empty one and the owner


def test_liaison_person_and_event_participants_are_checked_against_the_users_body(client, users, orgs):
    colleague = _colleagues(orgs.committee, 2)[0]
    staff = login_client(client, users["staff"])
    link = reverse("visits:liaison_link")
    refused = staff.post(link, {"organisation": orgs.association.pk, "liaison": users["other_staff"].pk})
    assert refused.status_code == 200 and NOT_A_COLLEAGUE in refused.content.decode()
    assert staff.post(link, {"organisation": orgs.association.pk, "liaison": colleague.pk}).status_code == 302
    event = {
        "date": timezone.localdate().isoformat(),
        "kind": "meeting",
        "title": "联谊座谈",
        "organisations": [orgs.association.pk],
    }
    create = reverse("visits:liaison_event_create")
    refused = staff.post(create, {**event, "participants": [users["other_staff"].pk]})
    assert refused.status_code == 200 and NOT_A_COLLEAGUE in refused.content.decode()
    assert staff.post(create, {**event, "participants": [colleague.pk]}).status_code == 302
    assert list(LiaisonEvent.objects.get().participants.all()) == [colleague]


def test_list_filters_show_the_chosen_colleague_and_filter_by_them(client, users, orgs):
    colleague = _colleagues(orgs.committee, 2)[0]
    make_visit(users["staff"], [users["member"].person], visitors=[colleague], topics="同事走访")
    make_visit(users["staff"], [users["member"].person], topics="本人走访")
    staff = login_client(client, users["staff"])
    html = staff.get(reverse("visits:list"), {"visitor": colleague.pk}).content.decode()
    assert f'<option value="{colleague.pk}" selected>{colleague.display_name}</option>' in _select(
        html, "visitor"
    )
    assert "同事走访" in html and "本人走访" not in html
    outsider = staff.get(reverse("visits:list"), {"visitor": users["other_staff"].pk}).content.decode()
    assert users["other_staff"].display_name not in _select(outsider, "visitor")  # not revealed
