"""`person_scope`: the person filters (term, region, sector) that other apps' list pages accept so that a
number of the leaders' overview opens exactly the records it counts."""

import pytest
from django.template import Context, Template
from django.test import RequestFactory

from members.models import Person, TermRole
from members.selectors import person_scope
from members.tests.factories import PersonFactory, SectorFactory, TermFactory

pytestmark = pytest.mark.django_db


def test_no_person_filter_means_no_restriction(orgs):
    assert person_scope({}) is None
    assert person_scope({"region": "", "q": "陈"}) is None


def test_term_region_and_sector_narrow_whose_records(orgs):
    term = TermFactory(cppcc=orgs.city)
    sector = SectorFactory(name="港澳界")
    hk = PersonFactory(owner_org=orgs.committee, region="hk", sector=sector)
    mo = PersonFactory(owner_org=orgs.committee, region="mo", sector=sector)
    old = PersonFactory(owner_org=orgs.committee, region="mo")
    TermRole.objects.create(person=hk, term=term, role="member")
    TermRole.objects.create(person=mo, term=term, role="member")

    def ids(**params):
        return set(Person.objects.filter(pk__in=person_scope(params)).values_list("pk", flat=True))

    assert ids(region="mo") == {mo.pk, old.pk}
    assert ids(term=term.pk) == {hk.pk, mo.pk}
    assert ids(term=term.pk, region="mo", sector=sector.pk) == {mo.pk}


@pytest.mark.parametrize("params", [{"term": "99999"}, {"region": "xx"}, {"sector": "abc"}])
def test_an_invalid_person_filter_matches_nobody_rather_than_everybody(orgs, params):
    PersonFactory(owner_org=orgs.committee)
    assert not Person.objects.filter(pk__in=person_scope(params)).exists()


def test_the_note_keeps_the_filters_in_the_form_and_offers_to_clear_them(orgs, django_assert_num_queries):
    template = Template("{% load members_tags %}{% person_scope_note %}")
    request = RequestFactory().get("/proposals/", {"region": "mo", "status": "handling", "page": "2"})
    html = template.render(Context({"request": request}))
    assert '<input type="hidden" name="region" value="mo">' in html
    assert "委员范围：地区：澳门" in html and 'href="?status=handling"' in html
    with django_assert_num_queries(0):
        assert template.render(Context({"request": RequestFactory().get("/proposals/")})) == ""
