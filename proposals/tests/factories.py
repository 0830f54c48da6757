"""Proposals in any state, built through the services (so logs, numbers and shares are real)."""

import datetime as dt

from members.models import Session, SessionKind, Term

from .. import services
from ..models import Proposal

BODY = "天河区青少年滑板运动人数快速增长，但公共滑板场地严重不足。建议在体育中心建设城市滑板公园，并开放夜间使用。"


def plenary_session(orgs) -> Session:
    term, _ = Term.objects.get_or_create(
        cppcc=orgs.city,
        number=14,
        defaults={"start_date": dt.date(2022, 1, 1), "end_date": dt.date(2026, 12, 31), "is_current": True},
    )
    session, _ = Session.objects.get_or_create(
        term=term,
        kind=SessionKind.PLENARY,
        number=3,
        defaults={"start_date": dt.date(2025, 1, 6), "end_date": dt.date(2025, 1, 10)},
    )
    return session


def seat(person, cppcc=None, *, role: str = "member"):
    """Give `person` a seat in the current term of `cppcc` (default: the CPPCC their organisation belongs to; the
    term is made if there is none) unless they hold one there already: only a current member or advisor may be a
    proposal's author (`services.proposal_create_draft`). Returns the person."""
    from members.models import TermRole
    from members.selectors import body_cppcc, person_directory

    cppcc = cppcc or body_cppcc(person.owner_org)
    if person_directory(cppcc).filter(pk=person.pk).exists():
        return person
    term = Term.objects.filter(cppcc=cppcc, is_current=True).order_by("-number").first()
    if term is None:
        highest = (
            Term.objects.filter(cppcc=cppcc).order_by("-number").values_list("number", flat=True).first()
        )
        term = Term.objects.create(
            cppcc=cppcc,
            number=highest + 1 if highest else 14,
            start_date=dt.date(2022, 1, 1),
            end_date=dt.date(2026, 12, 31),
            is_current=True,
        )
    TermRole.objects.create(person=person, term=term, role=role)
    return person


def draft(users, *, title="关于增加广州滑板场建设的提案", body=BODY, author=None) -> Proposal:
    """A draft by the member (or by `author`, entered by the staff), who is seated first if need be."""
    member = users["member"]
    return services.proposal_create_draft(
        actor=member if author is None else users["staff"],
        author=seat(author or member.person),
        title=title,
        body=body,
    )


def submitted(users, **kw) -> Proposal:
    return services.proposal_submit(
        actor=users["member"] if "author" not in kw else users["staff"], proposal=draft(users, **kw)
    )


def filed(users, orgs, **kw) -> Proposal:
    plenary_session(orgs)
    return services.proposal_file(actor=users["staff"], proposal=submitted(users, **kw))


def handling(users, orgs, *, co=True, **kw) -> Proposal:
    p = filed(users, orgs, **kw)
    return services.proposal_assign(
        actor=users["staff"], proposal=p, lead=orgs.sports, co_units=[orgs.planning] if co else []
    )


def reply_review(users, orgs, **kw) -> Proposal:
    p = handling(users, orgs, co=False, **kw)
    services.reply_save(
        actor=users["unit"], proposal=p, reply_class="A", body="已在天河体育中心建成滑板公园。"
    )
    return services.reply_submit(actor=users["unit"], proposal=p)


def replied(users, orgs, **kw) -> Proposal:
    p = reply_review(users, orgs, **kw)
    return services.reply_review(actor=users["staff"], proposal=p, approve=True, note="同意")


def many(users, orgs, n):
    """n proposals in handling, spread over several units (so an N+1 on units would show)."""
    from organisations.tests.factories import OrganisationFactory

    plenary_session(orgs)
    units = [OrganisationFactory(name=f"测试承办单位{i}", is_handling_unit=True) for i in range(3)]
    for i in range(n):
        p = filed(users, orgs, title=f"关于第{i}号事项的提案")
        services.proposal_assign(
            actor=users["staff"], proposal=p, lead=units[i % 3], co_units=[units[(i + 1) % 3]]
        )
