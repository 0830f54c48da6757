from ninja import Router, Schema, Status
from ninja.pagination import paginate

from core import permissions
from core.api import CappedLimitOffsetPagination, InputSchema, PatchSchema, may, record_first

from . import services
from .models import Organisation, OrgKind, OrgLevel
from .selectors import organisation_list

PREFIX = "/organisations"
router = Router(tags=["组织机构"])


class OrganisationOut(Schema):
    id: int
    name: str
    short_name: str
    aliases: str
    kind: str
    kind_label: str
    level: str
    level_label: str
    parent_id: int | None
    is_handling_unit: bool
    is_active: bool

    @staticmethod
    def resolve_kind_label(obj):
        return obj.get_kind_display()

    @staticmethod
    def resolve_level_label(obj):
        return obj.get_level_display()


class OrganisationIn(InputSchema):
    name: str
    kind: OrgKind
    level: OrgLevel = OrgLevel.NONE
    parent_id: int | None = None
    short_name: str = ""
    aliases: str = ""
    is_handling_unit: bool = False
    is_active: bool = True


class OrganisationPatch(PatchSchema):
    nullable = frozenset({"parent_id"})

    name: str | None = None
    kind: OrgKind | None = None
    level: OrgLevel | None = None
    parent_id: int | None = None
    short_name: str | None = None
    aliases: str | None = None
    is_handling_unit: bool | None = None
    is_active: bool | None = None


@router.get("", response=list[OrganisationOut], summary="机构列表")
@paginate(CappedLimitOffsetPagination)
def list_organisations(
    request,
    q: str = "",
    kind: str = "",
    level: str = "",
    parent_id: int | None = None,
    handling_units: bool = False,
):
    permissions.require(request.auth, "view", Organisation)
    return organisation_list(
        user=request.auth, q=q, kind=kind, level=level, parent_id=parent_id, handling_units=handling_units
    )


@router.get("/{org_id}", response=OrganisationOut, summary="机构详情")
def get_organisation(request, org_id: int):
    return permissions.get_visible_or_404(Organisation, request.auth, pk=org_id)


def _parent(user, parent_id):
    if parent_id is None:
        return None
    return permissions.get_visible_or_404(Organisation, user, pk=parent_id)


@router.post(
    "", response={201: OrganisationOut}, summary="新建机构（管理员）", auth=may("create", Organisation)
)
def create_organisation(request, payload: OrganisationIn):
    data = payload.dict()
    parent = _parent(request.auth, data.pop("parent_id"))
    org = services.organisation_create(actor=request.auth, parent=parent, **data)
    return Status(201, org)


@router.patch(
    "/{org_id}",
    response=OrganisationOut,
    summary="修改机构（管理员）",
    auth=record_first(
        lambda request, pk: permissions.get_visible_or_404(Organisation, request.auth, pk=pk), "edit"
    ),
)
def update_organisation(request, org_id: int, payload: OrganisationPatch):
    org = request.record
    changes = payload.dict(exclude_unset=True)
    if "parent_id" in changes:
        changes["parent"] = _parent(request.auth, changes.pop("parent_id"))
    return services.organisation_update(actor=request.auth, org=org, **changes)
