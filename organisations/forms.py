from django import forms

from core.pickers import PickerSelect

from .models import Organisation, OrgKind, OrgLevel


class OrganisationForm(forms.Form):
    name = forms.CharField(label="全称", max_length=200)
    short_name = forms.CharField(label="简称", max_length=60, required=False)
    aliases = forms.CharField(
        label="别名", max_length=300, required=False, help_text="多个别名用顿号或逗号分隔"
    )
    kind = forms.ChoiceField(label="类别", choices=OrgKind.choices)
    level = forms.ChoiceField(label="层级", choices=OrgLevel.choices, initial=OrgLevel.NONE)
    parent = forms.ModelChoiceField(
        label="上级机构",
        queryset=Organisation.objects.all(),
        required=False,
        widget=PickerSelect("organisations:search"),
    )
    is_handling_unit = forms.BooleanField(label="可作为承办单位", required=False)
    is_active = forms.BooleanField(label="启用", required=False, initial=True)
