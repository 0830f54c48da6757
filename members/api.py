import datetime as dt
import json

from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import paginate

from core import permissions
from core.api import CappedLimitOffsetPagination, InputSchema, PatchSchema, may, record_first
from core.errors import DomainError

from . import selectors, services
from .models import DocumentKind, Gender, Party, Person, Region, Term

PREFIX = "/"
router = Router(tags=["委员库"])


class RoleOut(Schema):
    term: int
    role: str
    role_label: str


class PersonOut(Schema):
    """A person as the API shows it: phones and document numbers are always masked here."""

    id: int
    name: str
    romanised_name: str
    gender: str
    region: str
    region_label: str
    birth_date: dt.date | None
    birth_precision: str
    sector: str
    party: str
    employer: str
    titles: str
    email: str
    roles: list[RoleOut]
    tags: list[str]
    phones: list[str]
    documents: list[str]
    committees: list[str]
    associations: list[str]

    @staticmethod
    def resolve_region_label(obj):
        return obj.get_region_display()

    @staticmethod
    def resolve_sector(obj):
        return obj.sector.name if obj.sector else ""

    @staticmethod
    def resolve_roles(obj):
        roles = getattr(obj, "shown_roles", None)
        roles = roles if roles is not None else obj.term_roles.all()
        return [{"term": r.term.number, "role": r.role, "role_label": r.get_role_display()} for r in roles]

    @staticmethod
    def resolve_tags(obj):
        return [t.name for t in obj.tags.all()]

    @staticmethod
    def resolve_phones(obj):
        phones = getattr(obj, "phone_list", None)
        return [p.masked for p in (phones if phones is not None else obj.phones.all())]

    @staticmethod
    def resolve_documents(obj):
        docs = getattr(obj, "document_list", None)
        return [
            f"{d.get_kind_display()} {d.masked}" for d in (docs if docs is not None else obj.documents.all())
        ]

    @staticmethod
    def resolve_committees(obj):
        items = getattr(obj, "committee_list", None)
        items = items if items is not None else obj.committee_memberships.all()
        return [f"{m.committee.display_name}{m.get_position_display()}" for m in items]

    @staticmethod
    def resolve_associations(obj):
        items = getattr(obj, "association_list", None)
        items = items if items is not None else obj.association_positions.all()
        return [f"{a.organisation.display_name}{a.title}" for a in items]


class DocumentIn(InputSchema):
    kind: DocumentKind
    number: str
    expiry_date: dt.date | None = None


class PersonIn(InputSchema):
    name: str
    romanised_name: str = ""
    gender: Gender = Gender.UNKNOWN
    region: Region = Region.HONG_KONG
    birth_date: dt.date | None = None
    sector: str = ""
    party: Party = Party.UNKNOWN
    employer: str = ""
    titles: str = ""
    email: str = ""
    address: str = ""
    notes: str = ""
    tags: list[str] = []
    phones: list[str] = []
    documents: list[DocumentIn] = []


class PersonPatch(PatchSchema):
    nullable = frozenset({"birth_date"})

    name: str | None = None
    romanised_name: str | None = None
    gender: Gender | None = None
    region: Region | None = None
    birth_date: dt.date | None = None
    sector: str | None = None
    party: Party | None = None
    employer: str | None = None
    titles: str | None = None
    email: str | None = None
    address: str | None = None
    notes: str | None = None
    tags: list[str] | None = None
    phones: list[str] | None = None
    documents: list[DocumentIn] | None = None


class TermOut(Schema):
    id: int
    number: int
    label: str
    cppcc: str
    start_date: dt.date
    end_date: dt.date
    is_current: bool
    person_count: int

    @staticmethod
    def resolve_label(obj):
        return str(obj)

    @staticmethod
    def resolve_cppcc(obj):
        return obj.cppcc.name


def _changes(data: dict) -> dict:
    if "documents" in data and data["documents"] is not None:
        data["documents"] = [dict(d) for d in data["documents"]]
    if data.get("sector") is not None:
        data["sector"] = services.sector_for_name(data["sector"]) if data["sector"].strip() else None
    return {k: v for k, v in data.items() if v is not None or k in ("birth_date", "sector")}


@router.get("members", response=list[PersonOut], summary="委员/顾问列表（筛选同名册页面）")
@paginate(CappedLimitOffsetPagination)
def list_members(
    request,
    q: str = "",
    term: int | None = None,
    role: str = "",
    region: str = "",
    sector: int | None = None,
    committee: int | None = None,
    association: int | None = None,
    tag: int | None = None,
    sort: str = "",
):
    permissions.require(request.auth, "list", Person)
    return selectors.person_list(request.auth, request.GET)


@router.get("members/{int:person_id}", response=PersonOut, summary="委员/顾问详情")
def get_member(request, person_id: int):
    return selectors.person_detail(request.auth, person_id)


@router.post("members", response={201: PersonOut}, summary="新增委员/顾问", auth=may("create", Person))
def create_member(request, payload: PersonIn):
    data = _changes(payload.dict())
    person = services.person_create(actor=request.auth, owner_org=request.auth.organisation, **data)
    return Status(201, selectors.person_detail(request.auth, person.pk))


@router.patch(
    "members/{int:person_id}",
    response=PersonOut,
    summary="修改委员/顾问",
    auth=record_first(lambda request, pk: selectors.person_detail(request.auth, pk), "edit"),
)
def update_member(request, person_id: int, payload: PersonPatch):
    person = request.record
    data = payload.dict(exclude_unset=True)
    services.person_update(actor=request.auth, person=person, **_changes(data))
    return selectors.person_detail(request.auth, person_id)


@router.get("terms", response=list[TermOut], summary="届次列表")
def list_terms(request):
    permissions.require(request.auth, "view", Term)
    return selectors.term_list(request.auth)


@router.post(
    "members/import",
    response=dict,
    summary="导入名册（Excel，先试运行）",
    auth=may("import", Person),
)
def import_members(
    request,
    file: File[UploadedFile],
    dry_run: Form[bool] = True,
    term: Form[int | None] = None,
    skip_errors: Form[bool] = False,
    mapping: Form[str] = "",
):
    """`dry_run=true` (default) returns each row's fate without writing; `dry_run=false` writes all valid rows
    in one transaction (refused while rows have errors, unless `skip_errors=true`). `mapping` corrects the
    column mapping as JSON: {"3": "phone", "5": ""}."""
    from core.uploads import EXCEL, validate_upload

    from .importer import MAX_BYTES

    upload = validate_upload(file, kinds=(EXCEL,), max_bytes=MAX_BYTES)
    term_obj = None
    if term is not None:
        term_obj = Term.objects.filter(number=term).order_by("-is_current").first()
        if term_obj is None:
            raise DomainError(f"没有第 {term} 届。", field="term")
    else:
        term_obj = selectors.current_term()
    try:
        parsed = {int(k): v for k, v in json.loads(mapping).items()} if mapping.strip() else None
    except (ValueError, AttributeError):
        raise DomainError('mapping 应为 JSON 对象，如 {"3": "phone"}。', field="mapping")
    analysis, counts = services.roster_import(
        actor=request.auth,
        data=upload.read(),
        filename=upload.name,
        owner_org=request.auth.organisation,
        term=term_obj,
        mapping=parsed,
        dry_run=dry_run,
        skip_errors=skip_errors,
    )
    return {**analysis.as_dict(), "committed": counts is not None, "result": counts}
