"""Convert HTML pages to Traditional Chinese (HK) for users who chose 繁體. Once, at the edge."""

from .text import to_traditional

SCRIPT_COOKIE = "tongxin_script"
HANT = "hant"


def wants_traditional(request) -> bool:
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        return getattr(user, "script", "hans") == HANT
    return request.COOKIES.get(SCRIPT_COOKIE) == HANT


class ScriptConversionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.wants_traditional = wants_traditional(request)
        response = self.get_response(request)
        if not request.wants_traditional or response.streaming:
            return response
        content_type = response.get("Content-Type", "")
        if not content_type.startswith("text/html"):
            return response
        charset = response.charset or "utf-8"
        response.content = to_traditional(response.content.decode(charset)).encode(charset)
        if response.has_header("Content-Length"):
            response["Content-Length"] = str(len(response.content))
        return response


class DomainErrorMiddleware:
    """Safety net: a DomainError that escapes a view becomes a Chinese error page (400/403), never a 500."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        from django.shortcuts import render

        from .errors import DomainError

        if isinstance(exception, DomainError):
            return render(
                request,
                "core/error.html",
                {"message": exception.message, "status": exception.status_code},
                status=exception.status_code,
            )
        return None
