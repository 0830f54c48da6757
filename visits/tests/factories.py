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


def seat(people, cppcc, role: str = "member", **dates):
    """Seat `people` in `cppcc`'s current term (made if missing) — whom a year's visit plan covers."""
    from members.models import Term, TermRole
    from members.tests.factories import TermFactory

    today = timezone.localdate()
    term = Term.objects.filter(cppcc=cppcc, is_current=True).first() or TermFactory(
        cppcc=cppcc, start_date=dt.date(today.year - 3, 1, 1), end_date=dt.date(today.year + 1, 12, 31)
    )
    for person in people:
        TermRole.objects.create(person=person, term=term, role=role, **dates)
    return term
