"""Property test of the quota and the waiting list: whatever order people confirm, decline or ask for leave,
no more than `quota` hold a place, and nobody waits while a place is free."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from activities import services
from activities.models import HOLDS_PLACE
from activities.models import InvitationStatus as S
from activities.tests.factories import ActivityFactory
from core.errors import DomainError
from members.tests.factories import PersonFactory

pytestmark = pytest.mark.django_db

STEPS = st.lists(st.tuples(st.integers(0, 4), st.sampled_from(["confirm", "decline", "leave"])), max_size=14)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(quota=st.integers(1, 3), steps=STEPS)
def test_quota_is_never_exceeded_and_nobody_waits_while_a_place_is_free(orgs, staff, quota, steps):
    activity = ActivityFactory(owner_org=orgs.committee, quota=quota)
    persons = [PersonFactory(owner_org=orgs.committee) for _ in range(5)]
    services.invitations_create(actor=staff, activity=activity, persons=persons, notify_invitees=False)
    invitations = list(activity.invitations.order_by("person_id"))
    for index, answer in steps:
        try:
            services.invitation_respond(
                actor=staff, invitation=invitations[index], answer=answer, reason="公务"
            )
        except DomainError:
            pass  # e.g. declining twice: refused, nothing changes
        statuses = list(activity.invitations.values_list("status", flat=True))
        holding = sum(s in HOLDS_PLACE for s in statuses)
        assert holding <= quota
        if S.WAITLISTED in statuses:
            assert holding == quota
