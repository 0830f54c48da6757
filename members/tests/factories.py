import datetime as dt

import factory

from members.models import Person, Region, Sector, Tag, Term
from members.services import person_search_text, person_sort_name


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"测试委员{n}")
    region = Region.HONG_KONG
    romanised_name = ""
    search_text = factory.LazyAttribute(lambda p: person_search_text(p))
    sort_name = factory.LazyAttribute(lambda p: person_sort_name(p))


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    number = 14
    start_date = dt.date(2022, 1, 1)
    end_date = dt.date(2026, 12, 31)
    is_current = True


class PreviousTermFactory(TermFactory):
    """The term before the current one (十三届, 2017–2021)."""

    number = 13
    start_date = dt.date(2017, 1, 1)
    end_date = dt.date(2021, 12, 31)
    is_current = False


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"界别{n}")


class TagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Tag
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"标签{n}")


def full_person(orgs, term, *, n: int = 0, **overrides) -> Person:
    """A person with every linked record the roster shows (roles, phones, document, committee, association,
    tags), made through the services so encryption and search forms are right."""
    from members.services import (
        association_position_add,
        committee_membership_set,
        person_create,
        term_role_add,
    )

    data = {
        "actor": None,
        "check": False,
        "owner_org": orgs.committee,
        "name": f"名册委员{n}",
        "romanised_name": f"Roster Member {n}",
        "region": Region.HONG_KONG,
        "birth_date": dt.date(1960 + n % 30, 1 + n % 12, 1 + n % 28),
        "sector": SectorFactory(name="港澳界"),
        "employer": f"香港测试公司{n}",
        "titles": "董事长",
        "phones": [f"+852 61{n % 1000000:06d}", f"138{n:08d}"],
        "documents": [{"kind": "hrp", "number": f"H{n:08d}01"}],
        "tags": [TagFactory(name="青年委员")],
        **overrides,
    }
    person = person_create(**data)
    term_role_add(person=person, term=term, role="member")
    committee_membership_set(person=person, committee=orgs.committee, term=term, position="member")
    association_position_add(person=person, organisation=orgs.association, title="会员")
    return person
