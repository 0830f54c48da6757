from django import forms

from core.errors import DomainError
from core.forms import VersionField
from core.pickers import PickerSelect
from organisations.models import Organisation, OrgKind

from .dates import parse_loose_date
from .models import CommitteePosition, DocumentKind, Gender, Party, Region, Sector, Term, TermRoleKind


class PersonForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=100)
    romanised_name = forms.CharField(
        label="英文/拼音姓名", max_length=120, required=False, help_text="如 Chan Tai Man"
    )
    gender = forms.ChoiceField(label="性别", choices=Gender.choices, required=False)
    region = forms.ChoiceField(label="地区", choices=Region.choices, initial=Region.HONG_KONG)
    birth = forms.CharField(
        label="出生日期", required=False, help_text="可写作 1965-03-12、1965.03 或 1965年3月", max_length=20
    )
    role = forms.ChoiceField(
        label="本届身份", choices=[("", "（不变）"), *TermRoleKind.choices], required=False
    )
    sector = forms.ModelChoiceField(label="界别", queryset=Sector.objects.all(), required=False)
    party = forms.ChoiceField(label="党派", choices=Party.choices, required=False)
    employer = forms.CharField(label="工作单位", max_length=200, required=False)
    titles = forms.CharField(label="职务/职称", max_length=300, required=False)
    phones = forms.CharField(
        label="电话",
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="每行一个，任何国家或地区均可：+852 9123 4567、+853 6612 3456、+1 604 555 0123；内地号码可直接写 138 1234 5678",
    )
    email = forms.EmailField(label="电子邮箱", required=False)
    address = forms.CharField(label="通讯地址", max_length=300, required=False)
    document_kind = forms.ChoiceField(
        label="证件类型", choices=[("", "（不填）"), *DocumentKind.choices], required=False
    )
    document_number = forms.CharField(
        label="证件号码", max_length=30, required=False, help_text="留空表示不修改已登记的号码"
    )
    document_expiry = forms.DateField(
        label="证件有效期至", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    tags = forms.CharField(label="标签", required=False, help_text="多个标签用顿号或逗号分隔")
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    photo = forms.FileField(label="照片", required=False, help_text="JPEG/PNG，不超过 5 MB")
    version = VersionField()

    def clean_birth(self):
        try:
            return parse_loose_date(self.cleaned_data.get("birth"))
        except DomainError as exc:
            raise forms.ValidationError(exc.message)


class PositionForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="社团/组织",
        queryset=Organisation.objects.filter(kind=OrgKind.ASSOCIATION).order_by("name"),
        widget=PickerSelect("organisations:search", params=f"kinds={OrgKind.ASSOCIATION}"),
    )
    title = forms.CharField(label="职务", max_length=60)
    start_date = forms.DateField(
        label="起始日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end_date = forms.DateField(
        label="结束日期", required=False, widget=forms.DateInput(attrs={"type": "date"})
    )


# A term select offers and accepts the terms of the user's own CPPCC only (`selectors.own_terms`).
OTHER_TERM = "所选届次不存在或不属于本会，请选择本会的届次。"


def _own_terms(form, user) -> None:
    from .selectors import own_terms

    form.fields["term"].queryset = own_terms(user)


class ImportUploadForm(forms.Form):
    file = forms.FileField(
        label="名册文件（.xlsx）", help_text="第一个工作表；表头上方可以有标题行。单次最多 10,000 行、10 MB。"
    )
    term = forms.ModelChoiceField(
        label="导入到届次",
        queryset=Term.objects.none(),
        required=False,
        help_text="每行的“届内身份”记在这一届（未填写时按委员）",
        error_messages={"invalid_choice": OTHER_TERM},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _own_terms(self, user)


class CommitteeForm(forms.Form):
    committee = forms.ModelChoiceField(
        label="专门委员会",
        queryset=Organisation.objects.filter(kind=OrgKind.COMMITTEE).order_by("path"),
        widget=PickerSelect("organisations:search", params=f"kinds={OrgKind.COMMITTEE}"),
    )
    position = forms.ChoiceField(label="职务", choices=CommitteePosition.choices)
    term = forms.ModelChoiceField(
        label="届次",
        queryset=Term.objects.none(),
        required=False,
        error_messages={"invalid_choice": OTHER_TERM},
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        _own_terms(self, user)
