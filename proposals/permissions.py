"""The proposals' rows of the permission table (role × action, with object checks).

Visibility (`visible_to`) already limits members to their own proposals, units to proposals shared with
them as handler, partners to those they co-sponsor; the checks here add "which of the visible ones".
"""

from core import permissions
from core.roles import EVERYONE, OFFICE, PERSONS, STAFF_ONLY, Role

from .models import EDITABLE_STATES, AssignmentRole, CosignerStatus

P = "proposals.proposal"


def person_id(user):
    try:
        person = user.person
    except Exception:  # a member login not linked to a person record
        return None
    return person.pk if person else None


def is_author(user, proposal) -> bool:
    return proposal.author_id is not None and proposal.author_id == person_id(user)


def is_rater(user, proposal) -> bool:
    """The first proposer, a confirmed co-signer, or the proposer of a proposal merged into this one."""
    pid = person_id(user)
    if pid is None:
        return False
    if proposal.author_id == pid:
        return True
    if proposal.cosigners.filter(person_id=pid, status=CosignerStatus.CONFIRMED).exists():
        return True
    return proposal.merged_from.filter(author_id=pid).exists()


def unit_roles(user, proposal) -> set[str]:
    """The roles the user's unit holds in the proposal's active assignments."""
    if user.role != Role.UNIT or not user.organisation_id:
        return set()
    if "assignments" in getattr(proposal, "_prefetched_objects_cache", {}):  # the detail page loaded them
        return {
            a.role
            for a in proposal.assignments.all()
            if a.unit_id == user.organisation_id and a.ended_at is None
        }
    return set(
        proposal.assignments.filter(unit_id=user.organisation_id, ended_at__isnull=True).values_list(
            "role", flat=True
        )
    )


def _office_or(check):
    """Staff/leaders/admin pass (visibility already scoped them); others must pass `check`."""

    def wrapped(user, obj):
        return user.is_office or check(user, obj)

    return wrapped


def _author_editable(user, proposal):
    return proposal.status in EDITABLE_STATES and (user.role in STAFF_ONLY or is_author(user, proposal))


def _assigned(user, proposal):
    return bool(unit_roles(user, proposal))


def _replying_unit(user, proposal):
    return bool(unit_roles(user, proposal) & {AssignmentRole.LEAD, AssignmentRole.SPLIT})


def _co_unit(user, proposal):
    return bool(unit_roles(user, proposal) & {AssignmentRole.CO, AssignmentRole.ASSIST})


def _invited(user, proposal):
    pid = person_id(user)
    return pid is not None and proposal.cosigners.filter(person_id=pid).exists()


NOT_ASSIGNED = "该提案未交办给您的单位，不能办理。"

permissions.register(P, "view", EVERYONE)
permissions.register(P, "create", PERSONS | STAFF_ONLY, reason="只有委员、顾问和工作人员可以起草提案。")
permissions.register(
    P,
    "edit",
    PERSONS | STAFF_ONLY,
    check=_author_editable,
    reason="只有提案人可以在草稿或退回修改时修改提案。",
)
permissions.register(
    P, "submit", PERSONS | STAFF_ONLY, check=_author_editable, reason="只有提案人可以提交提案。"
)
permissions.register(
    P,
    "withdraw",
    PERSONS | STAFF_ONLY,
    check=lambda u, p: u.role in STAFF_ONLY or is_author(u, p),
    reason="只有提案人可以撤回提案。",
)
permissions.register(P, "cosign", PERSONS, check=_invited, reason="您没有被邀请联名该提案。")
permissions.register(P, "review", STAFF_ONLY, reason="只有提案工作人员可以审查提案。")
permissions.register(P, "assign", STAFF_ONLY, reason="只有提案工作人员可以交办提案；承办单位不能自行转办。")
permissions.register(P, "designate_key", STAFF_ONLY, reason="只有提案工作人员可以确定重点提案。")
permissions.register(P, "supervise", OFFICE, reason="只有领导和工作人员可以记录督办情况。")
permissions.register(
    P,
    "follow_up",
    OFFICE | {Role.UNIT, Role.PARTNER},
    check=lambda u, p: u.is_office or u.role == Role.PARTNER or _assigned(u, p),
    reason=NOT_ASSIGNED,
)
permissions.register(
    P, "progress", STAFF_ONLY | {Role.UNIT}, check=_office_or(_assigned), reason=NOT_ASSIGNED
)
permissions.register(P, "dispute", {Role.UNIT}, check=_assigned, reason=NOT_ASSIGNED)
permissions.register(
    P,
    "extend",
    STAFF_ONLY | {Role.UNIT},
    check=_office_or(_replying_unit),
    reason="只有主办（分办）单位或工作人员可以申请延期。",
)
permissions.register(
    P, "draft_reply", {Role.UNIT}, check=_replying_unit, reason="只有主办（分办）单位可以起草答复。"
)
permissions.register(
    P, "submit_reply", {Role.UNIT}, check=_replying_unit, reason="只有主办（分办）单位可以提交答复。"
)
permissions.register(P, "countersign", {Role.UNIT}, check=_co_unit, reason="只有会办、协办单位可以会签。")
permissions.register(P, "review_reply", STAFF_ONLY, reason="只有提案工作人员可以审核答复。")
permissions.register(P, "rate", PERSONS, check=is_rater, reason="只有提案人和联名人可以评价答复。")
permissions.register(P, "close", STAFF_ONLY, reason="只有提案工作人员可以办结提案。")
permissions.register(P, "outcome", STAFF_ONLY, reason="只有提案工作人员可以记录办理成效。")
permissions.register(P, "export", OFFICE, reason="只有工作人员和领导可以导出提案。")
