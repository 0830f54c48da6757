"""Writes to the registry: encryption at rest, duplicates refused or merged, PIPL deletion."""

import datetime as dt

import pytest
from django.db import connection

from core.errors import DomainError, PermissionRefused
from core.models import SensitiveAccessLog
from members.models import IdentityDocument, Person, Phone, TermRole
from members.services import (
    person_create,
    person_delete,
    person_merge,
    person_reveal,
    person_update,
    term_role_add,
)
from members.tests.factories import PersonFactory, full_person

pytestmark = pytest.mark.django_db


def _raw(table, column, pk):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM {table} WHERE id = %s", [pk])
        return cursor.fetchone()[0]


def test_document_numbers_phones_and_addresses_are_encrypted_at_rest(orgs, users):
    person = person_create(
        actor=users["staff"],
        owner_org=orgs.committee,
        name="陈大文",
        phones=["+852 9123 4567"],
        address="香港中环皇后大道中99号",
        documents=[{"kind": "hrp", "number": "H1234567801"}],
    )
    doc = IdentityDocument.objects.get(person=person)
    phone = Phone.objects.get(person=person)
    assert doc.number == "H1234567801"
    assert "H1234567801" not in _raw("members_identitydocument", "number", doc.pk)
    assert "91234567" not in _raw("members_phone", "number", phone.pk)
    assert "皇后大道" not in _raw("members_person", "address", person.pk)
    assert "皇后大道" not in str(list(Person.history.values_list("name", flat=True)))


def test_a_document_already_held_by_another_person_is_refused(orgs, users):
    person_create(
        actor=users["staff"],
        owner_org=orgs.committee,
        name="陈大文",
        documents=[{"kind": "hrp", "number": "H1234567801"}],
    )
    with pytest.raises(DomainError, match="已登记在“陈大文”名下"):
        person_create(
            actor=users["staff"],
            owner_org=orgs.committee,
            name="陈大闻",
            documents=[{"kind": "hrp", "number": "h 1234567801"}],
        )
    assert not Person.objects.filter(name="陈大闻").exists()  # nothing half-written


def test_a_bad_phone_leaves_nothing_written(orgs, users):
    with pytest.raises(DomainError, match="电话号码"):
        person_create(actor=users["staff"], owner_org=orgs.committee, name="何嘉欣", phones=["abc"])
    assert not Person.objects.filter(name="何嘉欣").exists()


@pytest.mark.parametrize(
    "query", ["陈大文", "陳大文", "chendawen", "cdw", "Chan Tai Man", "chan tai", "ＣＨＡＮ"]
)
def test_search_text_finds_a_person_by_any_name_form(orgs, users, query):
    from core.text import normalise

    person = person_create(
        actor=users["staff"], owner_org=orgs.committee, name="陈大文", romanised_name="Chan Tai Man"
    )
    assert normalise(query) in person.search_text


@pytest.mark.parametrize("role", ["leader", "member", "partner"])
def test_only_staff_may_create_persons(orgs, users, role):
    with pytest.raises(PermissionRefused):
        person_create(actor=users[role], owner_org=orgs.committee, name="何嘉欣")


def test_revealing_a_document_is_logged_and_refused_to_leaders(orgs, users, term):
    person = full_person(orgs, term, n=1)
    values = person_reveal(actor=users["staff"], person=person, field="documents")
    assert values == {"hrp": "H0000000101"}
    log = SensitiveAccessLog.objects.get()
    assert (log.user, log.object_id, log.field) == (users["staff"], person.pk, "documents")
    with pytest.raises(PermissionRefused, match="只有工作人员"):
        person_reveal(actor=users["leader"], person=person, field="documents")
    assert SensitiveAccessLog.objects.count() == 1


def test_deleting_a_person_erases_personal_data_and_keeps_statistics(orgs, users, term):
    person = full_person(orgs, term, n=2, address="澳门新马路1号", email="a@example.test")
    person_delete(actor=users["staff"], person=person)
    person.refresh_from_db()
    assert person.is_anonymised and person.name == f"已删除人员{person.pk}"
    assert (person.email, person.address, person.employer, person.romanised_name) == ("", "", "", "")
    assert person.birth_date == dt.date(1962, 1, 1) and person.birth_precision == "y"
    assert not Phone.objects.filter(person=person).exists()
    assert not IdentityDocument.objects.filter(person=person).exists()
    assert TermRole.objects.filter(person=person).count() == 1  # still counted in the term's statistics
    assert not Person.history.filter(id=person.pk, name="名册委员2").exists()
    with pytest.raises(DomainError, match="已删除"):
        person_update(actor=users["staff"], person=person, name="x")


def test_merge_moves_every_linked_record_and_drops_clashing_duplicates(orgs, users, term):
    keep = PersonFactory(name="何嘉欣", owner_org=orgs.committee)
    drop = full_person(orgs, term, n=3, name="何嘉欣", email="hkh@example.test")
    term_role_add(person=keep, term=term, role="member")  # the same role: a clash, dropped
    term_role_add(person=drop, term=term, role="standing")  # moved
    person_merge(actor=users["staff"], keep=keep, drop=drop)
    keep.refresh_from_db()
    assert not Person.objects.filter(pk=drop.pk).exists()
    assert sorted(keep.term_roles.values_list("role", flat=True)) == ["member", "standing"]
    assert keep.documents.get().number == "H0000000301"
    assert keep.phones.count() == 2 and keep.association_positions.count() == 1
    assert keep.committee_memberships.count() == 1 and keep.tags.count() == 1
    assert keep.email == "hkh@example.test"  # blank field filled from the duplicate


def test_merge_follows_foreign_keys_it_does_not_know(orgs, users, term):
    """Other apps add FKs to Person later; merge finds them through Person._meta.related_objects."""
    related = [r.related_model for r in Person._meta.related_objects]
    assert Phone in related and TermRole in related
    keep = PersonFactory(owner_org=orgs.committee)
    drop = PersonFactory(owner_org=orgs.committee)
    term_role_add(person=drop, term=term, role="advisor")
    person_merge(actor=users["staff"], keep=keep, drop=drop)
    assert keep.term_roles.get().role == "advisor"


def test_merge_is_refused_to_leaders(orgs, users):
    a, b = PersonFactory(owner_org=orgs.committee), PersonFactory(owner_org=orgs.committee)
    with pytest.raises(PermissionRefused):
        person_merge(actor=users["leader"], keep=a, drop=b)
    assert Person.objects.filter(pk=b.pk).exists()


def test_key_rotation_keeps_documents_readable_and_findable(orgs, users, settings):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    from core.crypto import blind_index

    person = person_create(
        actor=users["staff"],
        owner_org=orgs.committee,
        name="陈大文",
        documents=[{"kind": "hrp", "number": "H1234567801"}],
        phones=["+852 9123 4567"],
    )
    settings.TONGXIN_FIELD_KEY = f"{Fernet.generate_key().decode()},{settings.TONGXIN_FIELD_KEY}"
    call_command("rotate_field_key", stdout=open("/dev/null", "w"))
    doc = IdentityDocument.objects.get(person=person)
    assert doc.number == "H1234567801" and doc.number_index == blind_index("H1234567801")
    assert Phone.objects.get(person=person).number == "+85291234567"
