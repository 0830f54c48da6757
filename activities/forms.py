from django import forms

from core.pickers import PickerSelectMultiple
from members.models import Region, TermRoleKind
from organisations.models import Organisation

from .models import ActivityKind, AttachmentKind


class DateTimeInput(forms.DateTimeInput):
    input_type = "datetime-local"

    def format_value(self, value):
        if value and hasattr(value, "strftime"):
            from django.utils import timezone

            if timezone.is_aware(value):
                value = timezone.localtime(value)
            return value.strftime("%Y-%m-%dT%H:%M")
        return value


class DateInput(forms.DateInput):
    input_type = "date"

    def format_value(self, value):
        return value.isoformat() if hasattr(value, "isoformat") else value


_DT_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"]


class ActivityForm(forms.Form):
    kind = forms.ModelChoiceField(label="类别", queryset=ActivityKind.objects.filter(is_active=True))
    title = forms.CharField(label="名称", max_length=200)
    starts_at = forms.DateTimeField(label="开始时间", widget=DateTimeInput(), input_formats=_DT_FORMATS)
    ends_at = forms.DateTimeField(label="结束时间", widget=DateTimeInput(), input_formats=_DT_FORMATS)
    place = forms.CharField(label="地点", max_length=200, required=False)
    description = forms.CharField(label="内容简介", widget=forms.Textarea, required=False)
    quota = forms.IntegerField(label="名额", required=False, min_value=1, help_text="留空表示不限")
    signup_deadline = forms.DateTimeField(
        label="报名截止", widget=DateTimeInput(), input_formats=_DT_FORMATS, required=False
    )
    is_compulsory = forms.BooleanField(label="必须参加", required=False)
    co_organisers = forms.ModelMultipleChoiceField(
        label="协办单位",
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        help_text="如区政协、统战部等；协办单位可查看本活动。输入名称搜索",
        widget=PickerSelectMultiple("organisations:search"),
    )


class StopForm(forms.Form):
    city = forms.CharField(label="城市", max_length=60)
    start_date = forms.DateField(label="开始日期", widget=DateInput())
    end_date = forms.DateField(label="结束日期", widget=DateInput())
    programme = forms.CharField(label="行程安排", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class AnswerForForm(forms.Form):
    """The answer a member gave by phone or in person, recorded by staff on the attendance page."""

    answer = forms.ChoiceField(
        label="回复", choices=[("confirm", "确认参加"), ("decline", "不参加"), ("leave", "请假")]
    )
    reason = forms.CharField(label="请假理由", max_length=500, required=False)
    approve = forms.BooleanField(label="同时准假", required=False)


class ReportForm(forms.Form):
    summary = forms.CharField(label="活动总结", widget=forms.Textarea)
    outcomes = forms.CharField(label="成果", widget=forms.Textarea, required=False)
    support_amount = forms.DecimalField(
        label="捐资/资助金额（元）", required=False, min_value=0, max_digits=12, decimal_places=2
    )
    support_note = forms.CharField(label="捐资/资助说明", max_length=200, required=False)


class FileForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=AttachmentKind.choices)
    file = forms.FileField(label="文件")
    caption = forms.CharField(label="说明", max_length=200, required=False)


class KindForm(forms.Form):
    name = forms.CharField(label="名称", max_length=40)
    is_trip = forms.BooleanField(label="多站行程", required=False)


class BriefingForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    body = forms.CharField(label="正文", widget=forms.Textarea(attrs={"rows": 10}))
    attachment = forms.FileField(label="附件", required=False)
    region = forms.ChoiceField(label="接收人地区", choices=[("", "全部")] + Region.choices, required=False)
    role = forms.ChoiceField(
        label="接收人届内身份", choices=[("", "全部")] + TermRoleKind.choices, required=False
    )
