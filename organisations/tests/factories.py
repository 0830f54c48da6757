from types import SimpleNamespace

import factory

from organisations.models import Organisation, OrgKind, OrgLevel
from organisations.services import organisation_create


class OrganisationFactory(factory.django.DjangoModelFactory):
    """Creates through the service so `path` and `search_text` are right."""

    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"测试机构{n}")
    kind = OrgKind.DEPARTMENT
    level = OrgLevel.CITY
    parent = None
    short_name = ""
    aliases = ""
    is_handling_unit = False

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return organisation_create(actor=None, check=False, **kwargs)


def org_tree() -> SimpleNamespace:
    make = OrganisationFactory
    province = make(name="广东省政协", short_name="省政协", kind=OrgKind.CPPCC, level=OrgLevel.PROVINCIAL)
    city = make(
        name="广州市政协", short_name="市政协", kind=OrgKind.CPPCC, level=OrgLevel.CITY, parent=province
    )
    committee = make(
        name="广州市政协港澳台侨外事委员会", short_name="港澳台侨外事委", kind=OrgKind.COMMITTEE, parent=city
    )
    other_committee = make(
        name="广州市政协经济委员会", short_name="经济委", kind=OrgKind.COMMITTEE, parent=city
    )
    district = make(
        name="广州市天河区政协",
        short_name="天河区政协",
        kind=OrgKind.CPPCC,
        level=OrgLevel.DISTRICT,
        parent=city,
    )
    sports = make(name="广州市体育局", short_name="市体育局", is_handling_unit=True)
    planning = make(name="广州市规划和自然资源局", short_name="市规划和自然资源局", is_handling_unit=True)
    association = make(name="香港广州社团总会", kind=OrgKind.ASSOCIATION, level=OrgLevel.NONE)
    return SimpleNamespace(
        province=province,
        city=city,
        committee=committee,
        other_committee=other_committee,
        district=district,
        sports=sports,
        planning=planning,
        association=association,
    )
