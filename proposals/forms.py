"""Forms parse input only; the services decide (limits, deadlines, roles)."""

import datetime as dt

from django import forms

from accounts.selectors import active_leaders
from activities.models import Activity
from core.forms import VersionField
from core.pickers import PickerSelect, PickerSelectMultiple
from members.models import Person, Session
from organisations.models import Organisation, OrgKind

from .models import (
    BODY_MAX,
    TITLE_MAX,
    AdoptionLevel,
    Assignment,
    FollowUpKind,
    NotFiledReason,
    Proposal,
    ProposalTiming,
    ProposerKind,
    RatingValue,
    ReplyClass,
)

DATE = forms.DateInput(attrs={"type": "date"})

# The bodies a proposal may be jointly put forward with (跨层级联名): CPPCCs and their committees.
COSPONSOR_KINDS = (OrgKind.CPPCC, OrgKind.COMMITTEE)


def _units():
    return Organisation.objects.filter(is_handling_unit=True, is_active=True).order_by("name")


def _unit_picker():
    return PickerSelect("organisations:search", params="units=1")


def _units_picker():
    return PickerSelectMultiple("organisations:search", params="units=1")


class ProposalForm(forms.Form):
    title = forms.CharField(
        label="案由", max_length=TITLE_MAX * 2, widget=forms.TextInput(attrs={"size": 60})
    )
    body = forms.CharField(
        label="正文",
        max_length=BODY_MAX * 10,  # the service gives the clear message; this only stops absurd posts
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text="一事一案：每件提案只提一个问题；写明情况、分析和具体建议。",
    )
    timing = forms.ChoiceField(
        label="提案类别", choices=ProposalTiming.choices, initial=ProposalTiming.REGULAR
    )
    proposer_kind = forms.ChoiceField(
        label="提出方式", choices=ProposerKind.choices, initial=ProposerKind.MEMBER
    )
    proposer_body = forms.CharField(
        label="提出单位", required=False, help_text="以界别、党派、人民团体或专门委员会名义提出时填写"
    )
    origin_note = forms.CharField(label="来源说明", required=False, help_text="例如：源自百姓提案")
    author = forms.ModelChoiceField(
        label="提案人（领衔）",
        queryset=Person.objects.none(),
        required=False,
        widget=PickerSelect("members:search", params="current=1"),
        help_text="本届在任的委员、顾问",
    )
    version = VersionField()

    def __init__(self, *args, staff_user=None, **kwargs):
        super().__init__(*args, **kwargs)
        if staff_user is None:
            del self.fields["author"]
        else:
            # Any visible person is looked up; the picker offers current members only (`current=1`) and the
            # service refuses anyone else (services.FORMER_AUTHOR, shown at this field).
            self.fields["author"].queryset = Person.objects.visible_to(staff_user)
            self.fields["author"].required = True


class InviteForm(forms.Form):
    persons = forms.ModelMultipleChoiceField(
        label="联名人",
        queryset=Person.objects.none(),
        widget=PickerSelectMultiple("proposals:search"),
        help_text="输入姓名搜索本会名册（包括没有账号的委员）",
    )
    deadline = forms.DateTimeField(
        label="确认截止时间",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
    )

    def __init__(self, *args, proposal=None, **kwargs):
        super().__init__(*args, **kwargs)
        if proposal is not None:
            from members.selectors import person_directory

            field = self.fields["persons"]
            field.queryset = person_directory(proposal.owner_org).exclude(pk=proposal.author_id)
            field.widget.url_name, field.widget.url_args = "proposals:cosigner_search", (proposal.pk,)


class CosignForm(forms.Form):
    accept = forms.TypedChoiceField(
        label="是否联名", choices=(("1", "确认联名"), ("0", "谢绝")), coerce=lambda v: v == "1"
    )


class CosponsorForm(forms.Form):
    organisation = forms.ModelChoiceField(
        label="联合提出单位",
        queryset=Organisation.objects.filter(kind__in=COSPONSOR_KINDS, is_active=True).order_by("path"),
        widget=PickerSelect("organisations:search", params=f"kinds={','.join(COSPONSOR_KINDS)}"),
        help_text="输入政协或专门委员会名称搜索",
    )


class AttachmentForm(forms.Form):
    file = forms.FileField(label="附件")


class NoteForm(forms.Form):
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}), required=False)


class RequiredNoteForm(forms.Form):
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}))


class FileForm(forms.Form):
    session = forms.ModelChoiceField(
        label="编号会议",
        queryset=Session.objects.none(),
        required=False,
        help_text="默认为最近一次全体会议",
        error_messages={"invalid_choice": "只能选择本提案所属政协的全体会议。"},
    )
    note = forms.CharField(label="审查意见", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, proposal=None, **kwargs):
        super().__init__(*args, **kwargs)
        if proposal is not None:  # the sessions of the proposal's own CPPCC, not every CPPCC's
            from .services import plenary_sessions

            self.fields["session"].queryset = plenary_sessions(proposal.owner_org)


class NotFileForm(forms.Form):
    reason = forms.ChoiceField(label="不予立案理由", choices=NotFiledReason.choices)
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 3}))


class MergeForm(forms.Form):
    into = forms.ModelChoiceField(
        label="并入提案",
        queryset=Proposal.objects.none(),
        widget=PickerSelect("proposals:search"),
        help_text="输入案由、案号或关键词搜索",
    )
    note = forms.CharField(label="说明", widget=forms.Textarea(attrs={"rows": 2}), required=False)

    def __init__(self, *args, user=None, proposal=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            from .selectors import merge_targets

            # validated against the visible open proposals, never listed: the picker searches them
            self.fields["into"].queryset = merge_targets(user, proposal)
        if proposal is not None:
            self.fields["into"].widget.params = f"merge_for={proposal.pk}"


class KeyForm(forms.Form):
    supervisors = forms.ModelMultipleChoiceField(
        label="督办领导",
        queryset=active_leaders(),
        widget=PickerSelectMultiple("proposals:supervisor_search"),
        help_text="输入领导姓名搜索",
    )
    note = forms.CharField(label="说明", required=False)


class DatedNoteForm(forms.Form):
    date = forms.DateField(label="日期", widget=DATE)
    note = forms.CharField(label="督办情况", widget=forms.Textarea(attrs={"rows": 3}))


class AssignForm(forms.Form):
    lead = forms.ModelChoiceField(
        label="主办单位", queryset=Organisation.objects.none(), required=False, widget=_unit_picker()
    )
    co_units = forms.ModelMultipleChoiceField(
        label="会办单位", queryset=Organisation.objects.none(), required=False, widget=_units_picker()
    )
    assist_units = forms.ModelMultipleChoiceField(
        label="协办单位", queryset=Organisation.objects.none(), required=False, widget=_units_picker()
    )
    split_units = forms.ModelMultipleChoiceField(
        label="分办单位",
        queryset=Organisation.objects.none(),
        required=False,
        help_text="分办时不选主办单位",
        widget=_units_picker(),
    )
    input_due = forms.DateField(
        label="会办意见期限", widget=DATE, required=False, help_text="默认交办后 1 个月"
    )
    note = forms.CharField(label="交办说明", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in ("lead", "co_units", "assist_units", "split_units"):
            self.fields[name].queryset = _units()


class AssignmentChoice(forms.ModelChoiceField):
    def label_from_instance(self, a):
        return f"{a.unit.display_name}（{a.get_role_display()}）" + ("— 有异议" if a.disputed_at else "")


class ReassignForm(forms.Form):
    assignment = AssignmentChoice(label="交办", queryset=Assignment.objects.none())
    new_unit = forms.ModelChoiceField(
        label="改交单位",
        queryset=Organisation.objects.none(),
        required=False,
        help_text="不选则维持原交办",
        widget=_unit_picker(),
    )
    note = forms.CharField(label="说明", required=False)

    def __init__(self, *args, proposal=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["new_unit"].queryset = _units()
        if proposal is not None:
            self.fields["assignment"].queryset = proposal.assignments.filter(
                ended_at__isnull=True
            ).select_related("unit")


class ReasonForm(forms.Form):
    reason = forms.CharField(label="理由", widget=forms.Textarea(attrs={"rows": 3}))


class TextForm(forms.Form):
    text = forms.CharField(label="内容", widget=forms.Textarea(attrs={"rows": 3}))


class ExtendForm(forms.Form):
    new_due = forms.DateField(label="新答复期限", widget=DATE)
    reason = forms.CharField(label="延期理由", widget=forms.Textarea(attrs={"rows": 2}))


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(label="形式", choices=FollowUpKind.choices)
    date = forms.DateField(label="日期", widget=DATE)
    place = forms.CharField(label="地点", required=False)
    participants = forms.CharField(label="参加人员", required=False)
    summary = forms.CharField(label="情况", widget=forms.Textarea(attrs={"rows": 3}))
    activity = forms.ModelChoiceField(label="关联活动", queryset=Activity.objects.none(), required=False)

    # The activity list is bounded (issue 13: no form loads an unbounded set): the newest activities from shortly
    # before the proposal was handed over, at most this many.
    ACTIVITY_CHOICES = 30

    def __init__(self, *args, user=None, proposal=None, **kwargs):
        super().__init__(*args, **kwargs)
        if user is not None:
            visible = Activity.objects.visible_to(user)
            if proposal is not None:
                since = proposal.assigned_at or proposal.filed_at or proposal.created_at
                if since is not None:
                    visible = visible.filter(starts_at__gte=since - dt.timedelta(days=60))
            newest = visible.order_by("-starts_at", "-id").values("pk")[: self.ACTIVITY_CHOICES]
            self.fields["activity"].queryset = Activity.objects.filter(pk__in=newest).order_by(
                "-starts_at", "-id"
            )


class ReplyForm(forms.Form):
    reply_class = forms.ChoiceField(label="答复类别", choices=ReplyClass.choices)
    body = forms.CharField(label="答复内容", widget=forms.Textarea(attrs={"rows": 8}))
    contact = forms.CharField(label="联系人及电话", required=False, help_text="仅提案人可见，不公开")


class ReviewReplyForm(forms.Form):
    approve = forms.TypedChoiceField(
        label="审核结果", choices=(("1", "通过并发出"), ("0", "退回修改")), coerce=lambda v: v == "1"
    )
    note = forms.CharField(label="审核意见", widget=forms.Textarea(attrs={"rows": 2}), required=False)


class RateForm(forms.Form):
    value = forms.ChoiceField(label="评价", choices=RatingValue.choices, widget=forms.RadioSelect)
    comment = forms.CharField(
        label="意见",
        widget=forms.Textarea(attrs={"rows": 2}),
        required=False,
        help_text="不满意时请写明意见，提案将再次办理",
    )


class OutcomeForm(forms.Form):
    adopted = forms.BooleanField(label="被采纳", required=False)
    adopted_by = forms.ModelChoiceField(
        label="采纳单位",
        queryset=Organisation.objects.filter(is_active=True).order_by("path"),
        required=False,
        widget=PickerSelect("organisations:search"),
    )
    adopted_level = forms.ChoiceField(
        label="采纳层级", choices=[("", "—")] + AdoptionLevel.choices, required=False
    )
    actions = forms.CharField(label="落实情况", widget=forms.Textarea(attrs={"rows": 3}))
    completed = forms.BooleanField(label="已完成", required=False)
    completed_on = forms.DateField(label="完成日期", widget=DATE, required=False)
    evidence = forms.CharField(label="佐证材料", widget=forms.Textarea(attrs={"rows": 2}), required=False)
