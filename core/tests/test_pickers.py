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
