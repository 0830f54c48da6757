from core import permissions
from core.roles import OFFICE, PERSONS, STAFF_ONLY

permissions.register("members.person", "view", OFFICE | PERSONS)
# The roster (list, filters, duplicates) is the office's tool; members and advisors open their own profile.
permissions.register("members.person", "list", OFFICE, reason="只有工作人员和领导可以查看委员库。")
permissions.register("members.person", "view_own", PERSONS, reason="只有委员和顾问有个人档案。")
permissions.register("members.person", "create", STAFF_ONLY, reason="只有工作人员可以新增委员/顾问。")
permissions.register("members.person", "edit", STAFF_ONLY, reason="只有工作人员可以修改委员/顾问信息。")
permissions.register("members.person", "delete", STAFF_ONLY, reason="只有工作人员可以删除委员/顾问。")
permissions.register("members.person", "merge", STAFF_ONLY, reason="只有工作人员可以合并重复人员。")
permissions.register("members.person", "import", STAFF_ONLY, reason="只有工作人员可以导入名册。")
permissions.register("members.person", "export", OFFICE, reason="只有工作人员和领导可以导出名册。")
# PIPL: clear document numbers, phones and addresses only for staff, and every reveal is logged.
permissions.register(
    "members.person",
    "reveal_sensitive",
    STAFF_ONLY,
    reason="只有工作人员可以查看完整的证件号码、电话和地址，且每次查看都会留痕。",
)
permissions.register("members.term", "view", OFFICE | PERSONS)
permissions.register("members.term", "create", STAFF_ONLY, reason="只有工作人员可以新建届次。")
# PIPL right of access: staff hand a person everything held about them (members download their own).
permissions.register(
    "members.person",
    "export_personal_data",
    STAFF_ONLY,
    reason="只有工作人员可以代为导出他人的全部个人数据；委员和顾问可以下载本人的数据。",
)
