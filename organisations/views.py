from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render

from core import permissions, pickers
from core.errors import DomainError
from core.exports import excel_response, stream
from core.forms import add_domain_error
from core.hooks import collect
from core.jobs import background_export
from core.pagination import paginate, query_without_page
from core.sorting import apply_sort

from . import services
from .forms import OrganisationForm
from .models import Organisation, OrgKind, OrgLevel
from .selectors import organisation_list, organisation_search

_FILTERS = ("q", "kind", "level")
_SORTS = {
    "path": "path",
    "name": "name",
    "short_name": "short_name",
    "kind": ("kind", "path"),
    "level": ("level", "path"),
    "parent": ("parent__name", "path"),
}


def _filtered(request):
    params = {k: request.GET.get(k, "").strip() for k in _FILTERS}
    return params, organisation_list(user=request.user, **params)


@login_required
def organisation_list_view(request):
    permissions.require(request.user, "view", Organisation)
    params, qs = _filtered(request)
    qs, sort = apply_sort(qs, request, _SORTS, "path")
    page = paginate(request, qs, per_page=50)
    return render(
        request,
        "organisations/list.html",
        {
            "page": page,
            "params": params,
            "sort": sort,
            "kinds": OrgKind.choices,
            "levels": OrgLevel.choices,
            "query": query_without_page(request),
            "can_create": permissions.can(request.user, "create", Organisation),
            "can_export": permissions.can(request.user, "export", Organisation),
        },
    )


@login_required
@background_export
def organisation_export(request):
    permissions.require(request.user, "export", Organisation)
    _, qs = _filtered(request)
    qs, _ = apply_sort(qs, request, _SORTS, "path")
    rows = (
        (
            o.name,
            o.short_name,
            o.get_kind_display(),
            o.get_level_display(),
            o.parent.name if o.parent else "",
            o.aliases,
            "是" if o.is_handling_unit else "否",
        )
        for o in stream(qs)
    )
    return excel_response(
        "组织机构.xlsx",
        "组织机构",
        ["全称", "简称", "类别", "层级", "上级机构", "别名", "承办单位"],
        rows,
        widths=[36, 16, 12, 10, 30, 30, 10],
        traditional=request.wants_traditional,
    )


@login_required
def organisation_detail(request, pk: int):
    org = permissions.get_visible_or_404(Organisation.objects.select_related("parent"), request.user, pk=pk)
    children = org.children.order_by("path")
    return render(
        request,
        "organisations/detail.html",
        {
            "org": org,
            "children": children,
            "can_edit": permissions.can(request.user, "edit", org),
            "sections": collect("organisation_sections", request, org),
        },
    )


@login_required
def organisation_edit(request, pk: int | None = None):
    org = None
    if pk is None:
        permissions.require(request.user, "create", Organisation)
    else:
        org = permissions.get_visible_or_404(Organisation, request.user, pk=pk)
        permissions.require(request.user, "edit", org)
    if request.method == "POST":
        form = OrganisationForm(request.POST)
        if form.is_valid():
            try:
                if org is None:
                    org = services.organisation_create(actor=request.user, **form.cleaned_data)
                else:
                    org = services.organisation_update(actor=request.user, org=org, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"机构“{org.name}”已保存。")
                return redirect("organisations:detail", pk=org.pk)
    else:
        initial = {"is_active": True, "level": OrgLevel.NONE}
        if org is not None:
            initial = {
                f: getattr(org, f)
                for f in (
                    "name",
                    "short_name",
                    "aliases",
                    "kind",
                    "level",
                    "parent",
                    "is_handling_unit",
                    "is_active",
                )
            }
        form = OrganisationForm(initial=initial)
    return render(request, "organisations/form.html", {"form": form, "org": org})


@login_required
def organisation_search_view(request):
    """A picker's search: at most 20 bodies (`?units=1`: handling units only; `?kinds=cppcc,committee`: of
    those kinds only) as JSON."""
    permissions.require(request.user, "view", Organisation)
    found = organisation_search(
        request.user,
        request.GET.get("q", ""),
        handling_units=request.GET.get("units") == "1",
        kinds=request.GET.get("kinds", "").split(",")[:10],
    )
    return pickers.results(found, label=lambda org: org.display_name)
