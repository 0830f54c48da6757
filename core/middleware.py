"""Convert HTML pages to Traditional Chinese (HK) for users who chose 繁體. Once, at the edge."""

from django.http import QueryDict

from .text import clean_text, to_traditional

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


class CleanInputMiddleware:
    """Every query and form value reaches the views through `core.text.clean_text`: one door for every Django
    form, the public citizen form and every search or filter parameter, so no control character is stored
    (it would break the Excel exports) and no NUL reaches PostgreSQL (which answers it with a 500).

    Form bodies are parsed here only for the two form encodings; a JSON body is left to the API, whose
    `InputSchema` cleans its strings the same way. Uploaded files are not touched."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.GET:
            request.GET = _cleaned(request.GET)
        if request.method == "POST" and request.content_type in self.FORM_TYPES:
            request.POST = _cleaned(request.POST)
        return self.get_response(request)


def _cleaned(query):
    """The QueryDict itself when it is clean (the usual case, no copy), else a cleaned immutable copy."""
    pairs = list(query.lists())
    if all(clean_text(k) == k and all(clean_text(v) == v for v in vs) for k, vs in pairs):
        return query
    copy = QueryDict(mutable=True, encoding=query.encoding)
    for key, values in pairs:
        copy.setlistdefault(clean_text(key), []).extend(clean_text(v) for v in values)
    copy._mutable = False
    return copy
