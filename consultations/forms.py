from django import forms

from core.pickers import PickerSelect, searchable
from members.models import Person
from organisations.models import Organisation, OrgLevel

from .models import FollowUpKind, MeetingKind, OutputKind, ResearchStatus, SpeechStatus, TopicStatus


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self, **kwargs):
        super().__init__(format="%Y-%m-%d", **kwargs)


def _persons(user):
    """Validated against, listed only when chosen (core.pickers: searched through /members/search/)."""
    return Person.objects.visible_to(user).select_related("sector")


class _ActivityChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return f"{obj.starts_at:%Y-%m-%d} {obj.title}"


class MeetingForm(forms.Form):
    title = forms.CharField(label="会议名称", max_length=200)
    kind = forms.ChoiceField(label="会议类型", choices=MeetingKind.choices)
    date = forms.DateField(label="召开日期", widget=DateInput())
    place = forms.CharField(label="地点", max_length=200, required=False)
    leaders = forms.CharField(
        label="出席领导", max_length=500, required=False, help_text="如：市委书记、市长等"
    )
    agenda = forms.CharField(label="议程", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    topic_deadline = forms.DateField(
        label="选题征集截止", required=False, widget=DateInput(), help_text="留空则征集到召开当天"
    )
    activity = _ActivityChoice(
        label="关联活动（邀请与考勤）",
        queryset=None,
        required=False,
        help_text="已在“活动”中建好的会议活动；也可保存后在会议页一键创建",
    )

    def __init__(self, *args, user, **kwargs):
        from activities.models import Activity

        super().__init__(*args, **kwargs)
        # Searched, not listed (core.pickers): validated against every activity the user may see.
        searchable(self.fields["activity"], "activities:search").queryset = (
            Activity.objects.visible_to(user).only("id", "title", "starts_at").order_by("-starts_at")
        )


class TopicForm(forms.Form):
    title = forms.CharField(label="选题", max_length=200)
    background = forms.CharField(label="背景与建议方向", widget=forms.Textarea(attrs={"rows": 6}))
    source = forms.CharField(
        label="信息来源",
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="如：走访企业、港澳社团反映、媒体报道、调研数据",
    )
    proposer = forms.ModelChoiceField(
        label="提出人", queryset=None, required=False, help_text="留空表示以专委会名义"
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        if user.is_person:
            del self.fields["proposer"]
        else:
            searchable(self.fields["proposer"], "members:search").queryset = _persons(user)


class TopicTransitionForm(forms.Form):
    target = forms.ChoiceField(label="操作", choices=TopicStatus.choices)
    note = forms.CharField(label="理由", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    into = forms.IntegerField(label="合并到", required=False)


class NoteForm(forms.Form):
    text = forms.CharField(label="讨论意见", widget=forms.Textarea(attrs={"rows": 3}))


class SpeechForm(forms.Form):
    speaker = forms.ModelChoiceField(label="发言人", queryset=None)
    title = forms.CharField(label="发言题目", max_length=200, required=False, help_text="留空则使用选题名称")
    due_date = forms.DateField(label="交稿期限", required=False, widget=DateInput())

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        searchable(self.fields["speaker"], "members:search").queryset = _persons(user)


class WriteForm(forms.Form):
    text = forms.CharField(
        label="发言稿正文",
        required=False,
        widget=forms.Textarea(attrs={"rows": 18}),
        help_text="每段一行；提交后成为新的一稿，之前各稿都会保留。",
    )
    note = forms.CharField(
        label="本稿修改说明", max_length=500, required=False, help_text="如：按意见压缩第二段，补充数据"
    )


class SpeechTransitionForm(forms.Form):
    target = forms.ChoiceField(label="操作", choices=SpeechStatus.choices)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))


class CommentForm(forms.Form):
    revision = forms.IntegerField(label="稿次", required=False, widget=forms.HiddenInput)
    paragraph = forms.IntegerField(label="段落", required=False, min_value=1)
    quote = forms.CharField(label="引用原文", max_length=300, required=False)
    text = forms.CharField(label="审阅意见", widget=forms.Textarea(attrs={"rows": 3}))


class ResponseForm(forms.Form):
    leader = forms.CharField(label="回应领导", max_length=100)
    text = forms.CharField(label="回应内容", widget=forms.Textarea(attrs={"rows": 3}))


class MinutesForm(forms.Form):
    minutes = forms.CharField(label="会议纪要", widget=forms.Textarea(attrs={"rows": 10}))


class FollowUpForm(forms.Form):
    title = forms.CharField(label="事项", max_length=200)
    description = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    kind = forms.ChoiceField(label="类型", choices=FollowUpKind.choices)
    speech = forms.IntegerField(label="来源发言", required=False)


class _OrgMulti(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return obj.name


class ResearchForm(forms.Form):
    title = forms.CharField(label="课题名称", max_length=200)
    summary = forms.CharField(label="研究内容", required=False, widget=forms.Textarea(attrs={"rows": 4}))
    lead_body = forms.ModelChoiceField(label="牵头单位", queryset=None)
    partners = _OrgMulti(
        label="联动单位",
        queryset=None,
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text="省、市、区政协及五侨部门等，可多选；联动单位的账号可以查看本课题",
    )
    start_date = forms.DateField(label="开始日期", widget=DateInput())
    end_date = forms.DateField(label="计划结题日期", widget=DateInput())
    lead_person = forms.ModelChoiceField(label="课题负责人", queryset=None, required=False)
    writers = forms.ModelMultipleChoiceField(
        label="执笔人", queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 5})
    )
    members = forms.ModelMultipleChoiceField(
        label="课题组成员", queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 8})
    )
    external_participants = forms.CharField(label="其他参与人员", max_length=500, required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        orgs = Organisation.objects.filter(is_active=True).only("id", "name", "path").order_by("path")
        for name in ("lead_body", "partners"):
            searchable(self.fields[name], "organisations:search").queryset = orgs
        for name in ("lead_person", "writers", "members"):
            searchable(self.fields[name], "members:search").queryset = _persons(user)


class ResearchTransitionForm(forms.Form):
    target = forms.ChoiceField(label="操作", choices=ResearchStatus.choices)
    note = forms.CharField(label="说明", required=False, widget=forms.Textarea(attrs={"rows": 2}))
    adopted_by = forms.ModelChoiceField(
        label="采纳单位",
        queryset=Organisation.objects.filter(is_active=True),
        required=False,
        widget=PickerSelect("organisations:search"),
    )
    adopted_level = forms.ChoiceField(
        label="采纳层级", choices=[("", "按采纳单位")] + OrgLevel.choices, required=False
    )
    adopted_on = forms.DateField(label="采纳日期", required=False, widget=DateInput())
    outcome = forms.CharField(label="成效", required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MilestoneForm(forms.Form):
    title = forms.CharField(label="节点", max_length=200)
    due_date = forms.DateField(label="计划完成日期", widget=DateInput())
    note = forms.CharField(label="说明", max_length=500, required=False)


class OutputForm(forms.Form):
    kind = forms.ChoiceField(label="类型", choices=OutputKind.choices)
    title = forms.CharField(label="成果名称", max_length=200)
    summary = forms.CharField(label="摘要", required=False, widget=forms.Textarea(attrs={"rows": 3}))
    completed_on = forms.DateField(label="完成日期", widget=DateInput())
    file = forms.FileField(label="文件", required=False, help_text="PDF、Word/Excel 或图片")
    authors = forms.ModelMultipleChoiceField(
        label="作者", queryset=None, required=False, widget=forms.SelectMultiple(attrs={"size": 6})
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        searchable(self.fields["authors"], "members:search").queryset = _persons(user)
