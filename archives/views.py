"""Pages of the archive: statistics, a person's archive (and PDF), the records behind a number, rule sets and
their editor, the donations ledger, year-end closing. Views parse input, check permissions and call one
selector or service."""

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import permissions
from core.actions import run_and_tell
from core.errors import DomainError
from core.exports import excel_response
from core.forms import add_domain_error
from core.pagination import paginate, query_without_page
from members.models import Person

from . import selectors, services
from .forms import GradeFormSet, MinimumForm, RuleItemForm, RuleSetCreateForm, RuleSetForm, bands_text
from .models import Archive, Donation, Minimum, RuleItem, RuleSet
from .scoring import fmt
from .selectors import NoRuleSet


def _year(request) -> int:
    return selectors.parse_year(request.GET.get("year"), selectors.default_year(request.user))


def _no_rule_set(request, exc: NoRuleSet, *, title: str):
    can_create = permissions.can(request.user, "create", RuleSet)
    return render(
        request,
        "archives/no_rule_set.html",
        {"title": title, "message": exc.message, "year": exc.year, "can_create": can_create},
        status=200,
    )


def _person_for_archive(request, pk: int) -> Person:
    """The person whose archive is asked for: members and advisors only themselves; staff and leaders the
    persons they may see; missing and forbidden look the same (404)."""
    permissions.require(request.user, "view", Archive)
    return permissions.get_visible_or_404(
        Person.objects.select_related("sector", "owner_org"), request.user, pk=pk
    )


# ---- Statistics -------------------------------------------------------------------------------------------

FILTER_FIELDS = ("q", "term", "role", "region", "sector", "committee")


def _filter_form(request):
    from members.selectors import person_filterset

    form = person_filterset(request.user, request.GET).form
    return [form[name] for name in FILTER_FIELDS]


def _cell(value, is_amount: bool) -> str:
    return fmt(value) if is_amount else str(value)


@login_required
def statistics(request):
    """履职情况统计表: persons × items for a year, filtered, sorted by any column, every number a link."""
    user = request.user
    permissions.require(user, "statistics", Archive)
    year = _year(request)
    all_items = request.GET.get("all") == "1"
    try:
        table = selectors.performance_table(user, year=year, filters=request.GET, all_items=all_items)
    except NoRuleSet as exc:
        return _no_rule_set(request, exc, title="履职统计")
    rows, sort = selectors.sort_rows(table, request.GET.get("sort", "name"))
    unmet = request.GET.get("unmet", "").strip()
    if unmet:  # persons below the minimums: any of them ("any"), or the one with this label
        rows = [r for r in rows if any(unmet in ("any", u.label) for u in r.unmet)]
    if request.GET.get("export") == "xlsx":
        permissions.require(user, "export", Archive)
        return _statistics_excel(request, table, rows)
    page = paginate(request, rows, per_page=50)
    base = reverse("archives:records")
    shown = []
    for row in page.object_list:
        cells = []
        for col in table.columns:
            value = row.value(col)
            url = f"{base}?person={row.person.pk}&item={col.item.code}&role={col.role}&year={year}"
            cells.append((_cell(value, col.item.is_amount), url, bool(value)))
        shown.append(
            {
                "row": row,
                "cells": cells,
                "score": fmt(row.score),
                "url": reverse("archives:person", args=[row.person.pk]) + f"?year={year}",
            }
        )
    return render(
        request,
        "archives/statistics.html",
        {
            "table": table,
            "page": page,
            "rows": shown,
            "year": year,
            "years": _years(user, year),
            "sort": sort,
            "query": query_without_page(request),
            "filters": _filter_form(request),
            "all_items": all_items,
            "unmet": unmet,
            "minimums": [m.label for m in table.rules.minimums],
            "totals": [_cell(table.totals[c.key], c.item.is_amount) for c in table.columns],
            "averages": [fmt(table.averages[c.key]) for c in table.columns],
            "can_export": permissions.can(user, "export", Archive),
            "can_rules": permissions.can(user, "view", RuleSet),
            "export_query": _with(request, export="xlsx"),
        },
    )


def _with(request, **params) -> str:
    q = request.GET.copy()
    q.pop("page", None)
    for k, v in params.items():
        q[k] = v
    return q.urlencode()


def _years(user, year: int) -> list[int]:
    from django.utils import timezone

    years = set(RuleSet.objects.visible_to(user).values_list("year", flat=True)) if user.is_office else set()
    this = timezone.localdate().year
    years.update({year, this, this - 1})
    return sorted(years, reverse=True)


def _statistics_excel(request, table, rows):
    headers = ["姓名", "地区", "界别"] + [f"{c.label}（{c.item.unit}）" for c in table.columns]
    headers += ["总分", "等级", "未达到的最低要求"]

    def number(value):
        if isinstance(value, Decimal):
            return int(value) if value == value.to_integral_value() else float(value)
        return value

    def lines():
        for r in rows:
            p = r.person
            yield [
                p.name,
                p.get_region_display(),
                p.sector.name if p.sector else "",
                *[number(r.value(c)) for c in table.columns],
                number(r.score),
                r.grade,
                "；".join(f"{u.label}（{fmt(u.actual)}/{fmt(u.required)}）" for u in r.unmet),
            ]
        yield [
            "合计",
            "",
            "",
            *[number(table.totals[c.key]) for c in table.columns],
            number(table.score_total),
            "",
            f"{table.unmet_count} 人未达到",
        ]
        yield [
            "平均",
            "",
            "",
            *[number(table.averages[c.key]) for c in table.columns],
            number(table.score_average),
            "",
            "",
        ]

    return excel_response(
        f"履职情况统计表_{table.period.year}.xlsx",
        f"{table.period.year}年度履职统计",
        headers,
        lines(),
        widths=[12, 8, 12] + [12] * len(table.columns) + [8, 8, 30],
        traditional=getattr(request, "wants_traditional", False),
    )


@login_required
def records(request):
    """The records behind one number of the statistics table: person × item × year (and role)."""
    try:
        pk = int(request.GET.get("person", ""))
    except ValueError:
        raise Http404("未找到该记录，或您无权查看。")
    person = _person_for_archive(request, pk)
    year = _year(request)
    role = "cosigned" if request.GET.get("role") == "cosigned" else "lead"
    try:
        item, rows = selectors.item_records(person, year=year, code=request.GET.get("item", ""), role=role)
    except DomainError:
        raise Http404("未找到该记录，或您无权查看。")
    column = selectors.Column(item, role if item.shared else "lead")
    total = sum((r.value for r in rows if r.value is not None), 0) if item.is_amount else len(rows)
    return render(
        request,
        "archives/records.html",
        {"person": person, "year": year, "item": item, "column": column, "rows": rows, "total": fmt(total)},
    )


# ---- A person's archive -----------------------------------------------------------------------------------


@login_required
def my_archive(request):
    person = getattr(request.user, "person", None) if request.user.is_person else None
    if person is None:
        raise Http404("您的账号没有关联委员或顾问档案。")
    url = reverse("archives:person", args=[person.pk])
    if request.GET.get("year"):
        url += f"?year={request.GET['year']}"
    return redirect(url)


def _archive_of(request, pk: int):
    """(person, year, archive, None) for the page and its PDF, or (…, None, the no-rules page)."""
    person = _person_for_archive(request, pk)
    year = _year(request)
    try:
        return person, year, selectors.person_archive(request.user, person, year=year), None
    except NoRuleSet as exc:
        return person, year, None, _no_rule_set(request, exc, title=f"{person.name}的履职档案")


@login_required
def person_archive(request, pk: int):
    """一人一档: a person's archive of a year, every counted record grouped, each linking to its source."""
    person, year, archive, message = _archive_of(request, pk)
    if message is not None:
        return message
    return render(
        request,
        "archives/person.html",
        {
            "a": archive,
            "person": person,
            "year": year,
            "years": _years(request.user, year),
            "office": request.user.is_office,
            "can_rules": permissions.can(request.user, "view", RuleSet),
        },
    )


@login_required
def person_archive_pdf(request, pk: int):
    """The archive as a formatted PDF, 简 or 繁 (the reader's preference, or `?script=hant`); the same
    permission as the page."""
    from django.http import HttpResponse

    from core.exports import _disposition

    from . import pdf

    _, _, archive, message = _archive_of(request, pk)
    if message is not None:
        return message
    traditional = pdf.wants_traditional(request)
    content = pdf.archive_pdf(archive, traditional=traditional, base_url=request.build_absolute_uri("/"))
    response = HttpResponse(content, content_type="application/pdf")
    response["Content-Disposition"] = _disposition(pdf.archive_filename(archive, traditional=traditional))
    return response


@login_required
def person_archived_pdf(request, pk: int):
    """The PDF stored when the year was closed (what the archive said that day), for whoever may open the
    archive page."""
    from django.http import FileResponse

    person = _person_for_archive(request, pk)
    year = _year(request)
    snapshot = selectors.closed_archive(request.user, person, year=year)
    if snapshot is None:
        raise Http404("该年度尚未归档。")
    from . import pdf

    name = f"{person.name}_{year}年度履职档案（归档）.pdf"
    if pdf.wants_traditional(request):
        from core.text import to_traditional

        name = to_traditional(name)
    return FileResponse(snapshot.pdf.open("rb"), as_attachment=True, filename=name)


# ---- Rule sets --------------------------------------------------------------------------------------------


@login_required
def rule_sets(request):
    user = request.user
    permissions.require(user, "view", RuleSet)
    sets = list(selectors.rule_sets_visible(user))
    form = None
    if permissions.can(user, "create", RuleSet):
        from django.utils import timezone

        latest = sets[0] if sets else None
        next_year = max(timezone.localdate().year, (latest.year + 1) if latest else 0)
        if request.method == "POST":
            form = RuleSetCreateForm(request.POST, rule_sets=selectors.rule_sets_visible(user))
            if form.is_valid():
                data = form.cleaned_data
                try:
                    if data["start"] == "default":
                        rule_set = services.rule_set_create_default(actor=user, year=data["year"])
                    else:
                        copy_from = data.get("copy_from") if data["start"] == "copy" else None
                        if data["start"] == "copy" and copy_from is None:
                            raise DomainError("请选择要复制的规则。", field="copy_from")
                        rule_set = services.rule_set_create(
                            actor=user, year=data["year"], name=data.get("name", ""), copy_from=copy_from
                        )
                except DomainError as exc:
                    add_domain_error(form, exc)
                else:
                    messages.success(request, f"已建立{rule_set.name}。")
                    return redirect("archives:rule_set", pk=rule_set.pk)
        else:
            year = selectors.parse_year(request.GET.get("year"), next_year)
            form = RuleSetCreateForm(
                initial={"year": year, "copy_from": latest, "start": "copy" if latest else "default"},
                rule_sets=selectors.rule_sets_visible(user),
            )
    return render(request, "archives/rule_sets.html", {"sets": sets, "form": form})


@login_required
def rule_set(request, pk: int):
    user = request.user
    rs = selectors.rule_set_detail(user, pk)
    permissions.require(user, "view", rs)
    from . import items as catalogue
    from .scoring import compile_rules

    rules = compile_rules(rs)
    rows = []
    for ri in rs.items.all():
        item = catalogue.get(ri.item)
        compiled = rules.items.get(ri.item)
        rows.append(
            {"ri": ri, "item": item, "text": compiled.describe() if compiled else "（项目已不在目录中）"}
        )
    return render(
        request,
        "archives/rule_set.html",
        {
            "rs": rs,
            "rows": rows,
            "minimums": [
                (m, mr.describe()) for m, mr in zip(rs.minimums.all(), rules.minimums, strict=False)
            ],
            "grades": [g.describe() for g in rules.grades],
            "can_edit": permissions.can(user, "edit", rs),
            "unused": [i for i in catalogue.ITEMS_LIST if i.code not in rules.items],
        },
    )


def _editable(request, pk: int) -> RuleSet:
    rs = selectors.rule_set_detail(request.user, pk)
    permissions.require(request.user, "edit", rs)
    return rs


@login_required
def rule_set_edit(request, pk: int):
    rs = _editable(request, pk)
    form = RuleSetForm(request.POST or None, initial={"name": rs.name, "notes": rs.notes})
    if request.method == "POST" and form.is_valid():
        try:
            services.rule_set_update(actor=request.user, rule_set=rs, **form.cleaned_data)
        except DomainError as exc:
            add_domain_error(form, exc)
        else:
            messages.success(request, "已保存。")
            return redirect("archives:rule_set", pk=rs.pk)
    return render(request, "archives/rule_form.html", {"form": form, "rs": rs, "title": "修改规则名称与说明"})


@login_required
def rule_item_edit(request, pk: int, item_pk: int | None = None):
    rs = _editable(request, pk)
    rule_item = get_object_or_404(RuleItem, pk=item_pk, rule_set=rs) if item_pk else None
    if request.method == "POST":
        form = RuleItemForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.rule_item_save(
                    actor=request.user,
                    rule_set=rs,
                    rule_item=rule_item,
                    item=data["item"],
                    points=data["points"],
                    per_units=data.get("per_units") or 1,
                    cosigner_points=data.get("cosigner_points") or None,
                    cap=data.get("cap") or None,
                    note=data.get("note", ""),
                    bands=data.get("bands") or [],
                )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "计分项目已保存，积分已按新规则重新计算。")
                return redirect("archives:rule_set", pk=rs.pk)
    elif rule_item is not None:
        form = RuleItemForm(
            initial={
                "item": rule_item.item,
                "points": fmt(rule_item.points),
                "per_units": fmt(rule_item.per_units),
                "cosigner_points": fmt(rule_item.cosigner_points),
                "cap": fmt(rule_item.cap),
                "note": rule_item.note,
                "bands": bands_text(rule_item),
            }
        )
    else:
        form = RuleItemForm(initial={"item": request.GET.get("item", ""), "per_units": "1"})
    title = "修改计分项目" if rule_item else "添加计分项目"
    return render(request, "archives/rule_form.html", {"form": form, "rs": rs, "title": title})


@login_required
@require_POST
def rule_item_delete(request, pk: int, item_pk: int):
    rs = _editable(request, pk)
    rule_item = get_object_or_404(RuleItem, pk=item_pk, rule_set=rs)
    services.rule_item_delete(actor=request.user, rule_item=rule_item)
    messages.success(request, "计分项目已删除，积分已按新规则重新计算。")
    return redirect("archives:rule_set", pk=rs.pk)


@login_required
def minimum_edit(request, pk: int, minimum_pk: int | None = None):
    rs = _editable(request, pk)
    minimum = get_object_or_404(Minimum, pk=minimum_pk, rule_set=rs) if minimum_pk else None
    if request.method == "POST":
        form = MinimumForm(request.POST)
        if form.is_valid():
            try:
                services.minimum_save(actor=request.user, rule_set=rs, minimum=minimum, **form.cleaned_data)
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "最低要求已保存。")
                return redirect("archives:rule_set", pk=rs.pk)
    elif minimum is not None:
        form = MinimumForm(
            initial={"label": minimum.label, "items": minimum.items, "count": fmt(minimum.count)}
        )
    else:
        form = MinimumForm()
    title = "修改最低要求" if minimum else "添加最低要求"
    return render(request, "archives/rule_form.html", {"form": form, "rs": rs, "title": title})


@login_required
@require_POST
def minimum_delete(request, pk: int, minimum_pk: int):
    rs = _editable(request, pk)
    minimum = get_object_or_404(Minimum, pk=minimum_pk, rule_set=rs)
    services.minimum_delete(actor=request.user, minimum=minimum)
    messages.success(request, "最低要求已删除。")
    return redirect("archives:rule_set", pk=rs.pk)


@login_required
def grades_edit(request, pk: int):
    rs = _editable(request, pk)
    error = ""
    if request.method == "POST":
        formset = GradeFormSet(request.POST, prefix="g")
        if formset.is_valid():
            try:
                services.grade_bands_set(
                    actor=request.user,
                    rule_set=rs,
                    bands=[f.cleaned_data for f in formset.forms if f.cleaned_data],
                )
            except DomainError as exc:
                error = exc.message
            else:
                messages.success(request, "等级已保存。")
                return redirect("archives:rule_set", pk=rs.pk)
    else:
        initial = [
            {"label": g.label, "min_score": fmt(g.min_score), "max_score": fmt(g.max_score)}
            for g in rs.grades.all()
        ]
        formset = GradeFormSet(prefix="g", initial=initial)
    return render(request, "archives/grades_form.html", {"formset": formset, "rs": rs, "error": error})


@login_required
def rule_set_history(request, pk: int):
    """Every change of a rule set and its parts (items, bands, minimums, grades), newest first."""
    rs = selectors.rule_set_detail(request.user, pk)
    permissions.require(request.user, "view", rs)
    from . import items as catalogue

    events = []
    for h in rs.history.select_related("history_user").order_by("-history_date")[:200]:
        events.append((h.history_date, h.history_user, f"第{h.version}版", f"{h.name}"))
    kinds = {"+": "添加", "~": "修改", "-": "删除"}
    for h in (
        RuleItem.history.filter(rule_set_id=rs.pk)
        .select_related("history_user")
        .order_by("-history_date")[:300]
    ):
        item = catalogue.get(h.item)
        cap = f"，上限 {fmt(h.cap)}" if h.cap is not None else ""
        cos = f"，联名 {fmt(h.cosigner_points)}" if h.cosigner_points is not None else ""
        text = f"{kinds.get(h.history_type, '')}计分项目“{item.label if item else h.item}”：{fmt(h.points)} 分{cos}{cap}"
        events.append((h.history_date, h.history_user, "计分项目", text))
    for h in (
        Minimum.history.filter(rule_set_id=rs.pk)
        .select_related("history_user")
        .order_by("-history_date")[:100]
    ):
        events.append(
            (
                h.history_date,
                h.history_user,
                "最低要求",
                f"{kinds.get(h.history_type, '')}“{h.label}”不少于 {fmt(h.count)}",
            )
        )
    from .models import GradeBand

    for h in (
        GradeBand.history.filter(rule_set_id=rs.pk)
        .select_related("history_user")
        .order_by("-history_date")[:100]
    ):
        lo = fmt(h.min_score) if h.min_score is not None else "—"
        hi = fmt(h.max_score) if h.max_score is not None else "—"
        events.append(
            (
                h.history_date,
                h.history_user,
                "等级",
                f"{kinds.get(h.history_type, '')}“{h.label}”：{lo} 至 {hi}",
            )
        )
    events.sort(key=lambda e: e[0], reverse=True)
    return render(request, "archives/rule_history.html", {"rs": rs, "events": events})


# ---- Donations ledger -------------------------------------------------------------------------------------

GROUPS = (("programme", "按项目"), ("place", "按地点"), ("person", "按委员"), ("year", "按年度"))


@login_required
def donations(request):
    """捐赠与志愿服务台账: the ledger with filters and totals by programme, place, person or year."""
    user = request.user
    permissions.require(user, "view", Donation)
    from .models import Programme

    year = request.GET.get("year", "").strip()
    year_int = selectors.parse_year(year, 0) or None
    qs = selectors.donation_list(
        user,
        q=request.GET.get("q", "").strip(),
        programme=request.GET.get("programme", ""),
        year=year_int,
        verified=request.GET.get("verified", ""),
    )
    from core.sorting import apply_sort

    qs, sort = apply_sort(
        qs, request, {"date": "date", "amount": "amount", "recipient": "recipient"}, "-date"
    )
    if request.GET.get("export") == "xlsx":
        permissions.require(user, "export", Donation)
        return _donations_excel(request, qs)
    group_by = request.GET.get("group", "programme")
    if group_by not in dict(GROUPS):
        group_by = "programme"
    totals = selectors.donation_totals(user, year=year_int, group_by=group_by) if user.is_office else []
    page = paginate(request, qs, per_page=20)
    return render(
        request,
        "archives/donations.html",
        {
            "page": page,
            "sort": sort,
            "query": query_without_page(request),
            "programmes": Programme.choices,
            "groups": GROUPS,
            "group_by": group_by,
            "totals": totals,
            "grand": {
                "amount": sum((t["amount"] for t in totals), Decimal(0)),
                "volunteer_hours": sum((t["volunteer_hours"] for t in totals), Decimal(0)),
                "trees": sum(t["trees"] for t in totals),
            },
            "year": year,
            "unlinked": list(selectors.unlinked_support_activities(user, year=year_int))
            if user.is_office
            else [],
            "can_create": permissions.can(user, "create", Donation),
            "can_export": permissions.can(user, "export", Donation),
            "export_query": _with(request, export="xlsx"),
        },
    )


def _donations_excel(request, qs):
    headers = [
        "日期",
        "捐赠方",
        "委员/顾问及份额",
        "项目类别",
        "受赠方",
        "地点",
        "金额（元）",
        "志愿服务（小时）",
        "植树（棵）",
        "来源活动",
        "核实",
    ]

    def lines():
        for d in qs:
            shares = "；".join(f"{s.person.name} {fmt(s.amount)}" for s in d.shares.all())
            donor = d.donor_org.name if d.donor_org else d.get_donor_kind_display()
            yield [
                d.date, donor, shares, d.get_programme_display(), d.recipient, d.place,
                float(d.amount), float(d.volunteer_hours), d.trees,
                d.activity.title if d.activity else "",
                f"{d.verified_by.display_name if d.verified_by else ''} {d.verified_at:%Y-%m-%d}" if d.verified_at else "未核实",
            ]  # fmt: skip

    return excel_response(
        "捐赠与志愿服务台账.xlsx", "捐赠与志愿服务", headers, lines(),
        widths=[12, 16, 30, 12, 24, 20, 14, 12, 10, 30, 18], traditional=getattr(request, "wants_traditional", False),
    )  # fmt: skip


@login_required
def donation_detail(request, pk: int):
    user = request.user
    donation = selectors.donation_detail(user, pk)
    permissions.require(user, "view", donation)
    from .forms import DonationFileForm

    return render(
        request,
        "archives/donation_detail.html",
        {
            "d": donation,
            "can_edit": permissions.can(user, "edit", donation),
            "can_verify": permissions.can(user, "verify", donation) and not donation.is_verified,
            "can_delete": permissions.can(user, "delete", donation),
            "file_form": DonationFileForm() if permissions.can(user, "edit", donation) else None,
        },
    )


def _donation_kwargs(data) -> dict:
    return {
        "donor_kind": data["donor_kind"],
        "programme": data["programme"],
        "recipient": data["recipient"],
        "date": data["date"],
        "amount": data.get("amount") or 0,
        "volunteer_hours": data.get("volunteer_hours") or 0,
        "trees": data.get("trees") or 0,
        "place": data.get("place", ""),
        "description": data.get("description", ""),
        "shares": data.get("share_list") or [],
        "donor_org": data.get("donor_org"),
        "activity": data.get("activity"),
    }


@login_required
def donation_edit(request, pk: int | None = None):
    from .forms import DonationForm

    user = request.user
    donation = None
    if pk is not None:
        donation = selectors.donation_detail(user, pk)
        permissions.require(user, "edit", donation)
    else:
        permissions.require(user, "create", Donation)
    if request.method == "POST":
        form = DonationForm(request.POST, user=user)
        if form.is_valid():
            try:
                if donation is None:
                    donation = services.donation_create(actor=user, **_donation_kwargs(form.cleaned_data))
                else:
                    services.donation_update(
                        actor=user, donation=donation, **_donation_kwargs(form.cleaned_data)
                    )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, "已保存，核实后计入履职档案。")
                return redirect("archives:donation_detail", pk=donation.pk)
    elif donation is not None:
        shares = list(donation.shares.all())
        form = DonationForm(
            user=user,
            initial={
                "donor_kind": donation.donor_kind,
                "persons": [s.person for s in shares],
                "shares": "\n".join(
                    f"{s.person.name}:{fmt(s.amount)}:{fmt(s.volunteer_hours)}:{s.trees}".replace(",", "")
                    for s in shares
                )
                if donation.donor_kind == "joint"
                else "",
                "donor_org": donation.donor_org,
                "amount": fmt(donation.amount).replace(",", ""),
                "volunteer_hours": fmt(donation.volunteer_hours),
                "trees": donation.trees,
                "programme": donation.programme,
                "recipient": donation.recipient,
                "place": donation.place,
                "date": donation.date,
                "activity": donation.activity,
                "description": donation.description,
            },
        )
    else:
        initial = {"date": None}
        activity_id = request.GET.get("activity")
        if activity_id:
            from activities.selectors import activity_list

            activity = (
                activity_list(user=user, counts=False).filter(pk=activity_id).first()
                if activity_id.isdigit()
                else None
            )
            if activity is not None:
                initial.update(
                    activity=activity,
                    amount=fmt(activity.support_amount).replace(",", ""),
                    place=activity.place,
                    date=activity.starts_at.date(),
                    description=activity.support_note,
                )
        form = DonationForm(user=user, initial=initial)
    title = "修改捐赠记录" if donation else "登记捐赠与志愿服务"
    return render(
        request, "archives/donation_form.html", {"form": form, "title": title, "donation": donation}
    )


@login_required
@require_POST
def donation_verify(request, pk: int):
    donation = selectors.donation_detail(request.user, pk)
    run_and_tell(
        request,
        lambda: services.donation_verify(actor=request.user, donation=donation),
        "已核实，计入履职档案和统计。",
    )
    return redirect("archives:donation_detail", pk=pk)


@login_required
@require_POST
def donation_delete(request, pk: int):
    donation = selectors.donation_detail(request.user, pk)
    services.donation_delete(actor=request.user, donation=donation)
    messages.success(request, "已删除。")
    return redirect("archives:donations")


@login_required
@require_POST
def donation_file_add(request, pk: int):
    from .forms import DonationFileForm

    donation = selectors.donation_detail(request.user, pk)
    permissions.require(request.user, "edit", donation)
    form = DonationFileForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.donation_add_file(
                actor=request.user, donation=donation, upload=form.cleaned_data["file"]
            )
        except DomainError as exc:
            if exc.status_code == 403:
                raise
            messages.error(request, exc.message)
        else:
            messages.success(request, "凭证已上传。")
    else:
        messages.error(request, "请选择要上传的文件。")
    return redirect("archives:donation_detail", pk=pk)


@login_required
def donation_file(request, pk: int):
    """Evidence files are served only to users who may see the donation."""
    from django.http import FileResponse

    from .models import DonationFile

    row = get_object_or_404(DonationFile.objects.select_related("donation"), pk=pk)
    donation = selectors.donation_detail(request.user, row.donation_id)
    permissions.require(request.user, "view", donation)
    return FileResponse(row.file.open("rb"), as_attachment=True, filename=row.name)


# ---- Year-end closing -------------------------------------------------------------------------------------


@login_required
def closing(request):
    """年度归档: the runs of the user's committee and, for staff, the form to close a year."""
    from .closing import UNFINISHED
    from .models import ClosingRun

    user = request.user
    permissions.require(user, "view", ClosingRun)
    runs = list(selectors.closing_runs(user)[:50])
    year = _year(request)
    return render(
        request,
        "archives/closing.html",
        {
            "runs": runs,
            "year": year,
            "years": _years(user, year),
            "terms": _terms(user),
            "can_start": permissions.can(user, "create", ClosingRun),
            "unfinished": UNFINISHED,
        },
    )


def _terms(user):
    from members.selectors import term_list

    return list(term_list(user))


@login_required
def closing_new(request):
    """Confirm, then start: what will be archived (year, term, rule set, number of persons)."""
    from . import closing as closing_service
    from .models import ClosingRun

    user = request.user
    permissions.require(user, "create", ClosingRun)
    data = request.POST if request.method == "POST" else request.GET
    year = selectors.parse_year(data.get("year"), 0)
    terms = {str(t.pk): t for t in _terms(user)}
    term = terms.get(data.get("term", ""))
    error = ""
    if request.method == "POST":
        try:
            run = closing_service.closing_run_start(actor=user, year=year or data.get("year"), term=term)
        except DomainError as exc:
            if exc.status_code == 403:
                raise
            error = exc.message
        else:
            messages.success(request, "年度归档已开始，可关闭本页，稍后回来查看进度。")
            return redirect("archives:closing_run", pk=run.pk)
    rule_set = selectors.rule_set_for(year, selectors.scope_org(user)) if year else None
    existing = None
    persons = None
    if rule_set is not None:
        existing = closing_service.unfinished_run(rule_set, year=year, term=term)
        persons = closing_service.run_persons(ClosingRun(rule_set=rule_set, year=year, term=term)).count()
    if not year:
        error = error or "请选择要归档的年度。"
    elif rule_set is None:
        error = error or f"{year} 年度尚未设置履职积分规则，无法归档。"
    return render(
        request,
        "archives/closing_confirm.html",
        {
            "year": year,
            "term": term,
            "rule_set": rule_set,
            "persons": persons,
            "existing": existing,
            "error": error,
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
def closing_run(request, pk: int):
    """A run: its progress bar (polled, so it survives a reload), its message and the ZIP when done."""
    run = selectors.run_detail(request.user, pk)
    permissions.require(request.user, "view", run)
    return render(request, "archives/run.html", _run_context(request, run))


def _run_context(request, run) -> dict:
    from .closing import UNFINISHED
    from .models import RunStatus

    finished = run.status in (RunStatus.DONE, RunStatus.FAILED)
    return {
        "run": run,
        "finished": finished,
        "can_resume": run.status in UNFINISHED and permissions.can(request.user, "create", run),
    }


@login_required
def closing_run_progress(request, pk: int):
    """The progress partial the run page polls every second (it stops polling once the run has finished)."""
    run = selectors.run_detail(request.user, pk)
    permissions.require(request.user, "view", run)
    return render(request, "archives/run_progress.html", _run_context(request, run))


@login_required
@require_POST
def closing_run_resume(request, pk: int):
    from .closing import closing_run_resume as resume

    run = selectors.run_detail(request.user, pk)
    run_and_tell(request, lambda: resume(actor=request.user, run=run), "已重新排队，将从中断处继续。")
    return redirect("archives:closing_run", pk=pk)


@login_required
def closing_run_zip(request, pk: int):
    """The ZIP of the run's PDFs, for staff and leaders who may see the run."""
    from django.http import FileResponse

    from core.text import to_traditional

    from .closing import zip_name

    run = selectors.run_detail(request.user, pk)
    permissions.require(request.user, "view", run)
    if not run.zip_file:
        raise Http404("该批次的压缩包尚未生成。")
    name = zip_name(run)
    if getattr(request, "wants_traditional", False):
        name = to_traditional(name)
    return FileResponse(run.zip_file.open("rb"), as_attachment=True, filename=name)
