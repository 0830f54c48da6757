"""Erasure (PIPL): deleting a person also erases their login, notifications, the name in the access log and the
notes of their one-to-one talks — while the records stay counted."""

import pytest

from accounts.models import ApiToken, User
from core.models import SensitiveAccessLog
from members.services import person_delete, person_reveal
from members.tests.factories import PersonFactory, full_person
from notifications.models import Notification
from notifications.services import notify
from visits.models import Visit
from visits.tests.factories import make_visit

pytestmark = pytest.mark.django_db


def test_erasing_a_person_erases_the_login_notifications_and_access_log_name(orgs, users, term):
    person = full_person(orgs, term, n=4, email="erase@example.test")
    login = User.objects.create_user(username="hk_member", password="pw-Long-enough-1", role="member",
                                     full_name=person.name, email="erase@example.test")  # fmt: skip
    person.user = login
    person.save()
    ApiToken.issue(login)
    notify([login], "test.event", person, title=f"给{person.name}的通知")
    person_reveal(actor=users["staff"], person=person, field="phones")
    assert SensitiveAccessLog.objects.get().subject_label == person.name

    person_delete(actor=users["staff"], person=person)

    login.refresh_from_db()
    assert login.username == f"erased-{login.pk}" and login.full_name == f"已删除用户{login.pk}"
    assert (login.email, login.is_active, login.has_usable_password()) == ("", False, False)
    assert not login.check_password("pw-Long-enough-1")
    assert not ApiToken.objects.filter(user=login).exists()
    assert not Notification.objects.filter(recipient=login).exists()
    log = SensitiveAccessLog.objects.get()  # the row stays: who looked, when
    assert log.subject_label == f"已删除人员{person.pk}" and log.user == users["staff"]


def test_notes_of_one_to_one_talks_go_and_group_visits_keep_theirs(orgs, users, term):
    person = full_person(orgs, term, n=5)
    other = PersonFactory(owner_org=orgs.committee)
    alone = make_visit(users["leader"], [person], notes="谈及家人健康状况", confidential_notes="个人财务困难")
    group = make_visit(users["leader"], [person, other], notes="集体座谈，讨论青年创业")

    person_delete(actor=users["staff"], person=person)

    alone.refresh_from_db()
    group.refresh_from_db()
    assert (alone.notes, alone.confidential_notes) == ("", "")
    assert not Visit.history.filter(id=alone.pk).exclude(notes="").exists()
    assert group.notes == "集体座谈，讨论青年创业"
    assert Visit.objects.filter(persons=person).count() == 2  # still counted as visits received
