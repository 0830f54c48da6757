import datetime as dt

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from core import permissions
from core.api import CappedLimitOffsetPagination, InputSchema, PatchSchema, may, record_first
from core.errors import DomainError

from . import services
from .models import OpinionReport, ReportLevel, ReportStatus
from .selectors import report_list
from .workflows import report_workflow

PREFIX = "/opinion-reports"
router = Router(tags=["社情民意信息"])


class ReportOut(Schema):
    id: int
    number: str
    title: str
    author_id: int
    author_name: str
    status: str
    status_label: str
    situation: str
    analysis: str
    suggestion: str
    submitted_at: dt.datetime | None
    sent_up_level: str
    sent_up_to: str
    adopted_level: str
    adopted_by: str
    instruction_level: str
    instruction_leader: str
    instruction_text: str

    @staticmethod
    def resolve_author_name(obj):
        return obj.author.name

    @staticmethod
    def resolve_status_label(obj):
        return obj.get_status_display()


class ReportIn(InputSchema):
    title: str
    situation: str = ""
    analysis: str = ""
    suggestion: str = ""
    submit: bool = False


class ReportPatch(PatchSchema):
    title: str | None = None
    situation: str | None = None
    analysis: str | None = None
    suggestion: str | None = None


class TransitionIn(InputSchema):
    target: ReportStatus
    note: str = ""
    level: ReportLevel | None = None
    organisation: str = ""
    leader: str = ""
    text: str = ""
    date: dt.date | None = None


@router.get("", response=list[ReportOut], summary="社情民意信息列表")
@paginate(CappedLimitOffsetPagination)
def list_reports(
    request, q: str = "", status: str = "", level: str = "", year: int | None = None, sort: str = "new"
):
    permissions.require(request.auth, "view", OpinionReport)
    return report_list(user=request.auth, q=q, status=status, level=level, year=year, sort=sort)


def _get(request, report_id):
    return permissions.get_visible_or_404(
        OpinionReport.objects.select_related("author"), request.auth, pk=report_id
    )


@router.get("/{report_id}", response=ReportOut, summary="社情民意信息详情")
def get_report(request, report_id: int):
    return _get(request, report_id)


@router.post("", response={201: ReportOut}, summary="撰写（委员本人）", auth=may("create", OpinionReport))
def create_report(request, payload: ReportIn):
    user = request.auth
    author = getattr(user, "person", None) if user.is_person else None
    if author is None:
        raise DomainError("只有关联了委员/顾问档案的账号可以通过接口撰写社情民意信息。")
    report = services.report_create(actor=user, author=author, **payload.dict())
    return Status(201, report)


@router.patch("/{report_id}", response=ReportOut, summary="修改", auth=record_first(_get, "edit"))
def update_report(request, report_id: int, payload: ReportPatch):
    report = request.record
    fields = {f: getattr(report, f) for f in ("title", "situation", "analysis", "suggestion")}
    fields.update(payload.dict(exclude_unset=True, exclude_none=True))
    return services.report_update(actor=request.auth, report=report, **fields)


@router.post(
    "/{report_id}/transition",
    response=ReportOut,
    summary="流程操作（报送、受理、编辑完成、上报、采用、批示、未采用、退回修改）",
    auth=record_first(_get, workflow=report_workflow),
)
def transition_report(request, report_id: int, payload: TransitionIn):
    report = request.record
    data = payload.dict()
    data["level"] = data["level"] or ""
    return services.report_transition(actor=request.auth, report=report, **data)
