"""No-login pages for citizens: submit an idea, look up its status with the reference code."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse

from core.errors import DomainError
from core.forms import add_domain_error
from core.sensitive import client_ip

from . import captcha, services
from .forms import PublicIdeaForm
from .models import IdeaStatus
from .selectors import idea_public_status, public_stages


def idea_submit_view(request):
    status = 200
    if request.method == "POST":
        form = PublicIdeaForm(request.POST)
        if form.is_valid():
            data = {
                k: v
                for k, v in form.cleaned_data.items()
                if k not in ("consent", "answer", "token", "website")
            }
            try:
                idea = services.idea_submit(client_ip=client_ip(request), **data)
            except DomainError as exc:
                add_domain_error(form, exc)
                status = 429 if exc.code == "throttled" else 400
            else:
                messages.success(request, f"提交成功！您的查询码是 {idea.code}，请妥善保存。")
                return redirect(f"{reverse('ideas_public:lookup')}?code={idea.code}")
        else:
            status = 400
        # A fresh question each time, so a wrong answer cannot simply be retried against the same one.
        question, token = captcha.new_challenge()
        form.data = form.data.copy()
        form.data["token"], form.data["answer"] = token, ""
    else:
        question, token = captcha.new_challenge()
        form = PublicIdeaForm(initial={"token": token})
    form.fields["answer"].label = f"验证问题：{question}"
    return render(request, "ideas/public_submit.html", {"form": form}, status=status)


def idea_lookup_view(request):
    code = services.normalise_code(request.GET.get("code", ""))
    idea = idea_public_status(code) if code else None
    stages = public_stages(idea) if idea else []
    finished = any(s["label"] == "办结" for s in stages)
    if idea is None:
        current = ""
    elif idea.status == IdeaStatus.SUBMITTED:
        current = "待审核"
    else:
        current = "办结" if finished else stages[-1]["label"]
    return render(
        request,
        "ideas/public_lookup.html",
        {
            "code": code,
            "idea": idea,
            "searched": bool(code),
            "S": IdeaStatus,
            "stages": stages,
            "current": current,
            "finished": finished,
        },
        status=404 if code and idea is None else 200,
    )
