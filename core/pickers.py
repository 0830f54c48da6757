"""Searchable pickers: a form field chooses among thousands of records without rendering them.

`PickerSelect` / `PickerSelectMultiple` render a `<select>` holding only the chosen options, with
`data-picker-url` naming a bounded search endpoint; `core/static/core/picker.js` turns it into a Tom Select
(npm `tom-select`, served from our static files) that asks the endpoint as the user types. The field keeps its
queryset: a posted id is validated against it (so against what the user may see) and never listed.
A search endpoint answers `{"results": [{"id": 1, "text": "…"}]}` with at most `LIMIT` results (`results`).
"""

import unicodedata

from django import forms
from django.db.models import Q
from django.http import JsonResponse
from django.urls import reverse

from .text import to_simplified, to_traditional

LIMIT = 20


def name_contains(q: str, *fields: str) -> Q:
    """A search for names kept as written, without a normalised search column (accounts, contacts): any of
    `fields` contains `q` as typed, in Simplified or in Traditional (full-width folded, spaces dropped).
    An empty `q` matches everything."""
    text = "".join(unicodedata.normalize("NFKC", q or "").split())
    if not text:
        return Q()
    match = Q()
    for variant in {text, to_simplified(text), to_traditional(text)}:
        for field in fields:
            match |= Q(**{f"{field}__icontains": variant})
    return match


class _Picker:
    """Only the chosen options are rendered (one query by primary key), whatever the queryset's size."""

    def __init__(self, url_name: str, *, params: str = "", url_args: tuple = (), attrs=None):
        super().__init__(attrs)
        self.url_name, self.params, self.url_args = url_name, params, url_args

    def optgroups(self, name, value, attrs=None):
        ids = [v for v in value if v not in ("", None)]
        field = getattr(self.choices, "field", None)
        options = []
        if not self.allow_multiple_selected:
            options.append(self.create_option(name, "", field.empty_label or "" if field else "", not ids, 0))
        if ids and field is not None:
            try:
                chosen = list(self.choices.queryset.filter(pk__in=ids))
            except (ValueError, TypeError):
                chosen = []
            for obj in chosen:
                options.append(
                    self.create_option(name, obj.pk, field.label_from_instance(obj), True, len(options))
                )
        return [(None, options, 0)]

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        url = reverse(self.url_name, args=self.url_args) + (f"?{self.params}" if self.params else "")
        context["widget"]["attrs"]["data-picker-url"] = url
        context["widget"]["attrs"]["data-placeholder"] = "输入姓名或名称搜索…"
        return context


class PickerSelect(_Picker, forms.Select):
    pass


class PickerSelectMultiple(_Picker, forms.SelectMultiple):
    pass


def searchable(field, url_name: str, *, params: str = ""):
    """Make a model choice field (single or multiple) a picker once its queryset is set."""
    cls = PickerSelectMultiple if isinstance(field, forms.ModelMultipleChoiceField) else PickerSelect
    field.widget = cls(url_name, params=params)
    field.widget.choices = field.choices
    return field


def results(items, label=str) -> JsonResponse:
    """The JSON a picker reads: at most LIMIT items (the caller slices its query to LIMIT)."""
    return JsonResponse({"results": [{"id": obj.pk, "text": label(obj)} for obj in list(items)[:LIMIT]]})
