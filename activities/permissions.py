"""The activities rows of the permission table.

Staff of the organiser's subtree (谁组织谁记录) create, edit, invite, check in and record; leaders view;
members and advisors see activities they are invited to and act only on their own invitation; partner
bodies see activities shared with them as organiser (visibility does that part)."""

from core import permissions
from core.roles import OFFICE, PERSONS, STAFF_ONLY, Role


def _organiser_staff(user, activity) -> bool:
    if user.role == Role.ADMIN:
        return True
    org = user.organisation
    return org is not None and activity.owner_org.path.startswith(org.path)


def _own_or_organiser(user, invitation) -> bool:
    if user.is_person:
        return invitation.person.user_id == user.pk
    return _organiser_staff(user, invitation.activity)


ORGANISER_REASON = "只有主办单位的工作人员可以执行此操作。"
A = "activities.activity"
permissions.register(A, "view", OFFICE | PERSONS | {Role.PARTNER})
permissions.register(A, "create", STAFF_ONLY, reason="只有工作人员可以新建活动。")
for action in ("edit", "invite", "check_in", "report"):
    permissions.register(A, action, STAFF_ONLY, check=_organiser_staff, reason=ORGANISER_REASON)
permissions.register(A, "export", OFFICE, reason="只有工作人员和领导可以导出。")

INV = "activities.invitation"
permissions.register(INV, "view", OFFICE | PERSONS | {Role.PARTNER})
permissions.register(
    INV, "respond", STAFF_ONLY | PERSONS, check=_own_or_organiser, reason="只能回复本人的活动邀请。"
)
permissions.register(
    INV, "check_in", STAFF_ONLY | PERSONS, check=_own_or_organiser, reason="只能为本人签到。"
)
permissions.register(
    INV, "manage", STAFF_ONLY, check=lambda u, inv: _organiser_staff(u, inv.activity), reason=ORGANISER_REASON
)

K = "activities.activitykind"
permissions.register(K, "view", OFFICE | PERSONS | {Role.PARTNER})
permissions.register(K, "create", STAFF_ONLY, reason="只有工作人员可以新增活动类别。")

B = "activities.briefing"
permissions.register(B, "view", OFFICE | PERSONS)
permissions.register(B, "create", STAFF_ONLY, reason="只有工作人员可以发布知情明政材料。")
permissions.register(B, "manage", STAFF_ONLY, check=_organiser_staff, reason=ORGANISER_REASON)
