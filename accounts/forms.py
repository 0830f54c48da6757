from django import forms
from django.contrib.auth.forms import AuthenticationForm

from core.pickers import PickerSelect
from core.roles import Role
from organisations.models import Organisation

from . import throttle
from .models import NotificationMode, Script


class LoginForm(AuthenticationForm):
    error_messages = {
        "invalid_login": "用户名或密码不正确，请重新输入。连续多次输错将暂停登录 15 分钟。",
        "inactive": "该账号已停用，请联系系统管理员。",
    }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["username"].label = "用户名"
        self.fields["password"].label = "密码"

    def clean(self):
        # Per address across user names (password spraying); axes counts per user name and address.
        if self.request is not None and throttle.address_blocked(self.request):
            raise forms.ValidationError(
                "来自您所在网络地址的登录失败次数过多，请 15 分钟后再试。", code="address_blocked"
            )
        try:
            return super().clean()
        except forms.ValidationError:
            if self.request is not None:
                throttle.record_failure(self.request)
            raise


class PreferencesForm(forms.Form):
    script = forms.ChoiceField(label="文字", choices=Script.choices, widget=forms.RadioSelect)
    notification_mode = forms.ChoiceField(label="通知方式", choices=NotificationMode.choices)


class UserForm(forms.Form):
    username = forms.CharField(label="用户名", max_length=150)
    full_name = forms.CharField(label="姓名", max_length=100, required=False)
    role = forms.ChoiceField(label="角色", choices=Role.choices)
    organisation = forms.ModelChoiceField(
        label="所属机构",
        queryset=Organisation.objects.all(),
        required=False,
        widget=PickerSelect("organisations:search"),
    )
    email = forms.EmailField(label="电子邮箱", required=False)
    phone = forms.CharField(label="手机", max_length=30, required=False)
    password = forms.CharField(
        label="密码",
        widget=forms.PasswordInput,
        required=False,
        help_text="新建用户必填；修改时留空表示不改。",
    )
    is_active = forms.BooleanField(label="启用", required=False, initial=True)


class TokenForm(forms.Form):
    token = forms.CharField(
        label="验证码",
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}
        ),
        help_text="身份验证器应用中当前显示的 6 位数字，或一个恢复码。",
    )


class SecurityPolicyForm(forms.Form):
    two_factor_required = forms.BooleanField(
        label="工作人员和系统管理员必须使用两步验证",
        required=False,
        help_text="开启后，工作人员和系统管理员下次登录时须先设置身份验证器。",
    )
