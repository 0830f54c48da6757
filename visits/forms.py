from django import forms
from django.utils import timezone

from core.pickers import PickerSelect, PickerSelectMultiple, searchable
from members.models import Person
from organisations.models import Organisation

from .models import LiaisonContact, LiaisonEventKind, RequestCategory, VisitMode
from .selectors import colleague_label, visitors_choices


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


# Leaders and staff of the user's body and below (`visitors_choices`): hundreds in a city CPPCC, so chosen
# through a picker asking `visits:colleague_search`; a posted id is still checked against that queryset.
_NOT_A_COLLEAGUE = "只能选择本单位（含下级单位）在职的领导或工作人员。"


class _UserChoice(forms.ModelMultipleChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", PickerSelectMultiple("visits:colleague_search"))
        kwargs.setdefault("help_text", "输入姓名搜索，可选多人")
        super().__init__(error_messages={"invalid_choice": _NOT_A_COLLEAGUE}, **kwargs)

    def label_from_instance(self, obj):
        return colleague_label(obj)


class _OneUserChoice(forms.ModelChoiceField):
    def __init__(self, **kwargs):
        kwargs.setdefault("widget", PickerSelect("visits:colleague_search"))
        kwargs.setdefault("help_text", "输入姓名搜索")
        super().__init__(error_messages={"invalid_choice": _NOT_A_COLLEAGUE}, **kwargs)

    def label_from_instance(self, obj):
        return colleague_label(obj)


class VisitForm(forms.Form):
    done = forms.BooleanField(
        label="已经走访（登记走访记录）", required=False, help_text="不勾选则作为计划走访保存"
    )
    date = forms.DateField(label="日期", widget=DateInput())
    mode = forms.ChoiceField(label="方式", choices=VisitMode.choices)
    visitors = _UserChoice(label="走访人", queryset=None)
    persons = forms.ModelMultipleChoiceField(
        label="走访对象",
        queryset=None,
        widget=PickerSelectMultiple("members:search"),
        help_text="输入姓名搜索，可选多人",
    )
    place = forms.CharField(label="地点", max_length=200, required=False)
    topics = forms.CharField(label="谈话主题", max_length=300, required=False)
    notes = forms.CharField(label="走访记录", required=False, widget=forms.Textarea)
    confidential_notes = forms.CharField(
        label="内部记录（仅领导可见）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, user, show_confidential: bool, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visitors"].queryset = visitors_choices(user)
        self.fields["persons"].queryset = Person.objects.visible_to(
            user
        )  # validated, listed only when chosen
        if not show_confidential:
            del self.fields["confidential_notes"]
        if editing:
            del self.fields["done"]


class RecordForm(forms.Form):
    date = forms.DateField(label="实际走访日期", widget=DateInput())
    notes = forms.CharField(label="走访记录", required=False, widget=forms.Textarea)
    confidential_notes = forms.CharField(
        label="内部记录（仅领导可见）", required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, show_confidential: bool, **kwargs):
        super().__init__(*args, **kwargs)
        if not show_confidential:
            del self.fields["confidential_notes"]


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}))


class PhotoForm(forms.Form):
    file = forms.FileField(label="照片")
    caption = forms.CharField(label="说明", max_length=200, required=False)


class RequestForm(forms.Form):
    person = forms.ModelChoiceField(label="提出人", queryset=None)
    category = forms.ChoiceField(label="类别", choices=RequestCategory.choices)
    title = forms.CharField(label="诉求摘要", max_length=120)
    description = forms.CharField(label="诉求内容", widget=forms.Textarea)
    owner = _OneUserChoice(label="负责人", queryset=None, required=False)
    helping_org = forms.ModelChoiceField(
        label="协助单位", queryset=Organisation.objects.none(), required=False
    )
    deadline = forms.DateField(label="办理期限", required=False, widget=DateInput())

    def __init__(self, *args, user, persons=None, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["person"].queryset = (
            persons if persons is not None else Person.objects.visible_to(user).order_by("name")
        )
        if persons is None:  # the whole visible roster: searched, not listed
            searchable(self.fields["person"], "members:search")
        self.fields["owner"].queryset = visitors_choices(user)
        orgs = Organisation.objects.visible_to(user).filter(is_active=True)
        searchable(self.fields["helping_org"], "organisations:search").queryset = orgs
        if editing:
            del self.fields["person"]


class MemberRequestForm(forms.Form):
    category = forms.ChoiceField(label="类别", choices=RequestCategory.choices)
    title = forms.CharField(label="诉求摘要", max_length=120, help_text="一句话说明您需要什么帮助")
    description = forms.CharField(label="具体情况", widget=forms.Textarea)


class StepForm(forms.Form):
    date = forms.DateField(label="日期", widget=DateInput(), initial=timezone.localdate)
    text = forms.CharField(label="办理情况", widget=forms.Textarea(attrs={"rows": 3}))


class ThankForm(forms.Form):
    note = forms.CharField(label="您的反馈", widget=forms.Textarea(attrs={"rows": 3}))


class RuleForm(forms.Form):
    period_days = forms.IntegerField(label="走访周期（天）", min_value=1, max_value=3660)
    visits_per_period = forms.IntegerField(label="每周期至少走访次数", min_value=1, max_value=50)
    liaison_period_days = forms.IntegerField(label="联谊单位联系周期（天）", min_value=1, max_value=3660)


class LiaisonLinkForm(forms.Form):
    organisation = forms.ModelChoiceField(label="联谊单位", queryset=Organisation.objects.none())
    liaison = _OneUserChoice(label="本会联络人", queryset=None, required=False)
    notes = forms.CharField(label="备注", required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organisation.objects.visible_to(user).filter(is_active=True)
        searchable(self.fields["organisation"], "organisations:search").queryset = orgs
        self.fields["liaison"].queryset = visitors_choices(user)


class ContactForm(forms.Form):
    name = forms.CharField(label="姓名", max_length=100)
    position = forms.CharField(label="职务", max_length=100, required=False)
    phone = forms.CharField(label="电话", max_length=40, required=False)
    is_active = forms.BooleanField(label="在任", required=False, initial=True)


class LiaisonEventForm(forms.Form):
    date = forms.DateField(label="日期", widget=DateInput())
    kind = forms.ChoiceField(label="类型", choices=LiaisonEventKind.choices)
    title = forms.CharField(label="名称", max_length=200)
    organisations = forms.ModelMultipleChoiceField(label="联谊单位", queryset=Organisation.objects.none())
    contacts = forms.ModelMultipleChoiceField(
        label="对方人员", queryset=LiaisonContact.objects.none(), required=False
    )
    participants = _UserChoice(label="本会参加人员", queryset=None, required=False)
    place = forms.CharField(label="地点", max_length=200, required=False)
    notes = forms.CharField(label="情况记录", required=False, widget=forms.Textarea)
    activity = forms.ModelChoiceField(
        label="关联活动", queryset=None, required=False, help_text="联合举办的活动可与活动安排中的记录关联"
    )

    def __init__(self, *args, user, **kwargs):
        from activities.models import Activity

        super().__init__(*args, **kwargs)
        activities = Activity.objects.visible_to(user).order_by("-starts_at")
        searchable(self.fields["activity"], "activities:search").queryset = activities
        orgs = Organisation.objects.visible_to(user).filter(is_active=True)
        searchable(self.fields["organisations"], "organisations:search").queryset = orgs
        searchable(
            self.fields["contacts"], "visits:contact_search"
        ).queryset = LiaisonContact.objects.visible_to(user).select_related("organisation")
        self.fields["participants"].queryset = visitors_choices(user)
