from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from core import permissions
from core.errors import DomainError
from core.forms import add_domain_error
from core.http import safe_next
from core.middleware import SCRIPT_COOKIE
from core.pagination import paginate, query_without_page
from core.roles import Role
from core.text import normalise

from . import services
from .forms import LoginForm, PreferencesForm, SecurityPolicyForm, TokenForm, UserForm
from .models import Script, SecurityPolicy, User


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    success_url = reverse_lazy("accounts:preferences")

    def form_valid(self, form):
        messages.success(self.request, "密码已修改。")
        return super().form_valid(form)


@login_required
def preferences(request):
    user = request.user
    if request.method == "POST":
        form = PreferencesForm(request.POST)
        if form.is_valid():
            services.user_set_preferences(user=user, **form.cleaned_data)
            messages.success(request, "设置已保存。")
            return redirect("accounts:preferences")
    else:
        form = PreferencesForm(initial={"script": user.script, "notification_mode": user.notification_mode})
    return render(request, "accounts/preferences.html", {"form": form})


@require_POST
def switch_script(request):
    """简体/繁體 switch in the header: saved on the account, or in a cookie before login."""
    script = request.POST.get("script", Script.HANS)
    if script not in Script.values:
        script = Script.HANS
    response = HttpResponseRedirect(safe_next(request, "/"))
    if request.user.is_authenticated:
        services.user_set_preferences(user=request.user, script=script)
    response.set_cookie(SCRIPT_COOKIE, script, max_age=365 * 24 * 3600, samesite="Lax", httponly=True)
    return response


@login_required
def user_list(request):
    permissions.require(request.user, "view", User)
    qs = User.objects.visible_to(request.user).select_related("organisation").order_by("username")
    q = request.GET.get("q", "").strip()
    role = request.GET.get("role", "")
    if q:
        norm = normalise(q)
        qs = (
            qs.filter(username__icontains=q)
            | qs.filter(full_name__icontains=q)
            | qs.filter(full_name__icontains=norm)
        )
    if role in Role.values:
        qs = qs.filter(role=role)
    page = paginate(request, qs)
    return render(
        request,
        "accounts/user_list.html",
        {
            "page": page,
            "q": q,
            "role": role,
            "roles": Role.choices,
            "query": query_without_page(request),
        },
    )


@login_required
def user_edit(request, pk: int | None = None):
    user = None
    if pk is not None:
        user = permissions.get_visible_or_404(User, request.user, pk=pk)
        permissions.require(request.user, "edit", user)
    else:
        permissions.require(request.user, "create", User)
    if request.method == "POST":
        form = UserForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                if user is None:
                    if not data["password"]:
                        raise DomainError("新建用户必须设置密码。", field="password")
                    user = services.user_create(
                        actor=request.user,
                        username=data["username"],
                        password=data["password"],
                        role=data["role"],
                        organisation=data["organisation"],
                        full_name=data["full_name"],
                        email=data["email"],
                        phone=data["phone"],
                    )
                else:
                    services.user_update(
                        actor=request.user,
                        user=user,
                        password=data["password"],
                        role=data["role"],
                        organisation=data["organisation"],
                        full_name=data["full_name"],
                        email=data["email"],
                        phone=data["phone"],
                        is_active=data["is_active"],
                    )
            except DomainError as exc:
                add_domain_error(form, exc)
            else:
                messages.success(request, f"用户“{user.display_name}”已保存。")
                return redirect("accounts:user_list")
    else:
        initial = {"is_active": True}
        if user is not None:
            initial = {
                f: getattr(user, f)
                for f in ("username", "full_name", "role", "organisation", "email", "phone", "is_active")
            }
        form = UserForm(initial=initial)
    if user is not None:
        form.fields["username"].disabled = True
    return render(request, "accounts/user_form.html", {"form": form, "edited": user})


# --- Two-factor sign-in -----------------------------------------------------------------------------------------


@login_required
def two_factor(request):
    """The user's own two-factor settings: enrol (QR code + first code), recovery codes, turn off."""
    user = request.user
    context = {
        "enabled": services.two_factor_enabled(user),
        "required": services.two_factor_required_for(user),
        "form": TokenForm(),
    }
    if request.method == "POST":
        action = request.POST.get("action", "")
        form = TokenForm(request.POST)
        context["form"] = form
        try:
            if action == "begin":
                services.two_factor_begin(user=user)
                return redirect("accounts:two_factor")
            if not form.is_valid():
                raise DomainError("请输入验证码。", field="token")
            token = form.cleaned_data["token"]
            if action == "confirm":
                context["recovery_codes"] = services.two_factor_confirm(user=user, token=token)
                request.session.pop(services.TWO_FACTOR_SESSION_KEY, None)
                context["enabled"] = True
                messages.success(request, "两步验证已启用。请把下面的恢复码抄下或打印，妥善保存。")
                return render(request, "accounts/two_factor.html", context)
            if action == "codes":
                context["recovery_codes"] = services.recovery_codes_regenerate(user=user, token=token)
                messages.success(request, "已生成新的恢复码，旧恢复码作废。")
                return render(request, "accounts/two_factor.html", context)
            if action == "disable":
                services.two_factor_disable(user=user, token=token)
                messages.success(request, "两步验证已停用。")
                return redirect("accounts:two_factor")
        except DomainError as exc:
            form.add_error(None, exc.message)
    if not context["enabled"]:
        from django_otp.plugins.otp_totp.models import TOTPDevice

        device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
        if device is not None:
            import segno

            context["pending_device"] = device
            context["qr_svg"] = segno.make(device.config_url, error="m").svg_inline(scale=4, omitsize=False)
            context["secret"] = _base32(device.bin_key)
    return render(request, "accounts/two_factor.html", context)


def _base32(key: bytes) -> str:
    import base64

    text = base64.b32encode(key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


@login_required
def two_factor_verify(request):
    """After the password: the authenticator's code, or a recovery code."""
    pending = request.session.get(services.TWO_FACTOR_SESSION_KEY)
    target = safe_next(request, "/")
    if pending != "verify":
        return redirect(target)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        ok, left = services.two_factor_verify(user=request.user, token=form.cleaned_data["token"])
        if ok:
            request.session.pop(services.TWO_FACTOR_SESSION_KEY, None)
            request.session.cycle_key()
            if left is not None:
                messages.warning(
                    request, f"已使用一个恢复码，还剩 {left} 个。请尽快在“两步验证”页面生成新的恢复码。"
                )
            return redirect(target)
        form.add_error("token", "验证码不正确或已过期；多次输错后需等待一段时间才能再试。")
    return render(request, "accounts/two_factor_verify.html", {"form": form, "next": target})


@login_required
def security(request):
    """Admins: whether staff and admins must use two-factor sign-in."""
    permissions.require(request.user, "edit", SecurityPolicy)
    policy = services.security_policy()
    form = SecurityPolicyForm(
        request.POST or None, initial={"two_factor_required": policy.two_factor_required}
    )
    if request.method == "POST" and form.is_valid():
        services.security_policy_update(
            actor=request.user, two_factor_required=form.cleaned_data["two_factor_required"]
        )
        messages.success(request, "安全设置已保存，对之后的登录生效。")
        return redirect("accounts:security")
    return render(request, "accounts/security.html", {"form": form, "policy": policy})


@require_POST
@login_required
def two_factor_reset(request, pk: int):
    """Admins: remove a user's authenticator (a lost phone)."""
    target = permissions.get_visible_or_404(User, request.user, pk=pk)
    services.two_factor_reset(actor=request.user, user=target)
    messages.success(request, f"已重置 {target.display_name} 的两步验证，其下次登录时需重新设置。")
    return redirect("accounts:user_edit", pk=target.pk)
