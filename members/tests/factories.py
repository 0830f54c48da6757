import datetime as dt

import factory

from members.models import Person, Region, Term
from members.services import person_search_text


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"测试委员{n}")
    region = Region.HONG_KONG
    romanised_name = ""
    search_text = factory.LazyAttribute(lambda p: person_search_text(p))


class TermFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Term

    number = 14
    start_date = dt.date(2022, 1, 1)
    end_date = dt.date(2026, 12, 31)
    is_current = True
