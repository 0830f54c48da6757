"""What this app contributes to pages of other apps (home cards, a person's profile, an organisation's page)."""

from django.db.models import Count, Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core import permissions

from . import selectors
from .models import OPEN_STATUSES, LiaisonContact, LiaisonLink, Request, Visit


def home_cards(user) -> list[dict]:
    """A member: his open requests. Staff and leaders: open and overdue requests. One query either way."""
    if not permissions.can(user, "view", Request):
        return []
    requests = Request.objects.visible_to(user)
    if user.is_person:
        n = requests.filter(status__in=OPEN_STATUSES).count()
        # 待办理 + 办理中: what is not finished yet, as the label says.
        return [{"label": "我的诉求（未办结）", "value": n, "url": reverse("visits:request_list")}]
    counts = requests.aggregate(
        open=Count("pk", filter=Q(status__in=OPEN_STATUSES)),
        overdue=Count("pk", filter=Q(status__in=OPEN_STATUSES, deadline__lt=timezone.localdate())),
    )
    return [
        {
            "label": "待办诉求",
            "value": counts["open"],
            "url": reverse("visits:request_list") + "?status=open",
        },
        {"label": "超期诉求", "value": counts["overdue"], "url": reverse("visits:request_overdue")},
    ]


def person_sections(request, person) -> list[dict]:
    """Visits received and requests, on a person's profile: the office sees them; the person sees his own."""
    user = request.user
    own = user.is_person and getattr(person, "user_id", None) == user.pk
    if not (own or permissions.can(user, "view", Visit)):
        return []
    visits = list(selectors.visits_of_person(user=user, person=person))
    requests = list(selectors.requests_of_person(user=user, person=person))
    html = render_to_string(
        "visits/_person_section.html",
        {"visits": visits, "requests": requests, "person": person, "office": user.is_office, "own": own},
        request=request,
    )
    return [{"title": "走访谈心与诉求", "html": html}]


def organisation_sections(request, org) -> list[dict]:
    """On a body's page: its liaison person, contacts (phones masked), liaison events, members' positions."""
    user = request.user
    if not permissions.can(user, "view", LiaisonLink):
        return []
    link = LiaisonLink.objects.visible_to(user).select_related("liaison").filter(organisation=org).first()
    contacts = list(selectors.contacts_of(user=user, org=org))
    events = list(selectors.events_of(user=user, org=org))
    positions = _association_positions(user, org)
    if (
        link is None
        and not contacts
        and not events
        and not positions
        and not permissions.can(user, "create", LiaisonLink)
    ):
        return []
    html = render_to_string(
        "visits/_organisation_section.html",
        {
            "org": org,
            "link": link,
            "contacts": contacts,
            "events": events,
            "positions": positions,
            "can_edit": permissions.can(user, "create", LiaisonLink),
            "can_reveal": permissions.can(user, "reveal_sensitive", LiaisonContact),
        },
        request=request,
    )
    return [{"title": "联谊交友", "html": html}]


def _association_positions(user, org) -> list:
    """Members' positions in this body, from the members registry."""
    from members.models import AssociationPosition

    return list(
        AssociationPosition.objects.visible_to(user)
        .filter(organisation=org)
        .select_related("person")
        .order_by("person__name")
    )


def person_erase(person) -> None:
    """An erased person's one-to-one talks: the office's notes and the leaders' confidential notes are about
    that person only, so they go (also from the change history); the visit itself stays counted."""
    from django.db.models import Count

    from .models import Visit

    # annotate before filtering, so the count sees every person of the visit, not only the erased one
    own = (
        Visit.objects.annotate(n=Count("persons", distinct=True))
        .filter(n=1, persons=person)
        .values_list("pk", flat=True)
    )
    ids = list(own)
    Visit.objects.filter(pk__in=ids).update(notes="", confidential_notes="")
    Visit.history.filter(id__in=ids).update(notes="", confidential_notes="")


def home_sections(request) -> list[dict]:
    """Staff: open requests overdue or due within a week (earliest deadline first). A member or advisor: their
    own requests with news in the last 30 days, with a 反馈 action once solved."""
    from core.queues import Row, queue
    from core.roles import EXTERNAL, Role

    user = request.user
    if not permissions.can(user, "view", Request):
        return []

    def detail(r):
        return reverse("visits:request_detail", args=[r.pk])

    if user.role == Role.STAFF:
        return queue(
            request,
            selectors.due_request_queue(user=user),
            lambda r: Row(
                r.title,
                detail(r),
                f"{r.person.name} · {r.get_status_display()}",
                date_label="办理期限 ",
                due=r.deadline,
                action="办理",
            ),
            title="临期和超期的诉求",
            more_url=reverse("visits:request_list") + "?due=soon&sort=deadline",
            order=16,
        )
    if user.role in EXTERNAL:
        return queue(
            request,
            selectors.helping_queue(user=user),
            lambda r: Row(
                r.title,
                detail(r) + "#help",
                f"{r.person.name} · {r.get_status_display()}",
                date_label="办理期限 ",
                due=r.deadline,
                action="答复",
            ),
            title="请本单位协助的诉求",
            more_url=reverse("visits:request_list"),
            order=12,
        )
    if not user.is_person:
        return []
    return queue(
        request,
        selectors.updated_request_queue(user=user),
        lambda r: Row(
            r.title,
            detail(r),
            r.get_status_display(),
            max(d for d in (r.last_step, r.updated_at) if d),
            "更新于 ",
            action="反馈" if r.status == "solved" and not r.thanked_at else "查看",
        ),
        title="诉求办理有新进展",
        more_url=reverse("visits:request_list"),
        order=16,
    )
