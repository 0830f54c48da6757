"""Searchable pickers (issue 12 item 14, issue 13 item 2): the merge target, co-signers and handling units
are chosen through bounded search endpoints; the proposal page lists none of them."""

import re

import pytest
from django.urls import reverse

from conftest import login_client
from members.models import Person, Term, TermRole
from members.services import person_create
from members.tests.factories import PreviousTermFactory, TermFactory
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
    staff = login_client(client, users["staff"])
    html = staff.get(
        reverse("proposals:act", args=[proposal.pk, "merge"]), headers={"HX-Request": "true"}
    ).content
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
    html = staff.get(reverse("proposals:detail", args=[proposal.pk]), {"open": "assign"}).content.decode()
    assert 'data-picker-url="/organisations/search/?units=1"' in html
    response = staff.post(
        reverse("proposals:act", args=[proposal.pk, "assign"]),
        {"assign-lead": orgs.sports.pk, "assign-co_units": [orgs.planning.pk]},
    )
    assert response.status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).status == ProposalStatus.HANDLING
    assert Person.objects.exists()


# ---------------------------------------------------------------- supervisors and co-sponsors (issue 12 leftovers)


def _leaders(orgs, names):
    from accounts.models import User
    from core.roles import Role

    return User.objects.bulk_create(
        [
            User(username=f"leader_{i}", full_name=name, role=Role.LEADER, organisation=orgs.city)
            for i, name in enumerate(names)
        ]
    )


def _select(html, name):
    return re.search(rf'<select[^>]*name="{name}"[^>]*>(.*?)</select>', html, re.S)


def test_the_key_proposal_form_does_not_list_the_leaders(client, users, orgs, session):
    _leaders(orgs, [f"领导{i:03d}" for i in range(200)])
    proposal = f.filed(users, orgs)
    staff = login_client(client, users["staff"])
    html = staff.get(
        reverse("proposals:act", args=[proposal.pk, "key"]), headers={"HX-Request": "true"}
    ).content
    select = _select(html.decode(), "key-supervisors")
    assert 'data-picker-url="/proposals/supervisors/search/"' in select.group(0)
    assert select.group(1).count("<option") == 0 and "领导" not in select.group(1)


def test_the_supervisor_search_finds_leaders_by_name_in_either_script_and_is_bounded(
    client, users, orgs, django_assert_max_num_queries
):
    _leaders(orgs, ["张国华", "陳志強"] + [f"李领导{i}" for i in range(30)])
    staff = login_client(client, users["staff"])
    url = reverse("proposals:supervisor_search")

    def names(q):
        return [r["text"] for r in _results(staff.get(url, {"q": q}))]

    assert names("張國華") == ["张国华（市政协）"]  # typed in Traditional, stored in Simplified
    assert names("陈志强") == ["陳志強（市政协）"]  # and the other way round
    with django_assert_max_num_queries(6):
        assert len(names("李领导")) == 20
    leader = users["leader"].display_name
    assert [n.split("（")[0] for n in names(leader)] == [leader]  # the committee's leader too
    assert names(users["staff"].username) == []  # a staff account is never offered


@pytest.mark.parametrize(
    ("role", "status"), [("admin", 200), ("staff", 200), ("leader", 403), ("member", 403)]
)
def test_only_who_may_designate_key_proposals_searches_the_leaders(client, users, role, status):
    response = login_client(client, users[role]).get(reverse("proposals:supervisor_search"), {"q": "leader"})
    assert response.status_code == status


def test_designating_a_key_proposal_saves_the_leader_chosen_in_the_picker(client, users, orgs, session):
    proposal = f.filed(users, orgs)
    staff = login_client(client, users["staff"])
    act = reverse("proposals:act", args=[proposal.pk, "key"])
    assert staff.post(act, {"key-supervisors": [users["staff"].pk]}).status_code == 400  # not a leader
    assert not Proposal.objects.get(pk=proposal.pk).is_key
    assert (
        staff.post(act, {"key-supervisors": [users["leader"].pk], "key-note": "年度重点"}).status_code == 302
    )
    proposal = Proposal.objects.get(pk=proposal.pk)
    assert proposal.is_key and list(proposal.supervisors.all()) == [users["leader"]]


def test_co_sponsors_are_picked_by_search_among_cppccs_and_committees(client, users, orgs):
    for i in range(25):
        OrganisationFactory(name=f"测试社团{i}", kind="association")
    proposal = f.draft(users)
    member = login_client(client, users["member"])
    html = member.get(reverse("proposals:detail", args=[proposal.pk]), {"open": "cosponsor"}).content.decode()
    select = _select(html, "cosponsor-organisation")
    assert 'data-picker-url="/organisations/search/?kinds=cppcc,committee"' in select.group(0)
    assert select.group(1).count("<option") == 1  # only the empty choice
    found = _results(member.get(reverse("organisations:search"), {"q": "政协", "kinds": "cppcc,committee"}))
    assert orgs.province.pk in {r["id"] for r in found}
    assert not _results(
        member.get(reverse("organisations:search"), {"q": "测试社团", "kinds": "cppcc,committee"})
    )
    act = reverse("proposals:act", args=[proposal.pk, "cosponsor"])
    association = OrganisationFactory(name="不能联名的社团", kind="association")
    assert member.post(act, {"cosponsor-organisation": association.pk}).status_code == 400
    assert member.post(act, {"cosponsor-organisation": orgs.province.pk}).status_code == 302
    assert proposal.shares().filter(organisation=orgs.province).exists()


FORMER_AUTHOR = "只能选择本届在任的委员或顾问，已离任的委员不能提出新提案。"


def test_staff_enter_a_current_member_as_author_never_a_former_one(client, users, orgs):
    """The staff author picker asks `members:search?current=1`: a member whose term is over or whose seat ended
    (DOMAIN: a former member cannot put forward a new proposal) is neither offered nor accepted."""
    import datetime as dt

    from django.utils import timezone

    current = _seated(orgs, person_create(actor=None, check=False, owner_org=orgs.committee, name="王在任"))
    old_term = PreviousTermFactory(cppcc=orgs.city)
    former = person_create(actor=None, check=False, owner_org=orgs.committee, name="王离任")
    TermRole.objects.create(person=former, term=old_term, role="member")
    resigned = _seated(orgs, person_create(actor=None, check=False, owner_org=orgs.committee, name="王辞任"))
    TermRole.objects.filter(person=resigned).update(end_date=timezone.localdate() - dt.timedelta(days=1))
    staff = login_client(client, users["staff"])
    html = staff.get(reverse("proposals:create")).content.decode()
    assert 'data-picker-url="/members/search/?current=1"' in _select(html, "author").group(0)
    found = {r["id"] for r in _results(staff.get(reverse("members:search"), {"q": "王", "current": "1"}))}
    assert found == {current.pk}
    everyone = {r["id"] for r in _results(staff.get(reverse("members:search"), {"q": "王"}))}
    assert everyone == {current.pk, former.pk, resigned.pk}  # the other pickers still search the whole roster
    data = {"title": "关于口岸通关的提案", "body": "建议。", "timing": "regular", "proposer_kind": "member"}
    for person in (former, resigned):
        refused = staff.post(reverse("proposals:create"), {**data, "author": person.pk})
        assert refused.status_code == 200 and FORMER_AUTHOR in refused.content.decode()
    assert not Proposal.objects.exists()
    assert staff.post(reverse("proposals:create"), {**data, "author": current.pk}).status_code == 302
    assert Proposal.objects.get().author == current


def test_the_list_filters_by_a_searched_handling_unit_without_listing_them(client, users, orgs):
    for i in range(60):
        OrganisationFactory(name=f"测试承办局{i:03d}", is_handling_unit=True)
    staff = login_client(client, users["staff"])
    html = staff.get(reverse("proposals:list")).content.decode()
    select = _select(html, "unit")
    assert 'data-picker-url="/organisations/search/?units=1"' in select.group(0)
    assert select.group(1).count("<option") == 1 and "测试承办局" not in html
    chosen = staff.get(reverse("proposals:list"), {"unit": orgs.sports.pk}).content.decode()
    assert f'<option value="{orgs.sports.pk}" selected>{orgs.sports.display_name}</option>' in chosen
    assert _select(chosen, "unit").group(1).count("<option") == 2


def test_the_proposal_search_for_a_research_topic_finds_any_visible_proposal(client, users, orgs, session):
    replied = f.replied(users, orgs, title="关于药械通的提案")
    staff = login_client(client, users["staff"])
    url = reverse("proposals:search")
    assert _results(staff.get(url, {"q": "药械通"})) == []  # the merge picker: open proposals only
    assert [r["id"] for r in _results(staff.get(url, {"q": "药械通", "all": "1"}))] == [replied.pk]
    other = login_client(client, users["other_staff"])
    assert _results(other.get(url, {"q": "药械通", "all": "1"})) == []  # another committee sees none


def test_filing_offers_and_accepts_only_the_plenary_sessions_of_the_proposals_own_cppcc(
    client, users, orgs, session
):
    """A deployment holds every CPPCC's sessions; the filing form and the list filter offer the proposal's (the
    user's) CPPCC's only, and a district CPPCC's session is refused."""
    from members.models import Session

    district_term = TermFactory(cppcc=orgs.district, number=7)
    for n in range(1, 6):
        Session.objects.create(
            term=district_term,
            kind="plenary",
            number=n,
            start_date=session.start_date,
            end_date=session.end_date,
        )
    elsewhere = Session.objects.filter(term=district_term).first()
    proposal = f.submitted(users)
    staff = login_client(client, users["staff"])
    listed = _select(staff.get(reverse("proposals:list")).content.decode(), "session").group(1)
    assert listed.count("<option") == 2 and f'value="{session.pk}"' in listed  # 全部 and the city's session
    act = reverse("proposals:act", args=[proposal.pk, "file"])
    refused = staff.post(act, {"file-session": elsewhere.pk})
    assert refused.status_code == 400 and "只能选择本提案所属政协的全体会议" in refused.content.decode()
    assert staff.post(act, {"file-session": session.pk}).status_code == 302
    assert Proposal.objects.get(pk=proposal.pk).session == session
