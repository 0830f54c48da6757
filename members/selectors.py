"""Reads of persons and terms. Every list starts from `Person.objects.visible_to(user)`."""

import datetime as dt

from django.core.cache import cache
from django.db.models import Count, Prefetch, Q, Subquery
from django.utils import timezone

from .filtersets import PersonFilterSet
from .models import (
    AssociationPosition,
    CommitteeMembership,
    IdentityDocument,
    Person,
    Phone,
    Term,
    TermRole,
    TermRoleKind,
)

CURRENT_TERM_KEY = "members:current_term"


def current_term() -> Term | None:
    """The term marked current (the newest one if several are). Read on most pages (roster filters, invitations,
    committee forms) and changed once in five years, so it is cached (shared cache with several app servers);
    any save or delete of a Term clears it (`members.apps`)."""
    cached = cache.get(CURRENT_TERM_KEY)
    if cached is not None:
        return cached or None
    term = Term.objects.filter(is_current=True).order_by("-number").first()
    cache.set(CURRENT_TERM_KEY, term or False, 300)
    return term


def forget_current_term(**kwargs) -> None:
    cache.delete(CURRENT_TERM_KEY)


def persons_visible(user):
    return Person.objects.visible_to(user)


def _shaped(qs, *, term: Term | None, documents: bool = True):
    """What a roster row, an API row or an export row shows, in a fixed number of queries (the roster page
    shows no documents: `documents=False` saves their query)."""
    roles = TermRole.objects.select_related("term").order_by("-term__number", "role")
    if term is not None:
        roles = roles.filter(term=term)
    return qs.select_related("sector", "owner_org").prefetch_related(
        "tags",
        Prefetch("term_roles", queryset=roles, to_attr="shown_roles"),
        Prefetch("phones", queryset=Phone.objects.order_by("-is_primary", "id"), to_attr="phone_list"),
        *(
            [
                Prefetch(
                    "documents", queryset=IdentityDocument.objects.order_by("kind"), to_attr="document_list"
                )
            ]
            if documents
            else []
        ),
        Prefetch(
            "committee_memberships",
            queryset=CommitteeMembership.objects.select_related("committee").order_by("committee__name"),
            to_attr="committee_list",
        ),
        Prefetch(
            "association_positions",
            queryset=AssociationPosition.objects.select_related("organisation").order_by(
                "organisation__name"
            ),
            to_attr="association_list",
        ),
    )


def person_filterset(user, params) -> PersonFilterSet:
    base = Person.objects.visible_to(user).filter(anonymised_at__isnull=True).order_by("sort_name", "id")
    return PersonFilterSet(params, queryset=base, user=user)


def person_list(user, params=None, *, documents: bool = True):
    """Visible, not deleted persons, filtered by `PersonFilterSet` (q, term, role, region, sector, committee,
    association, tag, sort), sorted (pinyin of the name by default), with roles of the chosen term (or the
    current one), phones, documents, committees, associations and tags prefetched: the query count does not
    grow with the rows. Invalid filter values are ignored rather than failing the page."""
    params = params if params is not None else {}
    filterset = person_filterset(user, params)
    qs = filterset.qs if filterset.is_valid() else filterset.queryset
    term = filterset.form.cleaned_data.get("term") if filterset.is_valid() else None
    return _shaped(qs, term=term or current_term(), documents=documents)


def person_detail(user, pk: int) -> Person:
    """One person with everything the profile shows; 404 when missing or not visible."""
    from core import permissions

    qs = Person.objects.select_related("sector", "owner_org", "user").prefetch_related(
        "tags",
        Prefetch("term_roles", queryset=TermRole.objects.select_related("term").order_by("-term__number")),
        Prefetch("phones", queryset=Phone.objects.order_by("-is_primary", "id")),
        Prefetch("documents", queryset=IdentityDocument.objects.order_by("kind")),
        Prefetch(
            "committee_memberships",
            queryset=CommitteeMembership.objects.select_related("committee", "term").order_by(
                "-term__number"
            ),
        ),
        Prefetch(
            "association_positions",
            queryset=AssociationPosition.objects.select_related("organisation").order_by(
                "end_date", "organisation__name"
            ),
        ),
    )
    return permissions.get_visible_or_404(qs, user, pk=pk)


def term_list(user):
    return (
        Term.objects.select_related("cppcc")
        .annotate(person_count=Count("roles__person", distinct=True))
        .order_by("-number")
    )


def duplicate_groups(user) -> list[list[Person]]:
    """Likely duplicates among visible persons: the same document (blind index), or same name + birth date."""
    visible = Person.objects.visible_to(user).filter(anonymised_at__isnull=True)
    groups: list[set[int]] = []
    by_doc = (
        IdentityDocument.objects.filter(person__in=visible)
        .values("kind", "number_index")
        .annotate(n=Count("person", distinct=True))
        .filter(n__gt=1)
    )
    for row in by_doc:
        ids = IdentityDocument.objects.filter(kind=row["kind"], number_index=row["number_index"]).values_list(
            "person_id", flat=True
        )
        groups.append(set(ids))
    by_name = (
        visible.exclude(birth_date__isnull=True)
        .values("name", "birth_date")
        .annotate(n=Count("id"))
        .filter(n__gt=1)
    )
    cond = Q(pk__in=[])
    for row in by_name:
        cond |= Q(name=row["name"], birth_date=row["birth_date"])
    for row in visible.filter(cond).values("name", "birth_date").distinct():
        ids = visible.filter(name=row["name"], birth_date=row["birth_date"]).values_list("id", flat=True)
        groups.append(set(ids))
    merged: list[set[int]] = []
    for g in groups:
        for m in merged:
            if m & g:
                m |= g
                break
        else:
            merged.append(set(g))
    all_ids = set().union(*merged) if merged else set()
    persons = {p.pk: p for p in _shaped(visible.filter(pk__in=all_ids), term=current_term())}
    return [sorted((persons[i] for i in g if i in persons), key=lambda p: p.pk) for g in merged]


# Filters by whose records they are (term, region, sector), shared by the overview and the list pages its
# charts link to, so a click lands on exactly the records a chart counted.
SCOPE_FILTERS = ("term", "region", "sector")


def person_scope(params):
    """The ids of the persons matching `term` (had a role in that term), `region` and `sector` in `params`,
    as a subquery for `person__in=` / `author__in=`; None when no such filter is given (no restriction).

    Not a visibility filter (the records' own `visible_to` does that): it only narrows by the person's
    attributes. An invalid value matches nobody, so a wrong link never widens to everyone."""
    given = {k: str(params.get(k, "")).strip() for k in SCOPE_FILTERS}
    given = {k: v for k, v in given.items() if v}
    if not given:
        return None
    filterset = PersonFilterSet(given, queryset=Person.objects.all())
    if not filterset.is_valid():
        return Person.objects.none().values("pk")
    return filterset.qs.order_by().values("pk")


def person_scope_labels(params) -> list[tuple[str, str, str]]:
    """(parameter, value, label) of the scope filters in `params`, e.g. ("region", "hk", "地区：香港")."""
    from .models import Region, Sector

    out = []
    for key in SCOPE_FILTERS:
        value = str(params.get(key, "")).strip()
        if not value:
            continue
        label = value
        if key == "term":
            term = Term.objects.filter(pk=value).first() if value.isdigit() else None
            label = f"届次：{term}" if term else "届次：（无效）"
        elif key == "region":
            label = f"地区：{dict(Region.choices).get(value, '（无效）')}"
        elif key == "sector":
            sector = Sector.objects.filter(pk=value).first() if value.isdigit() else None
            label = f"界别：{sector.name}" if sector else "界别：（无效）"
        out.append((key, value, label))
    return out


SEARCH_MAX = 100  # characters of a picker's query that are searched: longer than any name


def person_search(user, q: str = "", *, current: bool = False, limit: int = 20):
    """Persons the user may see whose name (any form: 简/繁, pinyin, initials, romanised) contains `q`, sorted
    by name, at most `limit` (a picker's answer); `current`: only those holding a seat now (`seated`)."""
    from core.text import normalise

    qs = Person.objects.visible_to(user).filter(anonymised_at__isnull=True).select_related("sector")
    if current:
        qs = seated(qs)
    norm = normalise(q[:SEARCH_MAX])
    if norm:
        qs = qs.filter(search_text__contains=norm)
    return qs.order_by("sort_name", "pk")[:limit]


# Who may be asked to co-sign: whoever holds a seat in the current term (observers do not).
CO_SIGNING_ROLES = (TermRoleKind.MEMBER, TermRoleKind.STANDING, TermRoleKind.INVITED, TermRoleKind.ADVISOR)


def seated(persons, *, today: dt.date | None = None):
    """Of `persons`, those holding a seat now (member, standing member, invited member or advisor in a current
    term, not ended), not deleted: who may put forward a new proposal. Former members (term over, seat ended)
    and observers are left out."""
    today = today or timezone.localdate()
    seats = seats_during(today, today).filter(term__is_current=True)
    return persons.filter(anonymised_at__isnull=True, pk__in=seats.values("person_id"))


def _cppccs_above(organisation):
    """The CPPCCs at or above a body, the nearest first."""
    from organisations.models import Organisation, OrgKind

    ids = [int(part) for part in organisation.path.strip("/").split("/") if part.isdigit()]
    # Ancestors' paths are prefixes of each other: the longest is the nearest.
    return Organisation.objects.filter(pk__in=ids, kind=OrgKind.CPPCC).order_by("-path")


def body_cppcc(organisation):
    """The CPPCC a body belongs to: the body itself, or the nearest CPPCC above it (a committee's)."""
    return _cppccs_above(organisation).first()


def own_terms(user):
    """The terms of the user's own CPPCC (the nearest CPPCC at or above the user's organisation, as
    `body_cppcc` finds it), newest first: what a term select offers and accepts, not every CPPCC's of the
    deployment. One query when evaluated (the CPPCC is a subquery). A user with no organisation (an admin
    above every body) is offered every term; one whose body is under no CPPCC, none."""
    organisation = getattr(user, "organisation", None)
    if organisation is None:
        return Term.objects.order_by("-number")
    cppcc = _cppccs_above(organisation).values("pk")[:1]
    return Term.objects.filter(cppcc=Subquery(cppcc)).order_by("-number")


def own_current_term(user) -> Term | None:
    """The current term of the user's own CPPCC (`own_terms`): what a term select opens on."""
    return own_terms(user).filter(is_current=True).first()


def seats_during(first: dt.date, last: dt.date):
    """Seats of members, standing members, invited members and advisors (`CO_SIGNING_ROLES`; not observers) held
    at some time between `first` and `last` (a seat without dates lasts its term)."""
    return TermRole.objects.filter(
        Q(start_date__isnull=True) | Q(start_date__lte=last),
        Q(end_date__isnull=True) | Q(end_date__gte=first),
        role__in=CO_SIGNING_ROLES,
    )


def person_directory(organisation, *, today: dt.date | None = None):
    """The current members and advisors of the CPPCC `organisation` belongs to (a seat in its current term,
    not ended), with or without a login, not deleted: whom a member may ask to co-sign. Former members,
    observers and the rosters of other CPPCCs (a district's below a city's) are not in it. Only names and
    sectors are shown from it."""
    cppcc = body_cppcc(organisation)
    if cppcc is None:
        return Person.objects.none()
    today = today or timezone.localdate()
    seats = seats_during(today, today).filter(term__cppcc=cppcc, term__is_current=True)
    return Person.objects.filter(anonymised_at__isnull=True, pk__in=seats.values("person_id")).select_related(
        "sector"
    )


def person_directory_search(organisation, q: str = "", *, exclude=(), limit: int = 20):
    from core.text import normalise

    qs = person_directory(organisation).exclude(pk__in=[pk for pk in exclude if pk])
    norm = normalise(q[:SEARCH_MAX])
    if norm:
        qs = qs.filter(search_text__contains=norm)
    return qs.order_by("sort_name", "pk")[:limit]


def person_label(person) -> str:
    """姓名（界别）: what a picker shows of a person (sector selected with it)."""
    return f"{person.name}（{person.sector.name}）" if person.sector_id else person.name
