"""JSON API of the archives (issue 9 item 9, a fixed contract; fields may be added):

- `GET /api/v1/stats/performance?year=Y` (term, region, sector): the statistics table, one item per person;
- `GET /api/v1/archives/{person_id}?year=Y`: one person's archive: score, grade, rule set, the breakdown whose
  points add up to the score, unmet minimums and the records behind every count;
- `GET/POST /api/v1/donations`, `GET/PATCH /api/v1/donations/{id}`: the donations and volunteer ledger.

Numbers come from the same `performance_table` / `person_archive` as the pages, so the API agrees with the
statistics page and the archive by construction. Amounts and scores are JSON numbers (元 with at most two
decimals). Order of refusals as everywhere: permission (403) or invisible (404) before input (422); a
donation the ledger's rules refuse (negative or absurd amount, shares that do not add up …) is a 422 with the
service's Chinese message and the field.
"""

import datetime as dt
from decimal import Decimal

from ninja import Router, Schema, Status
from ninja.pagination import paginate

from core import permissions
from core.api import CappedLimitOffsetPagination, InputSchema, PatchSchema, path_id, permission_first
from core.errors import DomainError
from members.models import Person
from organisations.models import Organisation

from . import items as catalogue
from . import selectors, services
from .models import Archive, Donation, DonorKind, Programme

PREFIX = ""
router = Router(tags=["履职档案与统计"])


class Invalid(DomainError):
    """A request the ledger's rules refuse: 422 like any other invalid input."""

    status_code = 422


def _number(value) -> float | int:
    value = Decimal(value or 0)
    return int(value) if value == value.to_integral_value() else float(value)


def _require(perm: str, model):
    """`auth=`: the permission on the model is checked before the query or body is parsed."""

    def check(request, **_):
        permissions.require(request.auth, perm, model)

    return permission_first(check)


# ---- Statistics ------------------------------------------------------------------------------------------


class MinimumOut(Schema):
    label: str
    required: float
    actual: float
    description: str


class PerformanceOut(Schema):
    person_id: int
    name: str
    region: str
    region_label: str
    sector: str
    activities_invited: int
    activities_attended: int
    activities_leave: int
    activities_absent: int
    plenary_attended: int
    proposals_lead: int
    proposals_cosigned: int
    proposals_filed: int
    opinion_reports_submitted: int
    opinion_reports_adopted: int
    speeches: int
    research_outputs: int
    requests_solved: int
    visits_received: int
    donations_amount: float
    volunteer_hours: float
    trees_planted: int
    score: float
    grade: str
    unmet_minimums: list[MinimumOut]
    items: dict[str, float]


def _unmet(result) -> list[dict]:
    return [
        {
            "label": u.label,
            "required": _number(u.required),
            "actual": _number(u.actual),
            "description": u.description,
        }
        for u in result.unmet
    ]


def performance_row(person, counts, result) -> dict:
    """One person's line of the API's statistics, from the catalogue's counts (definitions: the issue's
    contract and docs/architecture.md): activities count plenary sittings too; leave is requested or
    approved; adopted reports at any level."""

    def c(code, role="lead"):
        return counts.get(code, role)

    return {
        "person_id": person.pk,
        "name": person.name,
        "region": person.region,
        "region_label": person.get_region_display() if person.region else "",
        "sector": person.sector.name if person.sector_id else "",
        "activities_invited": c("activity_invited"),
        "activities_attended": c("activity_attended") + c("plenary_half_day"),
        "activities_leave": c("activity_leave") + c("plenary_leave"),
        "activities_absent": c("activity_absent") + c("plenary_absent"),
        "plenary_attended": c("plenary_half_day"),
        "proposals_lead": c("proposal_lead"),
        "proposals_cosigned": c("proposal_cosigned"),
        "proposals_filed": c("proposal_filed"),
        "opinion_reports_submitted": c("opinion_submitted"),
        "opinion_reports_adopted": sum(
            c(f"opinion_adopted_{lv}") for lv in ("national", "provincial", "city")
        ),
        "speeches": c("speech"),
        "research_outputs": c("research_output"),
        "requests_solved": c("request_resolved"),
        "visits_received": c("visit_received"),
        "donations_amount": _number(c("donation_amount")),
        "volunteer_hours": _number(c("volunteer_hours")),
        "trees_planted": c("trees_planted"),
        "score": _number(result.score),
        "grade": result.grade,
        "unmet_minimums": _unmet(result),
        "items": _items(counts),
    }


def _items(counts) -> dict:
    """Every catalogue item's count as the statistics page's columns name them (`proposal_filed`, and
    `proposal_filed__cosigned` for the co-signer part of a shared item)."""
    out = {}
    for item in catalogue.ITEMS_LIST:
        out[item.code] = _number(counts.get(item.code))
        if item.shared:
            out[f"{item.code}__cosigned"] = _number(counts.get(item.code, "cosigned"))
    return out


def _filters(user, *, term, region, sector) -> dict:
    """The roster's filters, refused with a Chinese 422 when a value is unknown (the page ignores them; an
    API client must not get the whole committee by a typo)."""
    from members.selectors import person_filterset

    params = {
        k: str(v) for k, v in (("term", term), ("region", region), ("sector", sector)) if v not in (None, "")
    }
    if params:
        filterset = person_filterset(user, params)
        if not filterset.is_valid():
            name = next(iter(filterset.errors))
            label = {"term": "届次", "region": "地区", "sector": "界别"}.get(name, name)
            raise Invalid(f"筛选条件“{label}”的取值不存在。", field=name)
    return params


@router.get(
    "/stats/performance",
    response=list[PerformanceOut],
    summary="履职情况统计（每人一行）",
    auth=_require("statistics", Archive),
)
@paginate(CappedLimitOffsetPagination)
def performance(
    request, year: int | None = None, term: int | None = None, region: str = "", sector: int | None = None
):
    """Every person of the user's committee with the year's counts, score, grade and unmet minimums, in
    roster order (pinyin). 404 with a Chinese message when the year has no scoring rules."""
    user = request.auth
    year = year if year is not None else selectors.default_year(user)
    params = _filters(user, term=term, region=region, sector=sector)
    table = selectors.performance_table(user, year=year, filters=params)
    return [performance_row(r.person, r.counts, r.result) for r in table.rows]


# ---- One person's archive --------------------------------------------------------------------------------


class RuleSetOut(Schema):
    id: int
    name: str
    year: int
    version: int
    owner_org: str


class LineOut(Schema):
    item: str
    label: str
    unit: str
    count: float
    cosigned: int
    points: float
    rule: str
    explanation: str
    capped: bool


class RecordOut(Schema):
    date: dt.date | None
    title: str
    url: str
    note: str
    value: float | None


class EntryOut(Schema):
    group: str
    item: str
    role: str
    label: str
    unit: str
    count: float
    records: list[RecordOut]


class ArchiveOut(Schema):
    person_id: int
    name: str
    year: int
    score: float
    grade: str
    rule_set: RuleSetOut
    breakdown: list[LineOut]
    unmet_minimums: list[MinimumOut]
    records: list[EntryOut]


def _archive_person(request, person_id, **_):
    """Members and advisors only themselves, staff and leaders the persons they may see (404 otherwise);
    units and partners have no archives (403)."""
    permissions.require(request.auth, "view", Archive)
    request._person = permissions.get_visible_or_404(
        Person.objects.select_related("sector", "owner_org"), request.auth, pk=path_id(person_id)
    )


@router.get(
    "/archives/{person_id}",
    response=ArchiveOut,
    summary="委员履职档案（积分明细与记录）",
    auth=permission_first(_archive_person),
)
def person_archive(request, person_id: int, year: int | None = None):
    person = request._person
    year = year if year is not None else selectors.default_year(request.auth)
    a = selectors.person_archive(request.auth, person, year=year)
    rs = a.rule_set
    return {
        "person_id": person.pk,
        "name": person.name,
        "year": year,
        "score": _number(a.score),
        "grade": a.grade,
        "rule_set": {
            "id": rs.pk,
            "name": rs.name,
            "year": rs.year,
            "version": rs.version,
            "owner_org": rs.owner_org.display_name,
        },
        "breakdown": [
            {
                "item": line.item.code,
                "label": line.item.label,
                "unit": line.item.unit,
                "count": _number(line.count),
                "cosigned": line.cosigned,
                "points": _number(line.points),
                "rule": line.rule.describe() if line.rule else "",
                "explanation": line.explanation,
                "capped": line.capped,
            }
            for line in a.result.lines
        ],
        "unmet_minimums": _unmet(a.result),
        "records": [
            {
                "group": group,
                "item": e.column.item.code,
                "role": e.column.role,
                "label": e.column.label,
                "unit": e.column.item.unit,
                "count": _number(e.count),
                "records": [
                    {
                        "date": r.date,
                        "title": r.title,
                        "url": r.url,
                        "note": r.note,
                        "value": None if r.value is None else _number(r.value),
                    }
                    for r in e.records
                ],
            }
            for group, entries in a.groups
            for e in entries
        ],
    }


# ---- Donations -------------------------------------------------------------------------------------------


class ShareOut(Schema):
    person_id: int
    name: str
    amount: float
    volunteer_hours: float
    trees: int


class OrgOut(Schema):
    id: int
    name: str


class DonationOut(Schema):
    id: int
    date: dt.date
    donor_kind: str
    donor_kind_label: str
    donor_org: OrgOut | None
    shares: list[ShareOut]
    amount: float
    volunteer_hours: float
    trees: int
    programme: str
    programme_label: str
    recipient: str
    place: str
    description: str
    activity_id: int | None
    verified: bool
    verified_at: dt.datetime | None
    verified_by: str


def donation_out(d: Donation) -> dict:
    return {
        "id": d.pk,
        "date": d.date,
        "donor_kind": d.donor_kind,
        "donor_kind_label": d.get_donor_kind_display(),
        "donor_org": {"id": d.donor_org_id, "name": d.donor_org.name} if d.donor_org_id else None,
        "shares": [
            {
                "person_id": s.person_id,
                "name": s.person.name,
                "amount": _number(s.amount),
                "volunteer_hours": _number(s.volunteer_hours),
                "trees": s.trees,
            }
            for s in d.shares.all()
        ],
        "amount": _number(d.amount),
        "volunteer_hours": _number(d.volunteer_hours),
        "trees": d.trees,
        "programme": d.programme,
        "programme_label": d.get_programme_display(),
        "recipient": d.recipient,
        "place": d.place,
        "description": d.description,
        "activity_id": d.activity_id,
        "verified": d.verified_at is not None,
        "verified_at": d.verified_at,
        "verified_by": d.verified_by.display_name if d.verified_by_id else "",
    }


class ShareIn(InputSchema):
    person_id: int
    amount: Decimal = Decimal(0)
    volunteer_hours: Decimal = Decimal(0)
    trees: int = 0


class DonationIn(InputSchema):
    donor_kind: DonorKind
    programme: Programme
    recipient: str
    date: dt.date
    amount: Decimal = Decimal(0)
    volunteer_hours: Decimal = Decimal(0)
    trees: int = 0
    place: str = ""
    description: str = ""
    shares: list[ShareIn] = []
    donor_org_id: int | None = None
    activity_id: int | None = None


class DonationPatch(PatchSchema):
    nullable = frozenset({"donor_org_id", "activity_id"})  # unlink the association or the activity

    donor_kind: DonorKind | None = None
    programme: Programme | None = None
    recipient: str | None = None
    date: dt.date | None = None
    amount: Decimal | None = None
    volunteer_hours: Decimal | None = None
    trees: int | None = None
    place: str | None = None
    description: str | None = None
    shares: list[ShareIn] | None = None
    donor_org_id: int | None = None
    activity_id: int | None = None


def _shares(user, shares: list[dict]) -> list[dict]:
    out = []
    for s in shares:
        person = Person.objects.visible_to(user).filter(pk=s["person_id"], anonymised_at__isnull=True).first()
        if person is None:
            raise Invalid("找不到所选的委员或顾问。", field="shares")
        out.append({"person": person, **{k: s.get(k) or 0 for k in ("amount", "volunteer_hours", "trees")}})
    return out


def _donor_org(pk: int | None):
    if pk is None:
        return None
    org = Organisation.objects.filter(pk=pk).first()
    if org is None:
        raise Invalid("捐赠社团/机构不存在。", field="donor_org_id")
    return org


def _activity(user, pk: int | None):
    from activities.selectors import activity_list

    if pk is None:
        return None
    activity = activity_list(user=user, counts=False).filter(pk=pk).first()
    if activity is None:
        raise Invalid("找不到所选的活动。", field="activity_id")
    return activity


def _changes(user, data: dict) -> dict:
    """Request fields → the service's keyword arguments (ids become visible objects)."""
    out = {k: v for k, v in data.items() if k not in ("shares", "donor_org_id", "activity_id")}
    for key in ("donor_kind", "programme"):
        if key in out and out[key] is not None:
            out[key] = str(getattr(out[key], "value", out[key]))
    if "shares" in data:
        out["shares"] = _shares(user, data["shares"] or [])
    if "donor_org_id" in data:
        out["donor_org"] = _donor_org(data["donor_org_id"])
    if "activity_id" in data:
        out["activity"] = _activity(user, data["activity_id"])
    return out


def _unprocessable(call):
    """Run a ledger service; its refusals of the input (400) are 422 here, permission refusals stay 403."""
    try:
        return call()
    except DomainError as exc:
        if exc.status_code != 400:
            raise
        raise Invalid(exc.message, field=exc.field)


def _detail(user, pk) -> Donation:
    return selectors.donation_detail(user, path_id(pk))


@router.get(
    "/donations",
    response=list[DonationOut],
    summary="捐赠与志愿服务台账",
    auth=_require("view", Donation),
)
@paginate(CappedLimitOffsetPagination)
def list_donations(
    request,
    q: str = "",
    programme: str = "",
    year: int | None = None,
    verified: str = "",
    person: int | None = None,
):
    """Filters as on the page: q (受赠方、地点、委员、社团), programme, year, verified ("yes" / "no"), person.
    Members and advisors see the donations they have a share in."""
    qs = selectors.donation_list(
        request.auth, q=q, programme=programme, year=year, verified=verified, person=person
    ).order_by("-date", "-id")
    return [donation_out(d) for d in qs]


@router.get("/donations/{donation_id}", response=DonationOut, summary="捐赠记录详情")
def get_donation(request, donation_id: int):
    donation = _detail(request.auth, donation_id)
    permissions.require(request.auth, "view", donation)
    return donation_out(donation)


@router.post(
    "/donations",
    response={201: DonationOut},
    summary="登记捐赠或志愿服务（核实后计入档案）",
    auth=_require("create", Donation),
)
def create_donation(request, payload: DonationIn):
    user = request.auth
    kwargs = _changes(user, payload.dict())
    donation = _unprocessable(lambda: services.donation_create(actor=user, **kwargs))
    return Status(201, donation_out(_detail(user, donation.pk)))


def _editable(request, donation_id, **_):
    request._donation = _detail(request.auth, donation_id)
    permissions.require(request.auth, "edit", request._donation)


@router.patch(
    "/donations/{donation_id}",
    response=DonationOut,
    summary="修改捐赠记录（修改后需重新核实）",
    auth=permission_first(_editable),
)
def update_donation(request, donation_id: int, payload: DonationPatch):
    user = request.auth
    data = payload.dict(exclude_unset=True)
    kwargs = _changes(user, data)
    _unprocessable(lambda: services.donation_update(actor=user, donation=request._donation, **kwargs))
    return donation_out(_detail(user, donation_id))


@router.post(
    "/donations/{donation_id}/verify",
    response=DonationOut,
    summary="核实捐赠记录（核实后计入档案和统计）",
)
def verify_donation(request, donation_id: int):
    user = request.auth
    services.donation_verify(actor=user, donation=_detail(user, donation_id))
    return donation_out(_detail(user, donation_id))
