"""Searchable pickers (issue 12 item 14, issue 13 item 2): the merge target, co-signers and handling units
are chosen through bounded search endpoints; the proposal page lists none of them."""

import re

import pytest
from django.urls import reverse

from conftest import login_client
from members.models import Person, Term, TermRole
from members.services import person_create
from members.tests.factories import TermFactory
from organisations.tests.factories import OrganisationFactory

from ..models import Proposal, ProposalStatus
from . import factories as f

pytestmark = pytest.mark.django_db


def _results(response):
    assert response.status_code == 200, response.content
    return response.json()["results"]


def test_the_review_page_does_not_render_the_open_proposals(client, users, orgs, session):
    target = f.filed(users, orgs, title="关于完善口岸通关便利的提案")
    for i in range(25):
        f.submitted(users, title=f"关于第{i}项民生事项的提案")
    proposal = f.submitted(users, title="关于待审查事项的提案")
    html = login_client(client, users["staff"]).get(reverse("proposals:detail", args=[proposal.pk])).content
    select = re.search(r'<select[^>]*name="merge-into"[^>]*>(.*?)</select>', html.decode(), re.S)
    assert 'data-picker-url="/proposals/search/?merge_for=' in select.group(0)
    assert select.group(1).count("<option") == 1 and target.title not in select.group(1)  # only the empty one


def test_the_merge_target_search_is_bounded_visible_and_leaves_the_proposal_out(
    client, users, orgs, session, django_assert_max_num_queries
):
    for i in range(30):
        f.submitted(users, title=f"关于口岸第{i}项的提案")
    proposal = f.submitted(users, title="关于口岸待审查的提案")
    staff = login_client(client, users["staff"])
    url = reverse("proposals:search")
    with django_assert_max_num_queries(8):
        found = _results(staff.get(url, {"q": "口岸", "merge_for": proposal.pk}))
    assert len(found) == 20 and proposal.pk not in {r["id"] for r in found}
    assert found[0]["text"].startswith("#") and "《关于口岸" in found[0]["text"]
    other = login_client(client, users["other_staff"])
    assert _results(other.get(url, {"q": "口岸"})) == []  # another committee sees none of them
    assert other.get(url, {"merge_for": proposal.pk}).status_code == 404


def test_merging_validates_the_target_against_what_the_user_may_see(client, users, orgs, session):
    proposal = f.submitted(users, title="关于合并来源的提案")
    target = f.filed(users, orgs, title="关于合并目标的提案")
    staff = login_client(client, users["staff"])
    act = reverse("proposals:act", args=[proposal.pk, "merge"])
    assert staff.post(act, {"merge-into": proposal.pk}).status_code == 400  # not itself
    assert staff.post(act, {"merge-into": 10**12}).status_code == 400
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.SUBMITTED
    assert staff.post(act, {"merge-into": target.pk}).status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).merged_into_id == target.pk


def _seated(orgs, person):
    """A seat in the city CPPCC's current term: whom the co-signer picker offers (members/tests/test_search.py)."""
    term = Term.objects.filter(cppcc=orgs.city, is_current=True).first() or TermFactory(cppcc=orgs.city)
    TermRole.objects.create(person=person, term=term, role="member")
    return person


def test_co_signers_come_from_the_whole_roster_not_only_persons_with_a_login(client, users, orgs):
    proposal = f.draft(users)
    offline = _seated(orgs, person_create(actor=None, check=False, owner_org=orgs.committee, name="李无账号"))
    assert offline.user_id is None
    member = login_client(client, users["member"])
    url = reverse("proposals:cosigner_search", args=[proposal.pk])
    found = _results(member.get(url, {"q": "李无账号"}))
    assert [r["id"] for r in found] == [offline.pk]
    assert users["member"].person.pk not in {r["id"] for r in _results(member.get(url))}  # not the author
    response = member.post(
        reverse("proposals:act", args=[proposal.pk, "invite"]),
        {"invite-persons": [offline.pk], "invite-deadline": "2099-01-01T12:00"},
    )
    assert response.status_code == 302
    assert list(proposal.cosigners.values_list("person_id", flat=True)) == [offline.pk]


def test_co_signer_search_is_bounded_and_for_who_may_edit_the_proposal(client, users, orgs):
    proposal = f.draft(users)
    for i in range(30):
        _seated(orgs, person_create(actor=None, check=False, owner_org=orgs.committee, name=f"张委员{i}"))
    url = reverse("proposals:cosigner_search", args=[proposal.pk])
    assert len(_results(login_client(client, users["member"]).get(url, {"q": "张委员"}))) == 20
    assert login_client(client, users["other_staff"]).get(url).status_code == 404
    assert login_client(client, users["unit"]).get(url).status_code in (403, 404)


def test_unit_and_person_searches_are_bounded(client, users, orgs, django_assert_max_num_queries):
    for i in range(25):
        OrganisationFactory(name=f"广州市测试局{i}", is_handling_unit=True)
        person_create(actor=None, check=False, owner_org=orgs.committee, name=f"陈测试{i}")
    staff = login_client(client, users["staff"])
    with django_assert_max_num_queries(6):
        units = _results(staff.get(reverse("organisations:search"), {"q": "测试局", "units": "1"}))
    assert len(units) == 20
    with django_assert_max_num_queries(6):
        persons = _results(staff.get(reverse("members:search"), {"q": "陈测试"}))
    assert len(persons) == 20
    member = login_client(client, users["member"])  # a member sees only their own record
    assert {r["id"] for r in _results(member.get(reverse("members:search")))} <= {users["member"].person.pk}
    client.logout()
    assert client.get(reverse("members:search")).status_code == 302  # to the login page


def test_assigning_posts_units_chosen_in_the_picker(client, users, orgs, session):
    proposal = f.filed(users, orgs)
    staff = login_client(client, users["staff"])
    html = staff.get(reverse("proposals:detail", args=[proposal.pk])).content.decode()
    assert 'data-picker-url="/organisations/search/?units=1"' in html
    response = staff.post(
        reverse("proposals:act", args=[proposal.pk, "assign"]),
        {"assign-lead": orgs.sports.pk, "assign-co_units": [orgs.planning.pk]},
    )
    assert response.status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.HANDLING
    assert Person.objects.exists()
