"""The person pickers' searches answer exactly what their picker may choose, bounded, in either script.

- `members:search` serves the office's pickers (visited persons, a request's person, speakers, writers, donors,
  a proposal's author entered by staff): the persons the user may see. A member or advisor sees only
  themselves through it; another committee's staff see nothing of this committee's roster.
- The co-signer picker (`proposals:cosigner_search`, `members.selectors.person_directory`) offers the current
  members and advisors of the proposal's CPPCC, with or without a login; nobody else can be invited."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from members.models import Person, TermRole
from proposals.tests.factories import draft

from .factories import PersonFactory, PreviousTermFactory, TermFactory

pytestmark = pytest.mark.django_db


def _ids(response):
    assert response.status_code == 200, response.content
    return {r["id"] for r in response.json()["results"]}


@pytest.fixture
def roster(orgs, users):
    """The city CPPCC's current term (the committee's members sit in it), its last term, a district CPPCC's
    current term, and one person of each kind the co-signer picker must include or leave out."""
    today = timezone.localdate()
    current = TermFactory(cppcc=orgs.city, number=14, is_current=True)
    former = PreviousTermFactory(cppcc=orgs.city)
    district = TermFactory(cppcc=orgs.district, number=7, is_current=True)

    def person(name, org, *seats):
        p = PersonFactory(name=name, owner_org=org)
        for term, role, *ended in seats:
            TermRole.objects.create(person=p, term=term, role=role, end_date=ended[0] if ended else None)
        return p

    for user in (users["member"], users["advisor"]):
        TermRole.objects.create(person=user.person, term=current, role=user.role)
    return {
        "member": person("陈委员", orgs.committee, (current, "member")),
        "standing": person("陳常委", orgs.other_committee, (current, "standing")),
        "advisor": person("陈顾问", orgs.committee, (current, "advisor")),
        "observer": person("陈列席", orgs.committee, (current, "observer")),
        "former": person("陈前委员", orgs.committee, (former, "member")),
        "resigned": person("陈辞任", orgs.committee, (current, "member", today - dt.timedelta(days=1))),
        "district": person("陈区委员", orgs.district, (district, "member")),
        "no_seat": person("陈无届次", orgs.committee),
        "erased": person("陈已删除", orgs.committee, (current, "member")),
    }


def test_co_signers_are_the_current_members_and_advisors_of_the_proposals_cppcc(client, users, roster):
    Person.objects.filter(pk=roster["erased"].pk).update(anonymised_at=timezone.now())
    proposal = draft(users)  # by the member, owned by the committee of the city CPPCC
    client.force_login(users["member"])
    url = reverse("proposals:cosigner_search", args=[proposal.pk])
    expected = {roster[k].pk for k in ("member", "standing", "advisor")} | {users["advisor"].person.pk}
    assert _ids(client.get(url, {"q": "陈"})) == expected - {users["advisor"].person.pk}
    assert _ids(client.get(url)) == expected  # the author himself is left out
    # Either script finds either: 陳常委 by 陈, 陈委员 by 陳.
    assert _ids(client.get(url, {"q": "陈常委"})) == {roster["standing"].pk}
    assert _ids(client.get(url, {"q": "陳委員"})) == {roster["member"].pk}


@pytest.mark.parametrize("kind", ["observer", "former", "resigned", "district", "no_seat"])
def test_nobody_outside_the_current_roster_can_be_invited_to_co_sign(client, users, roster, kind):
    proposal = draft(users)
    client.force_login(users["member"])
    response = client.post(
        reverse("proposals:act", args=[proposal.pk, "invite"]),
        {"invite-persons": [roster[kind].pk], "invite-deadline": "2099-01-01T12:00"},
    )
    assert response.status_code != 500
    assert not proposal.cosigners.exists()


def test_a_member_sees_only_himself_through_the_person_search(client, users, roster):
    for role in ("member", "advisor"):
        client.force_login(users[role])
        own = users[role].person.pk
        assert _ids(client.get(reverse("members:search"))) == {own}
        assert _ids(client.get(reverse("members:search"), {"q": "陈"})) <= {own}
        assert _ids(client.get(reverse("members:search"), {"q": "陈委员"})) == set()


def test_another_committees_staff_cannot_enumerate_this_committees_roster(client, users, roster):
    client.force_login(users["other_staff"])
    found = _ids(client.get(reverse("members:search"), {"q": "陈"}))
    assert found == {roster["standing"].pk}  # their own committee's only
    client.force_login(users["unit"])
    assert client.get(reverse("members:search"), {"q": "陈"}).status_code == 403


def test_the_office_finds_names_in_either_script_and_only_twenty(client, users, orgs, roster):
    client.force_login(users["staff"])
    assert roster["member"].pk in _ids(client.get(reverse("members:search"), {"q": "陳委員"}))
    assert roster["standing"].pk not in _ids(
        client.get(reverse("members:search"), {"q": "陈常委"})
    )  # not theirs
    for i in range(25):
        PersonFactory(name=f"陳測試{i}", owner_org=orgs.committee)
    assert len(_ids(client.get(reverse("members:search"), {"q": "陈测试"}))) == 20
    assert _ids(client.get(reverse("members:search"), {"q": "陈" * 10_000})) == set()
