from core import permissions
from core.roles import OFFICE, PERSONS, STAFF_ONLY

from .models import ReportStatus


def _is_author(user, report) -> bool:
    person = getattr(user, "person", None) if user.is_person else None
    return person is not None and report.author_id == person.pk


def _may_edit(user, report) -> bool:
    """The author edits a draft; staff edit while they process it (受理后编辑加工)."""
    if user.is_office:
        return report.status in (ReportStatus.DRAFT, ReportStatus.SUBMITTED, ReportStatus.ACCEPTED)
    return _is_author(user, report) and report.status == ReportStatus.DRAFT


M = "opinions.opinionreport"
permissions.register(M, "view", OFFICE | PERSONS)
permissions.register(
    M, "create", PERSONS | STAFF_ONLY, reason="只有委员、顾问和工作人员可以撰写社情民意信息。"
)
permissions.register(
    M,
    "edit",
    PERSONS | STAFF_ONLY,
    check=_may_edit,
    reason="只有作者可以修改草稿；受理后由工作人员编辑。",
)
permissions.register(
    M,
    "submit",
    PERSONS | STAFF_ONLY,
    check=lambda user, report: user.is_office or _is_author(user, report),
    reason="只有作者本人或工作人员可以报送。",
)
permissions.register(M, "process", STAFF_ONLY, reason="只有工作人员可以处理社情民意信息。")
permissions.register(M, "export", OFFICE, reason="只有工作人员和领导可以导出社情民意信息。")
