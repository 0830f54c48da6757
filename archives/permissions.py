"""Who may do what with archives, statistics, rule sets, donations and year-end closing.

Members and advisors see only their own archive (and the donations they have a share in); staff and leaders
their committee's; handling-unit and partner users nothing. Visibility itself comes from `visible_to`.
"""

from core import permissions
from core.roles import OFFICE, PERSONS, STAFF_ONLY

A = "archives.archive"
permissions.register(A, "view", OFFICE | PERSONS, reason="您没有权限查看履职档案。")
permissions.register(A, "own", PERSONS, reason="只有委员和顾问有本人的履职档案。")
permissions.register(A, "statistics", OFFICE, reason="只有工作人员和领导可以查看履职统计。")
permissions.register(A, "export", OFFICE, reason="只有工作人员和领导可以导出履职统计。")

R = "archives.ruleset"
permissions.register(R, "view", OFFICE, reason="只有工作人员和领导可以查看积分规则。")
permissions.register(R, "create", STAFF_ONLY, reason="只有工作人员可以建立积分规则。")
permissions.register(R, "edit", STAFF_ONLY, reason="只有工作人员可以修改积分规则。")

D = "archives.donation"
permissions.register(D, "view", OFFICE | PERSONS, reason="您没有权限查看捐赠记录。")
permissions.register(D, "create", STAFF_ONLY, reason="只有工作人员可以登记捐赠。")
permissions.register(D, "edit", STAFF_ONLY, reason="只有工作人员可以修改捐赠记录。")
permissions.register(D, "delete", STAFF_ONLY, reason="只有工作人员可以删除捐赠记录。")
permissions.register(D, "verify", OFFICE, reason="只有工作人员和领导可以核实捐赠记录。")
permissions.register(D, "export", OFFICE, reason="只有工作人员和领导可以导出捐赠记录。")

C = "archives.closingrun"
permissions.register(C, "view", OFFICE, reason="只有工作人员和领导可以查看年度归档。")
permissions.register(C, "create", STAFF_ONLY, reason="只有工作人员可以发起年度归档。")
