"""Writes to persons, terms and roles. Keeps `search_text` true (either script, pinyin, romanised name)."""

from django.db import transaction

from core import permissions
from core.errors import DomainError
from core.text import search_form

from .models import Gender, Person, Region, Term, TermRole, TermRoleKind


def person_search_text(person: Person) -> str:
    from pypinyin import lazy_pinyin

    syllables = lazy_pinyin(person.name or "")
    return search_form(
        person.name, person.romanised_name, "".join(syllables), "".join(s[:1] for s in syllables)
    )


@transaction.atomic
def person_create(
    *,
    actor,
    owner_org,
    name: str,
    region: str = Region.HONG_KONG,
    gender: str = Gender.UNKNOWN,
    romanised_name: str = "",
    user=None,
    check: bool = True,
) -> Person:
    """Create a person record. Checks `can(actor, "create", Person)` unless `check=False` (demo, importer)."""
    if check:
        permissions.require(actor, "create", Person)
    if not (name or "").strip():
        raise DomainError("请填写姓名。", field="name")
    if region not in Region.values:
        raise DomainError("地区不正确。", field="region")
    person = Person(
        owner_org=owner_org,
        name=name.strip(),
        region=region,
        gender=gender,
        romanised_name=(romanised_name or "").strip(),
        user=user,
    )
    person.search_text = person_search_text(person)
    person.save()
    return person


def term_role_add(*, person: Person, term: Term, role: str) -> TermRole:
    if role not in TermRoleKind.values:
        raise DomainError("届内身份不正确。", field="role")
    term_role, _ = TermRole.objects.get_or_create(person=person, term=term, role=role)
    return term_role
