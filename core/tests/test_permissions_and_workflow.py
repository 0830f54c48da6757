"""The permission helper and the workflow core, exercised on a throw-away permission table for Person."""

import pytest
from django.http import Http404

from core import permissions
from core.errors import DomainError, PermissionRefused
from core.models import TransitionLog
from core.roles import Role
from core.workflow import Transition, Workflow, log_for
from members.models import Person
from members.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db


def test_staff_can_view_own_committee_person_but_not_other_committee_staff(users, orgs):
    person = PersonFactory(owner_org=orgs.committee)
    assert permissions.can(users["staff"], "view", person)
    assert not permissions.can(users["other_staff"], "view", person)
    with pytest.raises(Http404):
        permissions.require(users["other_staff"], "view", person)


def test_city_level_admin_and_leader_scope(users, orgs):
    person = PersonFactory(owner_org=orgs.committee)
    assert permissions.can(users["admin"], "view", person)
    assert permissions.can(users["leader"], "view", person)


def test_member_sees_only_own_person_record(users, orgs):
    other = PersonFactory(owner_org=orgs.committee)
    me = users["member"].person
    visible = set(Person.objects.visible_to(users["member"]))
    assert visible == {me}
    assert not permissions.can(users["member"], "view", other)


def test_unit_sees_person_only_when_shared_in_handler_capacity(users, orgs):
    from organisations.services import share_with

    person = PersonFactory(owner_org=orgs.committee)
    assert not Person.objects.visible_to(users["unit"]).filter(pk=person.pk).exists()
    share_with(person, orgs.sports, "partner")
    assert not Person.objects.visible_to(users["unit"]).filter(pk=person.pk).exists()
    share_with(person, orgs.sports, "handler")
    assert Person.objects.visible_to(users["unit"]).filter(pk=person.pk).exists()


def test_visible_object_with_forbidden_action_gives_chinese_reason(users, orgs):
    person = users["member"].person
    with pytest.raises(PermissionRefused) as exc:
        permissions.require(users["member"], "edit", person)
    assert "工作人员" in exc.value.message


def test_get_visible_or_404_treats_missing_and_forbidden_alike(users, orgs):
    person = PersonFactory(owner_org=orgs.committee)
    for pk in (person.pk, 999999):
        with pytest.raises(Http404):
            permissions.get_visible_or_404(Person, users["other_staff"], pk=pk)


def test_anonymous_and_inactive_users_can_do_nothing(users, orgs):
    from django.contrib.auth.models import AnonymousUser

    person = PersonFactory(owner_org=orgs.committee)
    assert not permissions.can(AnonymousUser(), "view", person)
    users["staff"].is_active = False
    assert not permissions.can(users["staff"], "view", person)


# A throw-away workflow on Person.region, to test the core without a domain workflow.
permissions.register("members.person", "test_move", {Role.STAFF})
WF = Workflow(
    name="test",
    status_field="region",
    labels={"hk": "香港", "mo": "澳门", "tw": "台湾"},
    transitions=[
        Transition(("hk",), "mo", "test_move", "迁往澳门"),
        Transition(("mo",), "tw", "test_move", "迁往台湾", needs_note=True),
    ],
)


def test_transition_applies_logs_and_runs_on_commit(users, orgs, django_capture_on_commit_callbacks):
    person = PersonFactory(owner_org=orgs.committee, region="hk")
    seen = []
    with django_capture_on_commit_callbacks(execute=True):
        moved = WF.transition(person, "mo", actor=users["staff"], note="测试", on_commit=[seen.append])
    assert moved.region == "mo"
    log = log_for(person).get()
    assert (log.source, log.target, log.actor, log.note) == ("hk", "mo", users["staff"], "测试")
    assert seen == [moved]


def test_illegal_transition_is_refused_in_chinese_and_writes_nothing(users, orgs):
    person = PersonFactory(owner_org=orgs.committee, region="hk")
    with pytest.raises(DomainError, match="当前状态为“香港”，不能执行“台湾”"):
        WF.transition(person, "tw", actor=users["staff"])
    person.refresh_from_db()
    assert person.region == "hk" and not TransitionLog.objects.exists()


def test_transition_by_role_without_permission_is_refused(users, orgs):
    person = PersonFactory(owner_org=orgs.committee, region="hk")
    with pytest.raises(PermissionRefused):
        WF.transition(person, "mo", actor=users["leader"])
    person.refresh_from_db()
    assert person.region == "hk"


def test_transition_that_needs_a_note_refuses_an_empty_one(users, orgs):
    person = PersonFactory(owner_org=orgs.committee, region="mo")
    with pytest.raises(DomainError, match="需要填写说明"):
        WF.transition(person, "tw", actor=users["staff"], note="  ")


def test_allowed_lists_only_what_the_user_may_take(users, orgs):
    person = PersonFactory(owner_org=orgs.committee, region="hk")
    assert [t.target for t in WF.allowed(person, users["staff"])] == ["mo"]
    assert WF.allowed(person, users["member"]) == []


def test_partner_of_a_higher_body_sees_only_what_is_shared_with_it(users, orgs):
    """The provincial CPPCC sits above the city in the tree, but its partner users get no subtree view."""
    from organisations.services import share_with

    person = PersonFactory(owner_org=orgs.committee)
    partner = users["partner"]  # a 省政协 partner-body user
    assert not Person.objects.visible_to(partner).filter(pk=person.pk).exists()
    share_with(person, orgs.province, "co_sponsor")
    assert Person.objects.visible_to(partner).filter(pk=person.pk).exists()
