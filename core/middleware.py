"""Convert HTML pages to Traditional Chinese (HK) for users who chose 繁體. Once, at the edge."""

import re

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
    """Every request's input passes one door before a view or form reads it.

    - Malformed requests are answered here, in Chinese, never with a 500: a body larger than
      `TONGXIN_MAX_REQUEST_BYTES` (413, read not at all), a chunked body without Content-Length (411: Django
      would read none of it), a multipart body without boundary or broken (400), an integer query
      value outside what the database can compare (64 bits; a `year` outside 1–9999) (400). JSON for /api/,
      the error page elsewhere.
    - Every query and form value goes through `core.text.clean_text`: one door for every Django form, the
      public citizen form and every search or filter parameter, so no control character is stored (it would
      break the Excel exports) and no NUL reaches PostgreSQL (which answers it with a 500).

    Form bodies are parsed here only for the two form encodings; a JSON body is left to the API, whose
    `InputSchema` cleans its strings the same way. Uploaded files are not touched."""

    FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent
        from django.http.multipartparser import MultiPartParserError

        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            return refuse(request, 400, "请求头 Content-Length 不正确。")
        if length > settings.TONGXIN_MAX_REQUEST_BYTES:
            limit = settings.TONGXIN_MAX_REQUEST_BYTES / 1048576
            return refuse(request, 413, f"请求过大（{length / 1048576:.1f} MB），上限为 {limit:.0f} MB。")
        if not length and "chunked" in request.META.get("HTTP_TRANSFER_ENCODING", "").lower():
            # gunicorn accepts a chunked body and passes it on without CONTENT_LENGTH; Django then reads none
            # of it, so an upload would vanish and the form would say "required": say why instead.
            return refuse(request, 411, "请求缺少 Content-Length（不支持分块传输的请求体），请重新提交。")
        if request.GET:
            if message := _out_of_range(request.GET):
                return refuse(request, 400, message)
            request.GET = _cleaned(request.GET)
        if request.method == "POST" and request.content_type in self.FORM_TYPES:
            try:
                request.POST = _cleaned(request.POST)
            except MultiPartParserError:
                return refuse(request, 400, "上传的表单数据格式不正确（缺少分隔符或已损坏），请重新提交。")
            except RequestDataTooBig:
                return refuse(request, 413, "提交的表单数据过大。")
            except TooManyFieldsSent:
                return refuse(request, 400, "提交的表单字段过多。")
        return self.get_response(request)


# Free text, never a number to the database (a search for a long number is a search, not an overflow).
_TEXT_PARAMS = {"q", "code", "next"}
_INT64 = (-(2**63), 2**63 - 1)
_INTEGER = re.compile(r"\s*[+-]?\d+\s*")
_RANGES = {"year": (1, 9999)}  # what Python's dates (and so Django's __year lookups) can hold


def _out_of_range(query) -> str | None:
    for key, values in query.lists():
        if key in _TEXT_PARAMS:
            continue
        low, high = _RANGES.get(key, _INT64)
        for value in values:
            if _INTEGER.fullmatch(value) and (len(value) > 40 or not low <= int(value) <= high):
                return f"参数 {key} 的数值超出范围。"
    return None


def refuse(request, status: int, message: str):
    """The error answer of any door: under /api/ the API's JSON body (`core.api.ErrorOut`), never an HTML
    page; elsewhere the error page."""
    from django.http import JsonResponse
    from django.shortcuts import render

    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status, json_dumps_params={"ensure_ascii": False})
    return render(request, "core/error.html", {"message": message, "status": status}, status=status)


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
