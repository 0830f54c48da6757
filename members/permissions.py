from core import permissions
from core.roles import OFFICE, PERSONS, STAFF_ONLY

permissions.register("members.person", "view", OFFICE | PERSONS)
permissions.register("members.person", "create", STAFF_ONLY, reason="只有工作人员可以新增委员/顾问。")
permissions.register("members.person", "edit", STAFF_ONLY, reason="只有工作人员可以修改委员/顾问信息。")
permissions.register("members.person", "export", OFFICE, reason="只有工作人员和领导可以导出名册。")
