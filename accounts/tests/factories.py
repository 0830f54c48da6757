import factory

from accounts.models import User
from core.roles import Role


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    full_name = factory.Sequence(lambda n: f"测试用户{n}")
    role = Role.STAFF
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.test")
    password = factory.PostGenerationMethodCall("set_password", "Passw0rd!x")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


def users_for(orgs) -> dict[str, User]:
    """One user per role. Member and advisor get a linked person record in the committee."""
    from members.tests.factories import PersonFactory

    made = {
        "admin": UserFactory(username="admin", role=Role.ADMIN, organisation=orgs.city),
        "staff": UserFactory(username="staff", role=Role.STAFF, organisation=orgs.committee),
        "leader": UserFactory(username="leader", role=Role.LEADER, organisation=orgs.committee),
        "other_staff": UserFactory(
            username="other_staff", role=Role.STAFF, organisation=orgs.other_committee
        ),
        "member": UserFactory(username="member", role=Role.MEMBER),
        "advisor": UserFactory(username="advisor", role=Role.ADVISOR),
        "unit": UserFactory(username="unit", role=Role.UNIT, organisation=orgs.sports),
        "partner": UserFactory(username="partner", role=Role.PARTNER, organisation=orgs.province),
    }
    PersonFactory(name="陈大文", owner_org=orgs.committee, user=made["member"])
    PersonFactory(name="黄侨心", owner_org=orgs.committee, user=made["advisor"], region="overseas")
    return made
