"""One FilterSet for the roster page, the API list, the exports and "invite by filter" in other apps."""

import django_filters
from django.db.models import Q

from core.pickers import PickerSelect
from core.text import normalise
from organisations.models import Organisation, OrgKind

from .models import (
    AssociationPosition,
    CommitteeMembership,
    Person,
    Region,
    Sector,
    Tag,
    Term,
    TermRole,
    TermRoleKind,
)

SORTS = {
    "name": ("sort_name", "id"),
    "-name": ("-sort_name", "-id"),
    "region": ("region", "sort_name", "id"),
    "-region": ("-region", "sort_name", "id"),
    "sector": ("sector__order", "sector__name", "sort_name", "id"),
    "-sector": ("-sector__order", "-sector__name", "sort_name", "id"),
    "birth": ("birth_date", "sort_name", "id"),
    "-birth": ("-birth_date", "sort_name", "id"),
    "updated": ("updated_at", "id"),
    "-updated": ("-updated_at", "-id"),
}
SORT_CHOICES = [
    ("name", "姓名（拼音）"),
    ("-name", "姓名（拼音倒序）"),
    ("region", "地区"),
    ("sector", "界别"),
    ("birth", "出生日期"),
    ("-birth", "出生日期（倒序）"),
    ("-updated", "最近更新"),
]


class PersonFilterSet(django_filters.FilterSet):
    """Filters of the roster. Every filter is a subquery on Person.pk, so rows never repeat and counts stay cheap.

    `q` matches any name form (as written, 简/繁, full-width, pinyin, initials, romanised name);
    `term` and `role` together mean "had this role in this term".
    """

    q = django_filters.CharFilter(label="搜索", method="filter_q")
    term = django_filters.ModelChoiceFilter(
        label="届次", queryset=Term.objects.all(), method="filter_term_role", empty_label="全部"
    )
    role = django_filters.ChoiceFilter(
        label="身份", choices=TermRoleKind.choices, method="filter_term_role", empty_label="全部"
    )
    region = django_filters.ChoiceFilter(label="地区", choices=Region.choices, empty_label="全部")
    sector = django_filters.ModelChoiceFilter(label="界别", queryset=Sector.objects.all(), empty_label="全部")
    committee = django_filters.ModelChoiceFilter(
        label="专门委员会",
        queryset=Organisation.objects.filter(kind=OrgKind.COMMITTEE),
        method="filter_committee",
        empty_label="全部",
        # A province holds hundreds of committees: searched, not listed.
        widget=PickerSelect("organisations:search", params=f"kinds={OrgKind.COMMITTEE}"),
    )
    association = django_filters.ModelChoiceFilter(
        label="社团",
        queryset=Organisation.objects.exclude(
            kind__in=[OrgKind.COMMITTEE, OrgKind.CPPCC, OrgKind.DEPARTMENT, OrgKind.PARTY]
        ),
        method="filter_association",
        empty_label="全部",
        widget=PickerSelect(
            "organisations:search",
            params=f"kinds={OrgKind.ASSOCIATION},{OrgKind.INSTITUTION},{OrgKind.OTHER}",
        ),
    )
    tag = django_filters.ModelChoiceFilter(
        label="标签", queryset=Tag.objects.all(), method="filter_tag", empty_label="全部"
    )
    sort = django_filters.ChoiceFilter(
        label="排序", choices=SORT_CHOICES, method="filter_sort", empty_label="默认"
    )

    class Meta:
        model = Person
        fields = ["q", "term", "role", "region", "sector", "committee", "association", "tag", "sort"]

    def filter_q(self, qs, name, value):
        norm = normalise(value)
        if not norm:
            return qs
        return qs.filter(search_text__contains=norm)

    def filter_term_role(self, qs, name, value):
        # Applied once for both fields so that term + role match the same TermRole row.
        if getattr(self, "_term_role_done", False):
            return qs
        self._term_role_done = True
        term = self.form.cleaned_data.get("term")
        role = self.form.cleaned_data.get("role")
        cond = Q()
        if term:
            cond &= Q(term=term)
        if role:
            cond &= Q(role=role)
        if not cond:
            return qs
        return qs.filter(pk__in=TermRole.objects.filter(cond).values("person_id"))

    def filter_committee(self, qs, name, value):
        return qs.filter(pk__in=CommitteeMembership.objects.filter(committee=value).values("person_id"))

    def filter_association(self, qs, name, value):
        return qs.filter(pk__in=AssociationPosition.objects.filter(organisation=value).values("person_id"))

    def filter_tag(self, qs, name, value):
        return qs.filter(pk__in=Person.tags.through.objects.filter(tag=value).values("person_id"))

    def filter_sort(self, qs, name, value):
        return qs.order_by(*SORTS.get(value, SORTS["name"]))

    def __init__(self, data=None, queryset=None, *, user=None, **kwargs):
        super().__init__(data, queryset, **kwargs)
        if user is not None:
            # The terms offered are those of the user's own CPPCC (two or three), not every CPPCC's of the
            # deployment; a term of another CPPCC asked for in the address still filters.
            self._offer_own_terms(user, (data or {}).get("term") or "")

    def _offer_own_terms(self, user, chosen: str) -> None:
        """One query: the terms of the bodies above the user's (and its own), of which the nearest CPPCC's
        are offered (`selectors.body_cppcc`'s rule), plus the one chosen."""
        organisation = user.organisation
        if organisation is None:
            return
        ids = [int(part) for part in organisation.path.strip("/").split("/") if part.isdigit()]
        chosen_id = int(chosen) if str(chosen).isdigit() and len(str(chosen)) < 19 else None
        terms = list(
            Term.objects.filter(Q(cppcc_id__in=ids) | Q(pk=chosen_id))
            .select_related("cppcc")
            .order_by("-number")
        )
        own = [t for t in terms if t.cppcc_id in ids]
        if not own:
            return
        nearest = max(t.cppcc.depth for t in own)
        self.form.fields["term"].widget.choices = [("", "全部")] + [
            (t.pk, str(t))
            for t in terms
            if t.pk == chosen_id or (t.cppcc_id in ids and t.cppcc.depth == nearest)
        ]

    @property
    def qs(self):
        self._term_role_done = False
        return super().qs
