from django import forms

from core.pickers import PickerSelect
from organisations.models import Organisation

from . import captcha
from .models import MAX_BODY_CHARS, IdeaStatus


class PublicIdeaForm(forms.Form):
    title = forms.CharField(
        label="标题", max_length=120, help_text="一句话说清您的建议，例如“增加滑板场建设”。"
    )
    body = forms.CharField(
        label="内容",
        widget=forms.Textarea(attrs={"rows": 8}),
        max_length=MAX_BODY_CHARS,
        help_text="遇到了什么问题、有什么建议。",
    )
    citizen_name = forms.CharField(label="您的姓名", max_length=50)
    citizen_phone = forms.CharField(
        label="联系电话", max_length=30, required=False, widget=forms.TextInput(attrs={"type": "tel"})
    )
    citizen_email = forms.EmailField(
        label="电子邮箱", required=False, help_text="留下邮箱，办理结果会发送给您。"
    )
    wants_followup = forms.BooleanField(label="我愿意参加后续调研", required=False)
    consent = forms.BooleanField(
        label="我同意政协工作人员为办理本建议使用我的联系方式（不会公开）",
        error_messages={"required": "请勾选同意，我们才能与您联系。"},
    )
    answer = forms.CharField(label="验证问题", max_length=4)
    token = forms.CharField(widget=forms.HiddenInput)
    website = forms.CharField(
        required=False, widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"})
    )

    def __init__(self, *args, question: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        if question:
            self.fields["answer"].label = f"验证问题：{question}"
        self.fields["website"].label = "请勿填写"

    def clean(self):
        data = super().clean()
        if data.get("website"):
            raise forms.ValidationError("提交未通过校验。")
        if not captcha.check(data.get("token", ""), data.get("answer", "")):
            self.add_error("answer", "验证问题回答不正确，请重新计算。")
        return data


class TransitionForm(forms.Form):
    target = forms.ChoiceField(label="操作", choices=IdeaStatus.choices)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    forwarded_to = forms.ModelChoiceField(
        label="转交部门",
        queryset=Organisation.objects.filter(is_handling_unit=True),
        required=False,
        widget=PickerSelect("organisations:search", params="units=1"),
    )


class DevelopForm(forms.Form):
    title = forms.CharField(label="提案标题", max_length=200)
    body = forms.CharField(label="提案正文", widget=forms.Textarea(attrs={"rows": 12}))


class FollowupForm(forms.Form):
    note = forms.CharField(label="调研安排", widget=forms.Textarea(attrs={"rows": 2}))
