"""Who may do what in visits, requests and the liaison network."""

from core import permissions
from core.roles import EXTERNAL, OFFICE, PERSONS, STAFF_ONLY, Role

LEADERS = frozenset({Role.LEADER})


def _own_person(user, obj) -> bool:
    """A member acts only on a request that is his or her own (staff and leaders: any visible one)."""
    if user.role in PERSONS:
        return getattr(obj.person, "user_id", None) == user.pk
    return True


def _helping_body(user, obj) -> bool:
    """A handling unit's or partner body's user: only requests their body was asked to help with."""
    return user.organisation_id is not None and obj.helping_org_id == user.organisation_id


def _own_or_helping(user, obj) -> bool:
    return _helping_body(user, obj) if user.role in EXTERNAL else _own_person(user, obj)


def _member_may_thank(user, obj) -> bool:
    return obj.person.user_id == user.pk and obj.status == "solved"


V = "visits.visit"
permissions.register(V, "view", OFFICE, reason="只有工作人员和领导可以查看走访记录。")
permissions.register(V, "create", OFFICE, reason="只有工作人员和领导可以登记走访。")
permissions.register(V, "edit", OFFICE, reason="只有工作人员和领导可以修改走访。")
permissions.register(V, "record", OFFICE, reason="只有工作人员和领导可以记录走访。")
permissions.register(V, "cancel", OFFICE, reason="只有工作人员和领导可以取消走访。")
permissions.register(V, "export", OFFICE, reason="只有工作人员和领导可以导出走访记录。")
permissions.register(V, "view_confidential", LEADERS, reason="内部记录仅领导可见。")

R = "visits.request"
permissions.register(R, "view", OFFICE | PERSONS | EXTERNAL, check=_own_or_helping)
permissions.register(
    R,
    "help",
    EXTERNAL,
    check=lambda u, r: _helping_body(u, r) and r.status in ("open", "in_progress"),
    reason="只有协助单位可以答复仍在办理中的诉求。",
)
permissions.register(R, "create", OFFICE | PERSONS, reason="您没有权限登记诉求。")
permissions.register(R, "edit", OFFICE, reason="只有工作人员和领导可以修改诉求。")
permissions.register(R, "handle", OFFICE, reason="只有工作人员和领导可以办理诉求。")
permissions.register(R, "close", OFFICE, reason="只有工作人员和领导可以办结诉求。")
permissions.register(R, "reopen", OFFICE, reason="只有工作人员和领导可以重新办理诉求。")
permissions.register(R, "add_step", OFFICE, reason="只有工作人员和领导可以记录办理情况。")
permissions.register(R, "to_opinion", STAFF_ONLY, reason="只有工作人员可以把诉求转为社情民意信息。")
permissions.register(R, "to_proposal", STAFF_ONLY, reason="只有工作人员可以把诉求转为提案草稿。")
permissions.register(R, "export", OFFICE, reason="只有工作人员和领导可以导出诉求。")
permissions.register(R, "thank", PERSONS, check=_member_may_thank, reason="只有提出人可以在诉求解决后反馈。")

permissions.register("visits.coveragerule", "view", OFFICE)
permissions.register("visits.coveragerule", "edit", OFFICE, reason="只有工作人员和领导可以修改走访规则。")
permissions.register("visits.visitplan", "view", OFFICE)
permissions.register("visits.visitplan", "create", OFFICE, reason="只有工作人员和领导可以制定走访计划。")
permissions.register("visits.visitplan", "edit", OFFICE, reason="只有工作人员和领导可以调整走访分工。")

for model in ("visits.liaisonlink", "visits.liaisoncontact", "visits.liaisonevent"):
    permissions.register(model, "view", OFFICE, reason="只有工作人员和领导可以查看联谊交友信息。")
    permissions.register(model, "create", OFFICE, reason="只有工作人员和领导可以登记联谊交友信息。")
    permissions.register(model, "edit", OFFICE, reason="只有工作人员和领导可以修改联谊交友信息。")
    permissions.register(model, "export", OFFICE, reason="只有工作人员和领导可以导出联谊交友信息。")
permissions.register(
    "visits.liaisoncontact", "reveal_sensitive", OFFICE, reason="只有工作人员和领导可以查看联络人电话。"
)
