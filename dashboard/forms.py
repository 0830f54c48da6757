"""The overview's filters: year, term (届), region, sector. Term, region and sector narrow *whose* records are
counted (the persons' attributes, as on the roster); the year picks the period."""

from django import forms
from django.utils import timezone

from members.models import Region, Sector, Term
from members.selectors import own_terms

FIRST_YEAR = 2018


def year_choices():
    this_year = timezone.localdate().year
    return [(y, f"{y}年") for y in range(this_year, FIRST_YEAR - 1, -1)]


class OverviewFilterForm(forms.Form):
    year = forms.TypedChoiceField(label="年度", coerce=int, choices=year_choices, required=False)
    term = forms.ModelChoiceField(
        label="届次", queryset=Term.objects.none(), required=False, empty_label="全部"
    )
    region = forms.ChoiceField(label="地区", choices=[("", "全部"), *Region.choices], required=False)
    sector = forms.ModelChoiceField(
        label="界别", queryset=Sector.objects.all(), required=False, empty_label="全部"
    )

    error_messages = {"invalid_choice": "所选项目不存在。"}

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.error_messages["invalid_choice"] = "所选项目不存在，已按“全部”统计。"
        # The user's own CPPCC's terms only (`members.selectors.own_terms`): another CPPCC's is refused.
        self.fields["term"].queryset = own_terms(user)
        self.fields["term"].error_messages["invalid_choice"] = "所选届次不存在或不属于本会，已按“全部”统计。"
