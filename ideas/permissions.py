from core import permissions
from core.roles import EXTERNAL, OFFICE, PERSONS, STAFF_ONLY


def _person(user):
    return getattr(user, "person", None) if user.is_person else None


def _is_claimant(user, idea) -> bool:
    person = _person(user)
    return person is not None and idea.claimed_by_id == person.pk


M = "ideas.idea"
permissions.register(M, "view", OFFICE | PERSONS | EXTERNAL)  # a department: what was forwarded to it
permissions.register(
    M,
    "answer",
    EXTERNAL,
    check=lambda user, idea: idea.status == "forwarded" and idea.forwarded_to_id == user.organisation_id,
    reason="只有收到转交的部门可以答复。",
)
permissions.register(M, "screen", STAFF_ONLY, reason="只有工作人员可以审核、转交或不予采纳百姓提案。")
permissions.register(
    M,
    "claim",
    PERSONS,
    check=lambda user, idea: _person(user) is not None,
    reason="只有委员、顾问可以认领百姓提案。",
)
permissions.register(
    M,
    "release",
    PERSONS | STAFF_ONLY,
    check=lambda user, idea: user.is_office or _is_claimant(user, idea),
    reason="只有认领的委员或工作人员可以取消认领。",
)
permissions.register(
    M, "develop", PERSONS, check=_is_claimant, reason="只有认领的委员可以把它形成提案或发言。"
)
permissions.register(M, "followup", STAFF_ONLY, reason="只有工作人员可以邀请提出人参加调研。")
permissions.register(M, "reveal_sensitive", STAFF_ONLY, reason="只有工作人员可以查看提出人的联系电话。")
permissions.register(M, "export", OFFICE, reason="只有工作人员和领导可以导出百姓提案。")
