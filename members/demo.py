"""The city CPPCC's 14th term, its plenary sessions, and the persons behind the demo member/advisor logins."""

import datetime as dt

from accounts.models import User
from core.demo import DEMO_YEAR
from organisations.models import Organisation

from .models import Person, Region, Session, SessionKind, Term, TermRoleKind
from .services import person_create, term_role_add


def load(out) -> None:
    city = Organisation.objects.get(name="广州市政协")
    committee = Organisation.objects.get(name="广州市政协港澳台侨外事委员会")
    term, _ = Term.objects.get_or_create(
        cppcc=city,
        number=14,
        defaults={"start_date": dt.date(2022, 1, 1), "end_date": dt.date(2026, 12, 31), "is_current": True},
    )
    for number, start in ((1, dt.date(2022, 1, 5)), (2, dt.date(2023, 1, 9)), (3, dt.date(DEMO_YEAR, 1, 6))):
        Session.objects.get_or_create(
            term=term,
            kind=SessionKind.PLENARY,
            number=number,
            defaults={"start_date": start, "end_date": start + dt.timedelta(days=4)},
        )
    for username, region, role, romanised in (
        ("member", Region.HONG_KONG, TermRoleKind.MEMBER, "Chan Tai Man"),
        ("advisor", Region.OVERSEAS, TermRoleKind.ADVISOR, "Wong Kiu Sum"),
    ):
        user = User.objects.get(username=username)
        person = Person.objects.filter(user=user).first()
        if person is None:
            person = person_create(
                actor=None,
                owner_org=committee,
                name=user.full_name.replace("（演示）", ""),
                region=region,
                romanised_name=romanised,
                user=user,
                check=False,
            )
        term_role_add(person=person, term=term, role=role)
    out.write(f"委员库：{term}，{Person.objects.count()} 人。")
