import datetime as dt

from django.utils import timezone

from members.tests.factories import PersonFactory
from visits import services
from visits.models import Request, RequestCategory, Visit, VisitMode


def make_visit(
    actor, persons, *, date: dt.date | None = None, done: bool = True, visitors=None, **kwargs
) -> Visit:
    """A visit through the service (done by default, dated yesterday)."""
    return services.visit_create(
        actor=actor,
        date=date or timezone.localdate() - dt.timedelta(days=1),
        visitors=visitors or [actor],
        persons=persons,
        mode=kwargs.pop("mode", VisitMode.ONE_TO_ONE),
        done=done,
        **kwargs,
    )


def make_request(actor, person, **kwargs) -> Request:
    return services.request_create(
        actor=actor,
        person=person,
        category=kwargs.pop("category", RequestCategory.SCHOOL),
        title=kwargs.pop("title", "子女插班入学"),
        description=kwargs.pop("description", "孩子明年随家人来穗，希望了解插班入学办法。"),
        **kwargs,
    )


def persons(n: int, owner_org, prefix: str = "委员"):
    return [PersonFactory(name=f"{prefix}{i:04d}", owner_org=owner_org) for i in range(n)]
