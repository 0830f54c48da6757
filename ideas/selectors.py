"""Reads of citizens' ideas: the list (page, export, API) and the public status look-up."""

from core.text import normalise
from core.workflow import log_for

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


def forwarded_inbox(*, user, answered: bool | None = None):
    """Ideas forwarded to the user's department (a handling unit's or partner body's inbox), oldest first;
    `answered` False: not answered yet."""
    qs = Idea.objects.visible_to(user).filter(
        status=IdeaStatus.FORWARDED, forwarded_to_id=user.organisation_id
    )
    if answered is not None:
        qs = qs.filter(department_replied_at__isnull=not answered)
    return qs.order_by("created_at", "pk")


def public_stages(idea: Idea) -> list[dict]:
    """Every stage of an idea for the citizen's status page, oldest first, each {label, at, note, url}:
    received, screened, claimed, developed into a draft, then the proposal's public milestones (followed through
    merges: submitted, 立案 with number, 交办, reply published with its link, rating, outcome, 办结); or
    forwarded to a department and its answer; or declined. 办结 only at a real end, never at forwarding."""
    labels = {
        IdeaStatus.OPEN: "审核通过，等待政协委员认领",
        IdeaStatus.CLAIMED: "政协委员认领，调研完善中",
        IdeaStatus.PROPOSAL: "委员据此起草提案",
        IdeaStatus.SPEECH: "吸收为政协会议发言",
        IdeaStatus.FORWARDED: f"转交{idea.forwarded_to}研究办理"
        if idea.forwarded_to_id
        else "转交部门研究办理",
        IdeaStatus.DECLINED: "经研究，暂不予采纳",
    }
    with_note = (IdeaStatus.SPEECH, IdeaStatus.FORWARDED, IdeaStatus.DECLINED)  # written for the citizen
    stages = [{"label": "收到金点子", "at": idea.created_at}]
    for row in log_for(idea, "idea"):
        label = labels.get(row.target, row.target)
        if row.target == IdeaStatus.OPEN and row.source == IdeaStatus.CLAIMED:
            label = "重新开放认领"
        stages.append(
            {"label": label, "at": row.created_at, "note": row.note if row.target in with_note else ""}
        )
    if idea.status != IdeaStatus.SUBMITTED and not any(r["at"] for r in stages[1:]):
        # Records written without the workflow (imports, old data): the current state from the idea itself.
        note = idea.outcome_note if idea.status in with_note else ""
        stages.append(
            {
                "label": labels.get(idea.status, idea.get_status_display()),
                "at": idea.closed_at or idea.updated_at,
                "note": note,
            }
        )
    if idea.proposal_id:
        from proposals.selectors import public_progress

        stages += public_progress(idea.proposal)
    if idea.status == IdeaStatus.FORWARDED and idea.department_replied_at:
        stages.append(
            {
                "label": f"{idea.forwarded_to}答复",
                "at": idea.department_replied_at,
                "note": idea.department_reply,
            }
        )
        stages.append({"label": "办结", "at": idea.department_replied_at})
    elif idea.status in (IdeaStatus.SPEECH, IdeaStatus.DECLINED) and idea.closed_at:
        stages.append({"label": "办结", "at": idea.closed_at})
    return stages
