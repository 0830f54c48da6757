"""The dashboard's rows of the permission table: the committee office (staff, leaders, admins) reads the
overview and the work summary; members, advisors, handling units and partner bodies do not."""

from core import permissions
from core.roles import OFFICE

permissions.register(
    "dashboard.overview", "view", OFFICE, reason="只有委员会领导和工作人员可以查看领导总览。"
)
permissions.register(
    "dashboard.worksummary", "view", OFFICE, reason="只有委员会领导和工作人员可以查看年度工作总结。"
)
permissions.register(
    "dashboard.worksummary", "export", OFFICE, reason="只有委员会领导和工作人员可以下载年度工作总结。"
)
