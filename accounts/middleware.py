from django.http import JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from .services import TWO_FACTOR_SESSION_KEY


class TwoFactorMiddleware:
    """A signed-in session that still owes its second factor reaches only the verification (or enrolment) page,
    logout and the script switch; the API answers 403. The flag is set at login (`two_factor_on_login`), so
    sessions without two-factor sign-in cost nothing here."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        pending = request.session.get(TWO_FACTOR_SESSION_KEY) if hasattr(request, "session") else None
        if pending and request.user.is_authenticated:
            target = reverse("accounts:two_factor_verify" if pending == "verify" else "accounts:two_factor")
            allowed = (target, reverse("accounts:logout"), reverse("accounts:switch_script"))
            if request.path not in allowed and not request.path.startswith("/static/"):
                if request.path.startswith("/api/"):
                    return JsonResponse({"detail": "请先在网页上完成两步验证。"}, status=403)
                return redirect(f"{target}?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)
