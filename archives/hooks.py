"""What the archives contribute to other apps' pages: a member's or advisor's year at a glance on the home
page (score and grade so far, each minimum met or not, the archive one click away) and the same on a
person's profile for those who may see that person's archive."""

from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from core import permissions

from . import selectors
from .models import Archive
from .scoring import fmt


def _glance_html(request, person, *, own: bool) -> str:
    this_year = timezone.localdate().year
    year = selectors.glance_year(person)
    url = reverse("archives:person", args=[person.pk])
    glance = None
    if year is not None:
        glance = selectors.year_at_a_glance(person, year=year)
        url += f"?year={year}"
    return render_to_string(
        "archives/home_glance.html",
        {
            "g": glance,
            "this_year": this_year,
            "url": url,
            "own": own,
            "score": fmt(glance.score) if glance else "",
            "gap": fmt(glance.gap) if glance and glance.gap is not None else "",
            "minimums": [
                {"m": m, "actual": fmt(m.actual), "required": fmt(m.required)} for m in glance.minimums
            ]
            if glance
            else [],
        },
        request=request,
    )


def home_sections(request) -> list[dict]:
    """Members and advisors: their year so far (order 10: below the leader's overview, above the queues)."""
    user = request.user
    person = getattr(user, "person", None) if user.is_person else None
    if person is None or not permissions.can(user, "own", Archive):
        return []
    year = timezone.localdate().year
    return [{"title": f"我的{year}年度履职", "html": _glance_html(request, person, own=True), "order": 10}]


def person_sections(request, person) -> list[dict]:
    """On a profile: the person's year so far, for the person and for the staff and leaders who see it."""
    user = request.user
    own = user.is_person and getattr(person, "user_id", None) == user.pk
    if not permissions.can(user, "view", Archive) or not (own or user.is_office):
        return []
    return [{"title": "履职积分", "html": _glance_html(request, person, own=own)}]
