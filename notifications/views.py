from django.contrib.auth.decorators import login_required
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.http import safe_next
from core.pagination import paginate, query_without_page

from . import services
from .models import Notification
from .selectors import notifications_for


@login_required
def notification_list(request):
    unread_only = request.GET.get("unread") == "1"
    page = paginate(request, notifications_for(request.user, unread_only=unread_only))
    return render(
        request,
        "notifications/list.html",
        {
            "page": page,
            "unread_only": unread_only,
            "query": query_without_page(request),
        },
    )


@require_POST
@login_required
def mark_read(request):
    ids = request.POST.getlist("id")
    services.mark_read(user=request.user, ids=[int(i) for i in ids if i.isdigit()] if ids else None)
    return redirect(safe_next(request, "/notifications/"))


@require_POST
@login_required
def open_notification(request, pk: int):
    """Opening an unread notification marks it read and goes on to what it is about (only the recipient's own;
    only a link inside the site)."""
    n = get_object_or_404(Notification, pk=pk, recipient=request.user)
    services.mark_read(user=request.user, ids=[n.pk])
    url = n.url if n.url.startswith("/") and not n.url.startswith("//") else "/notifications/"
    return redirect(url)
