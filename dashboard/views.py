"""Pages of the dashboard: the leaders' overview and, on a leader's home page, its key figures."""

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.template.loader import render_to_string

from core import permissions
from core.roles import Role
from core.text import to_traditional

from . import selectors
from .forms import OverviewFilterForm
from .models import Overview, WorkSummary


def _filters(request) -> selectors.Filters:
    """The overview's filters from the query string; an invalid value is reported and ignored."""
    form = OverviewFilterForm(request.GET or None, user=request.user)
    data = {}
    if form.is_bound:
        form.is_valid()
        data = form.cleaned_data
        for name, errors in form.errors.items():
            messages.error(request, f"{form.fields[name].label}：{errors[0]}")
    return selectors.Filters(
        year=data.get("year") or selectors.default_year(request.user),
        term=data.get("term"),
        region=data.get("region") or "",
        sector=data.get("sector"),
    )


def _traditional(value):
    """Chart labels travel as JSON (escaped), which the page's 繁體 conversion cannot see: convert them here."""
    if isinstance(value, str):
        return to_traditional(value)
    if isinstance(value, list):
        return [_traditional(v) for v in value]
    if isinstance(value, dict):
        return {k: (v if k == "url" else _traditional(v)) for k, v in value.items()}
    return value


@login_required
def overview(request):
    """领导总览: the year's figures as charts and tables; every number links to its records. Printable."""
    permissions.require(request.user, "view", Overview)
    filters = _filters(request)
    data = selectors.overview(user=request.user, filters=filters)
    charts = []
    for panel in data.panels:
        chart = panel.chart_data()
        charts.append((panel, _traditional(chart) if request.wants_traditional else chart))
    form = OverviewFilterForm(
        initial={
            "year": filters.year,
            "term": filters.term,
            "region": filters.region,
            "sector": filters.sector,
        },
        user=request.user,
    )
    from urllib.parse import urlencode

    return render(
        request,
        "dashboard/overview.html",
        {
            "data": data,
            "charts": charts,
            "filters": filters,
            "form": form,
            "show_minimums": _has_archives(),
            "can_summary": permissions.can(request.user, "view", WorkSummary),
            "query": urlencode({"year": filters.year, **filters.scope_params}),
            "cache_seconds": settings.TONGXIN_OVERVIEW_CACHE_SECONDS,
        },
    )


def _has_archives() -> bool:
    from django.apps import apps

    return apps.is_installed("archives")


@login_required
def minimums(request):
    """The overview's panel of persons below the minimums, loaded after the page (htmx): the live scoring of
    every person takes longer than the rest of the overview together."""
    from archives.selectors import NoRuleSet

    permissions.require(request.user, "view", Overview)
    filters = _filters(request)
    try:
        panel = selectors.minimums_panel(request.user, filters)
    except NoRuleSet as exc:
        return render(request, "dashboard/_no_rule_set.html", {"message": exc.message, "year": filters.year})
    chart = panel.chart_data()
    return render(
        request,
        "dashboard/_panel.html",
        {"panel": panel, "chart": _traditional(chart) if request.wants_traditional else chart},
    )


def home_section(request) -> list[dict]:
    """The `home_sections` hook: a leader's home opens on the overview's key figures (order 0)."""
    user = request.user
    if user.role != Role.LEADER or not permissions.can(user, "view", Overview):
        return []
    filters = selectors.Filters(year=selectors.default_year(user))
    figures = selectors.headline(user=user, filters=filters)
    html = render_to_string(
        "dashboard/_home_section.html", {"figures": figures, "filters": filters}, request=request
    )
    return [{"title": f"{filters.year}年履职总览", "html": html, "order": 0}]


def _summary_draft(request):
    from . import summary

    year = _filters(request).year
    org = request.user.organisation
    name = org.name if org is not None else "本委员会"
    return summary.build(user=request.user, year=year, organisation_name=name)


@login_required
def work_summary(request):
    """年度工作总结（草稿）: the draft on screen, each figure followed by its source number; the sources below."""
    permissions.require(request.user, "view", WorkSummary)
    draft = _summary_draft(request)
    return render(
        request,
        "dashboard/summary.html",
        {
            "draft": draft,
            "form": OverviewFilterForm(initial={"year": draft.year}, user=request.user),
            "can_export": permissions.can(request.user, "export", WorkSummary),
        },
    )


@login_required
def work_summary_docx(request):
    """The same draft as a Word document for staff to edit."""
    from .word import docx_response

    permissions.require(request.user, "export", WorkSummary)
    draft = _summary_draft(request)
    return docx_response(draft, f"{draft.title}.docx", traditional=request.wants_traditional)
