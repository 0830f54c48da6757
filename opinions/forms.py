from django import forms

from .models import MAX_CHARS, ReportLevel, ReportStatus


class ReportForm(forms.Form):
    title = forms.CharField(label="标题", max_length=200)
    situation = forms.CharField(
        label="基本情况", widget=forms.Textarea(attrs={"rows": 6, "data-count": "report"}), required=False
    )
    analysis = forms.CharField(
        label="原因分析", widget=forms.Textarea(attrs={"rows": 5, "data-count": "report"}), required=False
    )
    suggestion = forms.CharField(
        label="意见建议",
        widget=forms.Textarea(attrs={"rows": 5, "data-count": "report"}),
        required=False,
        help_text=f"一事一报；三部分合计不超过 {MAX_CHARS} 字。",
    )


class TransitionForm(forms.Form):
    target = forms.ChoiceField(label="操作", choices=ReportStatus.choices)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    level = forms.ChoiceField(label="层级", choices=[("", "—")] + ReportLevel.choices, required=False)
    organisation = forms.CharField(label="单位", max_length=100, required=False)
    leader = forms.CharField(label="批示领导", max_length=100, required=False)
    text = forms.CharField(label="批示内容", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    date = forms.DateField(label="日期", required=False, widget=forms.DateInput(attrs={"type": "date"}))
