from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from core import permissions, pickers
from core.errors import DomainError
from core.exports import csv_response, excel_response, pdf_response, stream
from core.hooks import collect
from core.jobs import background_export
from core.pagination import paginate, query_without_page
from core.sensitive import client_ip
from core.versions import check_version, keep_version_of_conflict, version_of

from . import selectors, services
from .exports import export_columns, export_rows, log_export_reveals
from .filtersets import SORT_CHOICES
from .forms import CommitteeForm, PersonForm, PositionForm
from .identity import mask_address, mask_document
from .models import Person


def _roster(request, *, documents: bool = False):
    filterset = selectors.person_filterset(request.user, request.GET)
    filterset.is_valid()
    return filterset, selectors.person_list(request.user, request.GET, documents=documents)


@login_required
def person_list_view(request):
    permissions.require(request.user, "list", Person)
    filterset, qs = _roster(request)
    page = paginate(request, qs, per_page=20)
    user = request.user
    return render(
        request,
        "members/list.html",
        {
            "page": page,
            "filter": filterset,
            "sorts": SORT_CHOICES,
            "sort": request.GET.get("sort", ""),
            "query": query_without_page(request),
            "current_term": selectors.current_term(),
            "can_create": permissions.can(user, "create", Person),
            "can_export": permissions.can(user, "export", Person),
            "can_import": permissions.can(user, "import", Person),
            "can_merge": permissions.can(user, "merge", Person),
            "can_reveal": permissions.can(user, "reveal_sensitive", Person),
        },
    )


@login_required
def person_me(request):
    """A member's or advisor's own profile."""
    permissions.require(request.user, "view_own", Person)
    person = Person.objects.filter(user=request.user).first()
    if person is None:
        raise Http404("您的账号还没有关联委员档案，请联系工作人员。")
    return redirect("members:detail", pk=person.pk)


@login_required
def person_data(request, pk: int):
    """What the platform holds about a person, as one Excel file: members and advisors their own, staff for a
    person on request. Logged in the sensitive-data access log (one row, kind 导出)."""
    from core.sensitive import log_export

    from .persondata import person_data_response

    person = permissions.get_visible_or_404(Person, request.user, pk=pk)
    own = person.user_id is not None and person.user_id == request.user.pk
    if not own:
        permissions.require(request.user, "export_personal_data", person)
    log_export(
        user=request.user,
        objs=[person],
        fields="全部个人数据",
        detail="个人数据导出（本人下载）" if own else "个人数据导出（工作人员代为导出）",
        ip=client_ip(request),
    )
    return person_data_response(person)


def _sensitive_display(person, revealed: dict) -> dict:
    docs = revealed.get("documents")
    phones = revealed.get("phones")
    return {
        "documents": [
            {
                "kind": d.get_kind_display(),
                "number": docs[d.kind] if docs else mask_document(d.number),
                "expiry": d.expiry_date,
                "expiry_mark": d.expiry_mark,
            }
            for d in person.documents.all()
        ],
        "phones": [
            {
                "kind": p.get_kind_display(),
                "number": phones[p.pk] if phones else p.masked,
            }
            for p in person.phones.all()
        ],
        "address": revealed["address"]["address"] if "address" in revealed else mask_address(person.address),
        "revealed": set(revealed),
    }


def _detail(request, person, revealed=None):
    user = request.user
    return render(
        request,
        "members/detail.html",
        {
            "person": person,
            "sensitive": _sensitive_display(person, revealed or {}),
            "sections": collect("person_sections", request, person),
            "can_edit": permissions.can(user, "edit", person),
            "can_delete": permissions.can(user, "delete", person),
            "can_reveal": permissions.can(user, "reveal_sensitive", person),
            "can_list": permissions.can(user, "list", Person),
            "position_form": PositionForm() if permissions.can(user, "edit", person) else None,
            "committee_form": CommitteeForm(initial={"term": selectors.own_current_term(user)}, user=user)
            if permissions.can(user, "edit", person)
            else None,
        },
    )


@login_required
def person_detail(request, pk: int):
    person = selectors.person_detail(request.user, pk)
    if person.is_anonymised and not request.user.is_office:
        raise Http404
    return _detail(request, person)


@login_required
@require_POST
def person_reveal(request, pk: int):
    """Show the clear value of one protected field; the reveal is logged (who, whose, what, when)."""
    person = selectors.person_detail(request.user, pk)
    field = request.POST.get("field", "")
    fields = list(services.SENSITIVE_FIELDS) if field == "all" else [field]
    revealed = {
        f: services.person_reveal(actor=request.user, person=person, field=f, ip=client_ip(request))
        for f in fields
    }
    return _detail(request, person, revealed)


@login_required
def person_photo(request, pk: int):
    person = selectors.person_detail(request.user, pk)
    if not person.photo:
        raise Http404
    return FileResponse(person.photo.open("rb"), content_type="image/jpeg")


def _initial(person: Person) -> dict:
    doc = person.documents.first()
    return {
        "name": person.name,
        "romanised_name": person.romanised_name,
        "gender": person.gender,
        "region": person.region,
        "birth": person.birth_display.replace("年", "-").replace("月", "-").replace("日", "").strip("-"),
        "sector": person.sector_id,
        "party": person.party,
        "employer": person.employer,
        "titles": person.titles,
        "email": person.email,
        "document_kind": doc.kind if doc else "",
        "document_expiry": doc.expiry_date if doc else None,
        "tags": "、".join(t.name for t in person.tags.all()),
        "notes": person.notes,
    }


def _changes(form) -> dict:
    import re

    data = form.cleaned_data
    birth_date, precision = data["birth"]
    changes = {
        "name": data["name"],
        "romanised_name": data["romanised_name"],
        "gender": data["gender"] or "",
        "region": data["region"],
        "birth_date": birth_date,
        "sector": data["sector"],
        "party": data["party"] or "",
        "employer": data["employer"],
        "titles": data["titles"],
        "email": data["email"],
        "notes": data["notes"],
        "tags": [t for t in re.split(r"[、,，;；\s]+", data["tags"] or "") if t],
    }
    if precision:
        changes["birth_precision"] = precision
    if data["phones"].strip():
        changes["phones"] = [line for line in data["phones"].splitlines() if line.strip()]
    if data["address"].strip():
        changes["address"] = data["address"]
    if data["document_kind"] and data["document_number"].strip():
        changes["documents"] = [
            {
                "kind": data["document_kind"],
                "number": data["document_number"],
                "expiry_date": data["document_expiry"],
            }
        ]
    return changes


@login_required
def person_edit(request, pk: int | None = None):
    person = None
    if pk is None:
        permissions.require(request.user, "create", Person)
    else:
        person = selectors.person_detail(request.user, pk)
        permissions.require(request.user, "edit", person)
    if request.method == "POST":
        form = PersonForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                person = _save(request, form, person)
            except DomainError as exc:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
                keep_version_of_conflict(form, exc)
            else:
                messages.success(request, f"“{person.name}”的档案已保存。")
                return redirect("members:detail", pk=person.pk)
    else:
        form = PersonForm(initial={**_initial(person), "version": version_of(person)} if person else {})
    return render(request, "members/form.html", {"form": form, "person": person})


def _save(request, form, person):
    from django.db import transaction

    changes = _changes(form)
    role = form.cleaned_data["role"]
    with transaction.atomic():
        if person is None:
            person = services.person_create(
                actor=request.user, owner_org=request.user.organisation, **changes
            )
        else:
            check_version(person, form.cleaned_data["version"])
            person = services.person_update(actor=request.user, person=person, **changes)
        term = selectors.current_term()
        if role and term:
            services.term_role_add(person=person, term=term, role=role)
        if form.cleaned_data.get("photo"):
            services.person_set_photo(actor=request.user, person=person, upload=form.cleaned_data["photo"])
    return person


@login_required
@require_POST
def person_delete(request, pk: int):
    person = selectors.person_detail(request.user, pk)
    name = person.name
    services.person_delete(actor=request.user, person=person)
    messages.success(request, f"“{name}”的个人信息已删除（已匿名化，统计数据保留）。")
    return redirect("members:list")


@login_required
@require_POST
def position_add(request, pk: int):
    person = selectors.person_detail(request.user, pk)
    permissions.require(request.user, "edit", person)
    form = PositionForm(request.POST)
    if form.is_valid():
        try:
            services.association_position_add(person=person, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "社团职务已添加。")
    else:
        messages.error(request, "请选择社团并填写职务。")
    return redirect("members:detail", pk=person.pk)


@login_required
@require_POST
def committee_add(request, pk: int):
    person = selectors.person_detail(request.user, pk)
    permissions.require(request.user, "edit", person)
    form = CommitteeForm(request.POST, user=request.user)
    if form.is_valid():
        try:
            services.committee_membership_set(person=person, **form.cleaned_data)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(request, "专门委员会职务已保存。")
    elif "term" in form.errors:  # another CPPCC's term: say so
        messages.error(request, form.errors["term"][0])
    else:
        messages.error(request, "请选择专门委员会和职务。")
    return redirect("members:detail", pk=person.pk)


@login_required
def duplicates(request):
    permissions.require(request.user, "merge", Person)
    return render(request, "members/duplicates.html", {"groups": selectors.duplicate_groups(request.user)})


@login_required
@require_POST
def merge(request):
    permissions.require(request.user, "merge", Person)
    keep = selectors.person_detail(request.user, request.POST.get("keep"))
    drop = selectors.person_detail(request.user, request.POST.get("drop"))
    services.person_merge(actor=request.user, keep=keep, drop=drop)
    messages.success(request, f"已把重复记录合并到“{keep.name}”，相关记录已一并转移。")
    return redirect("members:detail", pk=keep.pk)


def _export_setup(request):
    permissions.require(request.user, "export", Person)
    sensitive = request.GET.get("sensitive") == "1"
    if sensitive:
        permissions.require(request.user, "reveal_sensitive", Person)
    _, qs = _roster(request, documents=True)
    return qs, sensitive


@login_required
@background_export
def export_excel(request):
    qs, sensitive = _export_setup(request)
    # Revealed numbers are logged per person first (so a sensitive export holds its persons); otherwise rows
    # are streamed in chunks.
    persons = list(qs) if sensitive else stream(qs)
    if sensitive:
        log_export_reveals(request, persons, filename="委员名册.xlsx")
    headers, widths = export_columns(sensitive)
    return excel_response(
        "委员名册.xlsx",
        "委员名册",
        headers,
        export_rows(persons, sensitive),
        widths=widths,
        traditional=request.wants_traditional,
    )


@login_required
def export_csv(request):
    qs, sensitive = _export_setup(request)
    persons = list(qs) if sensitive else stream(qs)
    if sensitive:
        log_export_reveals(request, persons, filename="委员名册.csv")
    headers, _ = export_columns(sensitive)
    return csv_response(
        "委员名册.csv", headers, export_rows(persons, sensitive), traditional=request.wants_traditional
    )


@login_required
def export_pdf(request):
    """A printable contact list (通讯录); phones masked unless the user may and asked to see them."""
    qs, sensitive = _export_setup(request)
    persons = list(qs)
    if sensitive:
        log_export_reveals(request, persons, filename="委员通讯录.pdf")
    rows = [
        {
            "person": p,
            "roles": "、".join(r.get_role_display() for r in p.shown_roles),
            "phones": "；".join((ph.display if sensitive else ph.masked) for ph in p.phone_list),
        }
        for p in persons
    ]
    return pdf_response(
        request,
        "members/contacts_pdf.html",
        {"rows": rows, "term": selectors.current_term()},
        "委员通讯录.pdf",
    )


@login_required
def person_search(request):
    """A picker's search: at most 20 persons the user may see (`?current=1`: holding a seat now), as JSON
    {"results": [{"id", "text"}]}."""
    permissions.require(request.user, "view", Person)
    found = selectors.person_search(
        request.user, request.GET.get("q", ""), current=request.GET.get("current") == "1"
    )
    return pickers.results(found, label=selectors.person_label)
