"""Reads of citizens' ideas: the list (page, export, API) and the public status look-up."""

from core.text import normalise

from .models import Idea, IdeaStatus

SORTS = {
    "created": "created_at",
    "code": "code",
    "title": "title",
    "status": ("status", "-created_at"),
    "claimed_by": ("claimed_by__name", "-created_at"),
}


def idea_list(*, user, q: str = "", status: str = "", mine: bool = False):
    """Ideas the user may see (members: open ones and their own claims), filtered; `q` in either script."""
    qs = Idea.objects.visible_to(user).select_related("claimed_by", "forwarded_to")
    if q:
        qs = qs.filter(search_text__contains=normalise(q))
    if status:
        qs = qs.filter(status=status)
    if mine:
        person = getattr(user, "person", None) if user.is_person else None
        qs = qs.filter(claimed_by=person) if person else qs.none()
    return qs.order_by("-created_at", "-pk")


def idea_public_status(code: str) -> Idea | None:
    """The idea with this reference code, for the public look-up page (which shows no personal data)."""
    if not code:
        return None
    return Idea.objects.select_related("claimed_by", "forwarded_to").filter(code=code).first()


# ---- Work queues of the home page (core.queues) ------------------------------------------------------------


def screening_queue(*, user):
    """Citizens' ideas waiting for screening (待审核), the oldest first."""
    return Idea.objects.visible_to(user).filter(status=IdeaStatus.SUBMITTED).order_by("created_at", "pk")
