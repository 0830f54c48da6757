import datetime as dt

import factory
from django.utils import timezone

from activities.models import Activity, ActivityKind, Invitation


class KindFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActivityKind
        django_get_or_create = ("name",)

    name = "座谈调研会"
    is_trip = False


class ActivityFactory(factory.django.DjangoModelFactory):
    """An activity a week from now, two hours long, sign-up closing two days before."""

    class Meta:
        model = Activity

    kind = factory.SubFactory(KindFactory)
    title = factory.Sequence(lambda n: f"测试活动{n}")
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda a: a.starts_at + dt.timedelta(hours=2))
    signup_deadline = factory.LazyAttribute(lambda a: a.starts_at - dt.timedelta(days=2))
    place = "市政协会议室"
    search_text = factory.LazyAttribute(lambda a: a.title)


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    owner_org = factory.LazyAttribute(lambda i: i.activity.owner_org)
