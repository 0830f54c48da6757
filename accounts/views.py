from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.views.decorators.http import require_POST

from core import permissions
from core.errors import DomainError
from core.http import safe_next
from core.middleware import SCRIPT_COOKIE
from core.pagination import paginate, query_without_page
from core.roles import Role
from core.text import normalise

from . import services
from .forms import LoginForm, PreferencesForm, UserForm
from .models import Script, User


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
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
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
