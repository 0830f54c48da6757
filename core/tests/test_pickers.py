"""core.pickers: a form chooses among the whole roster without listing it; what is posted is still validated."""

import re

import pytest
from django import forms
from django.urls import reverse

from conftest import login_client
from core.pickers import PickerSelectMultiple, searchable
from members.models import Person
from members.services import person_create

pytestmark = pytest.mark.django_db


class _Form(forms.Form):
    persons = forms.ModelMultipleChoiceField(label="人员", queryset=Person.objects.none())
    person = forms.ModelChoiceField(label="人员", queryset=Person.objects.none(), required=False)

    def __init__(self, *args, allowed, **kwargs):
        super().__init__(*args, **kwargs)
        searchable(self.fields["persons"], "members:search").queryset = allowed
        searchable(self.fields["person"], "members:search", params="x=1").queryset = allowed


def _roster(orgs, n):
    return [
        person_create(actor=None, check=False, owner_org=orgs.committee, name=f"名册人{i}") for i in range(n)
    ]


def test_only_the_chosen_options_are_rendered_and_the_picker_is_named(orgs):
    people = _roster(orgs, 30)
    html = str(_Form(initial={"persons": [people[3].pk]}, allowed=Person.objects.all()))
    assert isinstance(_Form(allowed=Person.objects.all()).fields["persons"].widget, PickerSelectMultiple)
    assert 'data-picker-url="/members/search/"' in html and 'data-picker-url="/members/search/?x=1"' in html
    assert html.count("<option") == 2  # the chosen person, and the single select's empty choice
    assert "名册人3" in html and "名册人4" not in html


def test_a_posted_id_outside_the_allowed_set_is_refused(orgs):
    people = _roster(orgs, 3)
    allowed = Person.objects.filter(pk__in=[people[0].pk, people[1].pk])
    assert _Form({"persons": [people[0].pk]}, allowed=allowed).is_valid()
    form = _Form({"persons": [people[2].pk]}, allowed=allowed)
    assert not form.is_valid() and "persons" in form.errors
    assert not _Form({"persons": ["x"], "person": "99999999999"}, allowed=allowed).is_valid()


@pytest.mark.parametrize("url", ["consultations:research_create", "archives:donation_new", "visits:create"])
def test_staff_forms_do_not_list_the_roster(client, users, orgs, url):
    _roster(orgs, 25)
    html = login_client(client, users["staff"]).get(reverse(url)).content.decode()
    assert "data-picker-url" in html
    selects = re.findall(r"<select[^>]*data-picker-url[^>]*>(.*?)</select>", html, re.S)
    assert selects and all("名册人" not in s for s in selects)


# ---------------------------------------------------------------- bodies and activities are searched too


def _many_bodies_and_activities(orgs):
    from activities.tests.factories import ActivityFactory
    from organisations.tests.factories import OrganisationFactory

    for i in range(25):
        OrganisationFactory(name=f"多余社团{i}", kind="association")
        OrganisationFactory(name=f"多余委员会{i}", kind="committee", parent=orgs.city)
        ActivityFactory(owner_org=orgs.committee, title=f"多余活动{i}")


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("staff", "activities:create"),
        ("staff", "archives:donation_new"),
        ("staff", "consultations:meeting_create"),
        ("staff", "visits:request_create"),
        ("staff", "visits:liaison_link"),
        ("staff", "visits:liaison_event_create"),
        ("admin", "organisations:create"),
        ("admin", "accounts:user_create"),
    ],
)
def test_forms_do_not_list_bodies_or_activities(client, users, orgs, role, url):
    _many_bodies_and_activities(orgs)
    response = login_client(client, users[role]).get(reverse(url))
    assert response.status_code == 200
    html = response.content.decode()
    pickers = re.findall(r"<select[^>]*data-picker-url[^>]*>", html)
    assert pickers, url
    for select in re.findall(r"<select.*?</select>", html, re.S):
        assert "多余" not in select and select.count("<option") < 25, select[:200]


def test_member_page_forms_search_committees_and_associations(client, users, orgs):
    _many_bodies_and_activities(orgs)
    person = users["member"].person
    html = (
        login_client(client, users["staff"]).get(reverse("members:detail", args=[person.pk])).content.decode()
    )
    assert 'data-picker-url="/organisations/search/?kinds=committee"' in html
    assert 'data-picker-url="/organisations/search/?kinds=association"' in html
    assert "多余" not in html


def test_other_converted_fields_are_pickers_that_still_validate(orgs):
    from consultations.forms import ResearchTransitionForm
    from ideas.forms import TransitionForm
    from members.forms import PositionForm
    from organisations.forms import OrganisationForm
    from proposals.forms import OutcomeForm

    _many_bodies_and_activities(orgs)
    for form, field in [
        (OutcomeForm(), "adopted_by"),
        (ResearchTransitionForm(), "adopted_by"),
        (TransitionForm(), "forwarded_to"),
        (OrganisationForm(), "parent"),
    ]:
        html = str(form[field])
        assert "data-picker-url" in html and html.count("<option") == 1, (type(form).__name__, field)
    assert TransitionForm({"target": "forwarded", "forwarded_to": orgs.sports.pk}).is_valid()
    assert not TransitionForm({"target": "forwarded", "forwarded_to": orgs.committee.pk}).is_valid()
    association = orgs.association
    assert PositionForm({"organisation": association.pk, "title": "会长"}).is_valid()
    assert not PositionForm({"organisation": orgs.committee.pk, "title": "会长"}).is_valid()


def test_the_organisation_search_narrows_to_kinds_and_ignores_unknown_ones(client, users, orgs):
    _many_bodies_and_activities(orgs)
    staff = login_client(client, users["staff"])
    url = reverse("organisations:search")
    found = staff.get(url, {"q": "多余", "kinds": "association"}).json()["results"]
    assert len(found) == 20 and all("社团" in r["text"] for r in found)
    both = staff.get(url, {"q": "多余", "kinds": "nonsense,committee"}).json()["results"]
    assert both and all("委员会" in r["text"] for r in both)


def test_the_activity_search_is_bounded_visible_and_for_who_sees_activities(client, users, orgs, staff):
    from activities import services
    from activities.tests.factories import ActivityFactory

    _many_bodies_and_activities(orgs)
    theirs = ActivityFactory(owner_org=orgs.other_committee, title="多余的别家活动")
    url = reverse("activities:search")
    found = login_client(client, staff).get(url, {"q": "多餘活動"}).json()["results"]  # typed in Traditional
    assert len(found) == 20 and theirs.pk not in {r["id"] for r in found}
    assert found[0]["text"][:4].isdigit() and "多余活动" in found[0]["text"]
    invited = ActivityFactory(owner_org=orgs.committee, title="多余活动受邀")
    services.invitations_create(actor=staff, activity=invited, persons=[users["member"].person])
    mine = login_client(client, users["member"]).get(url, {"q": "多余"}).json()["results"]
    assert [r["id"] for r in mine] == [invited.pk]
    assert login_client(client, users["unit"]).get(url).status_code == 403


def test_an_activity_chosen_in_the_picker_is_saved_with_the_donation(client, users, orgs):
    from activities.tests.factories import ActivityFactory
    from archives.models import Donation

    activity = ActivityFactory(owner_org=orgs.committee, title="捐赠活动")
    staff = login_client(client, users["staff"])
    response = staff.post(
        reverse("archives:donation_new"),
        {
            "donor_kind": "association",
            "donor_org": orgs.association.pk,
            "programme": "education",
            "recipient": "某小学",
            "date": "2025-03-01",
            "amount": "5000",
            "activity": activity.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    donation = Donation.objects.get()
    assert donation.activity == activity and donation.donor_org == orgs.association


def test_the_contact_search_finds_by_name_in_either_script_bounded_and_for_the_office(client, users, orgs):
    from visits.models import LiaisonContact

    LiaisonContact.objects.bulk_create(
        [LiaisonContact(owner_org=orgs.committee, organisation=orgs.association, name="陈小明")]
        + [
            LiaisonContact(owner_org=orgs.committee, organisation=orgs.association, name=f"联络员{i}")
            for i in range(25)
        ]
    )
    url = reverse("visits:contact_search")
    staff = login_client(client, users["staff"])
    found = staff.get(url, {"q": "陳小明"}).json()["results"]
    assert [r["text"] for r in found] == ["陈小明（香港广州社团总会）"]
    assert len(staff.get(url, {"q": "联络员"}).json()["results"]) == 20
    assert len(staff.get(url, {"q": "社團總會"}).json()["results"]) == 20  # by the body's name too
    assert login_client(client, users["other_staff"]).get(url, {"q": "联络员"}).json()["results"] == []
    assert login_client(client, users["member"]).get(url).status_code == 403
