"""Forms of the archive pages. They only parse input; the services validate and write."""

from django import forms

from activities.models import Activity
from activities.selectors import activity_list
from core.pickers import PickerSelect, searchable
from members.models import Person
from organisations.models import Organisation, OrgKind

from . import items as catalogue
from .models import DonorKind, Programme, RuleSet

# The bodies that give as a body (社团、机构 …), chosen by search: there are thousands of associations.
DONOR_ORG_KINDS = (OrgKind.ASSOCIATION, OrgKind.INSTITUTION, OrgKind.OTHER)

NUMBER = {"step": "any", "inputmode": "decimal"}


class RuleSetCreateForm(forms.Form):
    year = forms.IntegerField(label="年度", min_value=2000, max_value=2100)
    start = forms.ChoiceField(
        label="起点",
        choices=[
            ("copy", "复制已有规则"),
            ("default", "使用默认规则（闵行、桐城、安庆等地公开办法）"),
            ("empty", "空白规则"),
        ],
        widget=forms.RadioSelect,
        initial="copy",
    )
    copy_from = forms.ModelChoiceField(
        label="复制自", queryset=RuleSet.objects.none(), required=False, empty_label="—"
    )
    name = forms.CharField(
        label="名称", max_length=100, required=False, help_text="留空则为“某年度委员履职积分规则”"
    )

    def __init__(self, *args, rule_sets=None, **kwargs):
        super().__init__(*args, **kwargs)
        if rule_sets is not None:
            self.fields["copy_from"].queryset = rule_sets


class RuleSetForm(forms.Form):
    name = forms.CharField(label="名称", max_length=100)
    notes = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class RuleItemForm(forms.Form):
    item = forms.ChoiceField(label="计分项目", choices=())
    points = forms.CharField(
        label="每单位分值", widget=forms.TextInput(attrs=NUMBER), help_text="扣分项目填负数，例如 -2"
    )
    per_units = forms.CharField(
        label="计分单位数", required=False, initial="1", widget=forms.TextInput(attrs=NUMBER),
        help_text="每满多少单位计一次分值，例如志愿服务每满 4 小时计 1 分；一般为 1",
    )  # fmt: skip
    cosigner_points = forms.CharField(
        label="联名人分值", required=False, widget=forms.TextInput(attrs=NUMBER),
        help_text="仅提案类项目（立案、并案、重点、采纳）：联名人每件的分值",
    )  # fmt: skip
    cap = forms.CharField(
        label="年度上限", required=False, widget=forms.TextInput(attrs=NUMBER),
        help_text="该项目一年最多计多少分（扣分项目为最多扣多少分）；留空不设上限",
    )  # fmt: skip
    note = forms.CharField(label="备注", max_length=200, required=False)
    bands = forms.CharField(
        label="金额档次", required=False, widget=forms.Textarea(attrs={"rows": 4, "placeholder": "1-10000:2\n10000-50000:5\n50000-:10"}),
        help_text="按档次计分时填写，每行一档：下限-上限:分值（上限留空表示以上）；填写后按档次计分，忽略每单位分值",
    )  # fmt: skip

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", "请选择")] + catalogue.choices()

    def clean_bands(self) -> list[dict]:
        """Parse "下限-上限:分值" lines (full-width punctuation accepted); the service checks gaps/overlaps."""
        text = (self.cleaned_data.get("bands") or "").strip()
        out = []
        for n, line in enumerate(text.splitlines(), start=1):
            line = (
                line.strip()
                .replace("：", ":")
                .replace("－", "-")
                .replace("—", "-")
                .replace("～", "-")
                .replace("~", "-")
            )
            if not line:
                continue
            if ":" not in line or "-" not in line.split(":")[0]:
                raise forms.ValidationError(f"第{n}行格式应为“下限-上限:分值”，例如 10000-50000:5。")
            span, points = line.split(":", 1)
            lo, hi = span.split("-", 1)
            out.append({"min_amount": lo.strip(), "max_amount": hi.strip() or None, "points": points.strip()})
        return out


def bands_text(rule_item) -> str:
    from .scoring import fmt

    return "\n".join(
        f"{fmt(b.min_amount)}-{fmt(b.max_amount) if b.max_amount is not None else ''}:{fmt(b.points)}".replace(
            ",", ""
        )
        for b in rule_item.bands.all()
    )


class MinimumForm(forms.Form):
    label = forms.CharField(label="名称", max_length=60, help_text="例如：参加活动；提案或社情民意信息")
    items = forms.MultipleChoiceField(label="计入的项目", choices=(), widget=forms.CheckboxSelectMultiple)
    count = forms.CharField(
        label="最低数量", widget=forms.TextInput(attrs=NUMBER), help_text="所选项目合计不少于此数"
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["items"].choices = catalogue.choices()


class GradeRowForm(forms.Form):
    label = forms.CharField(label="等级", max_length=20, required=False)
    min_score = forms.CharField(label="最低分（含）", required=False, widget=forms.TextInput(attrs=NUMBER))
    max_score = forms.CharField(label="最高分（不含）", required=False, widget=forms.TextInput(attrs=NUMBER))


GradeFormSet = forms.formset_factory(GradeRowForm, extra=2, max_num=10)


class DonationForm(forms.Form):
    donor_kind = forms.ChoiceField(label="捐赠方", choices=DonorKind.choices)
    persons = forms.ModelMultipleChoiceField(
        label="委员/顾问", queryset=Person.objects.none(), required=False,
        help_text="个人捐赠选一人；共同捐赠选多人并在下方填写各人份额",
    )  # fmt: skip
    shares = forms.CharField(
        label="各人份额", required=False, widget=forms.Textarea(attrs={"rows": 3, "placeholder": "陈大文:120000\n李港生:120000"}),
        help_text="共同捐赠时每行一人：姓名:金额[:志愿小时[:植树棵数]]",
    )  # fmt: skip
    donor_org = forms.ModelChoiceField(
        label="捐赠社团/机构", required=False,
        queryset=Organisation.objects.filter(kind__in=DONOR_ORG_KINDS),
        widget=PickerSelect("organisations:search", params=f"kinds={','.join(DONOR_ORG_KINDS)}"),
    )  # fmt: skip
    amount = forms.CharField(label="金额（元）", required=False, widget=forms.TextInput(attrs=NUMBER))
    volunteer_hours = forms.CharField(
        label="志愿服务（小时）", required=False, widget=forms.TextInput(attrs=NUMBER)
    )
    trees = forms.CharField(
        label="植树（棵）", required=False, widget=forms.TextInput(attrs={"inputmode": "numeric"})
    )
    programme = forms.ChoiceField(label="项目类别", choices=Programme.choices)
    recipient = forms.CharField(label="受赠方", max_length=200)
    place = forms.CharField(label="地点", max_length=200, required=False)
    date = forms.DateField(label="日期", widget=forms.DateInput(attrs={"type": "date"}))
    activity = forms.ModelChoiceField(
        label="来源活动",
        queryset=Activity.objects.none(),
        required=False,
        widget=PickerSelect("activities:search", params="cancelled=0"),
    )
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            searchable(self.fields["persons"], "members:search").queryset = Person.objects.visible_to(
                user
            ).filter(anonymised_at__isnull=True)
            self.fields["activity"].queryset = activity_list(user=user, counts=False).filter(
                is_cancelled=False
            )

    def clean(self):
        data = super().clean()
        persons = list(data.get("persons") or [])
        by_name = {p.name: p for p in persons}
        shares = []
        text = (data.get("shares") or "").strip()
        if data.get("donor_kind") == DonorKind.JOINT and text:
            for n, line in enumerate(text.splitlines(), start=1):
                line = line.strip().replace("：", ":")
                if not line:
                    continue
                parts = [p.strip() for p in line.split(":")]
                person = by_name.get(parts[0])
                if person is None:
                    raise forms.ValidationError(f"第{n}行的“{parts[0]}”不在所选的委员/顾问中。")
                shares.append(
                    {
                        "person": person,
                        "amount": parts[1] if len(parts) > 1 else 0,
                        "volunteer_hours": parts[2] if len(parts) > 2 else 0,
                        "trees": parts[3] if len(parts) > 3 else 0,
                    }
                )
        else:
            shares = [{"person": p} for p in persons]
        data["share_list"] = shares
        return data


class DonationFileForm(forms.Form):
    file = forms.FileField(label="凭证文件", help_text="收据、证书或照片（图片、PDF、Office 文档）")
