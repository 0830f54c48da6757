from django.utils.http import url_has_allowed_host_and_scheme


def safe_next(request, default: str = "/") -> str:
    """The `next` target of a form if it points to this site; otherwise `default` (no open redirects)."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def is_htmx(request) -> bool:
    """The request comes from htmx (it sends `HX-Request: true`): answer with a fragment, not a page."""
    return request.headers.get("HX-Request") == "true"
