"""The JSON API at /api/v1/: one NinjaAPI, a router from each domain app's `api` module."""

import functools
import importlib
import importlib.util
import json

from django.conf import settings
from django.http import Http404, HttpResponseNotAllowed
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.renderers import JSONRenderer

from core.api import ERROR_RESPONSES, BearerToken, ErrorOut, SessionAuth, translate_errors
from core.errors import DomainError
from core.middleware import refuse


class ChineseJSONRenderer(JSONRenderer):
    """UTF-8 JSON with Chinese characters unescaped."""

    json_dumps_params = {"ensure_ascii": False}

    def render(self, request, data, *, response_status):
        return json.dumps(data, cls=self.encoder_class, ensure_ascii=False)


def _unescaped_schema(view):
    """The OpenAPI document with Chinese characters as characters, like every other response."""

    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.get("Content-Type", "").startswith("application/json"):
            response.content = json.dumps(json.loads(response.content), ensure_ascii=False).encode()
            response["Content-Type"] = "application/json; charset=utf-8"
        return response

    return wrapped


class _Schema(OpenAPISchema):
    """Every operation declares the error answers of `core.api.ERROR_RESPONSES`, each with the `ErrorOut`
    body and a Chinese description (the success answers keep ninja's descriptions)."""

    def responses(self, operation):
        result = super().responses(operation)
        body = self._create_schema_from_model(
            operation._create_response_model(ErrorOut), mode="serialization"
        )[0]
        for status, description in ERROR_RESPONSES.items():
            result[status] = {
                "description": description,
                "content": {self.api.renderer.media_type: {"schema": body}},
            }
        return dict(sorted(result.items()))


class TongxinAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix=None, path_params=None):
        if path_prefix is None:
            path_prefix = self.get_root_path(path_params or {})
        return _Schema(self, path_prefix)

    def _get_urls(self):
        urls = super()._get_urls()
        for url in urls:
            url.callback = _json_not_allowed(url.callback)
        return urls


def _json_not_allowed(view):
    """ninja answers a method a path does not have with a bare text/html 405; ours is the JSON error body."""

    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if isinstance(response, HttpResponseNotAllowed):
            answer = refuse(request, 405, _STATUS_ZH[405])
            answer["Allow"] = response["Allow"]
            return answer
        return response

    return wrapped


api = TongxinAPI(
    title="同心 API",
    version="1",
    description="委员履职服务平台 JSON 接口。认证：`Authorization: Bearer <令牌>`（`manage.py create_api_token`）或登录会话。",
    auth=[BearerToken(), SessionAuth()],
    renderer=ChineseJSONRenderer(),
    urls_namespace="api",
    docs_decorator=_unescaped_schema,
)


@api.exception_handler(ValidationError)
def _validation(request, exc):
    errors = translate_errors(exc.errors)
    if any(e["message"] == "JSON 格式不正确" for e in errors):
        return api.create_response(
            request, {"detail": "请求体不是有效的 JSON。", "errors": errors}, status=400
        )
    first = errors[0] if errors else {"field": "", "message": "取值不正确"}
    detail = f"请求数据有误：{first['field']} {first['message']}".strip()
    return api.create_response(request, {"detail": detail, "errors": errors}, status=422)


@api.exception_handler(DomainError)
def _domain(request, exc):
    body = {"detail": exc.message}
    if exc.field:
        body["field"] = exc.field
    return api.create_response(request, body, status=exc.status_code)


@api.exception_handler(Http404)
def _not_found(request, exc):
    return api.create_response(request, {"detail": "未找到该记录，或您无权查看。"}, status=404)


@api.exception_handler(AuthenticationError)
def _unauthenticated(request, exc):
    return api.create_response(request, {"detail": "未登录或令牌无效。"}, status=401)


@api.exception_handler(HttpError)
def _http_error(request, exc):
    message = str(exc)
    if exc.status_code == 403 and "CSRF" in message:
        message = "CSRF 校验失败：使用会话认证时请在请求头带上 X-CSRFToken。"
    elif message.startswith("Cannot parse request body"):
        message = "请求体不是有效的 JSON。"
    elif not _has_chinese(message):
        message = _STATUS_ZH.get(exc.status_code, "请求有误。")
    return api.create_response(request, {"detail": message}, status=exc.status_code)


_STATUS_ZH = {
    400: "请求有误。",
    401: "未登录或令牌无效。",
    403: "您没有权限执行此操作。",
    404: "未找到该记录，或您无权查看。",
    405: "不支持该请求方法。",
    429: "请求过于频繁，请稍后再试。",
}


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


@api.exception_handler(json.JSONDecodeError)
def _bad_json(request, exc):
    return api.create_response(request, {"detail": "请求体不是有效的 JSON。"}, status=400)


for _app in settings.DOMAIN_APPS:
    if importlib.util.find_spec(f"{_app}.api") is not None:
        _module = importlib.import_module(f"{_app}.api")
        _router = getattr(_module, "router", None)
        if _router is not None:
            api.add_router(getattr(_module, "PREFIX", f"/{_app}"), _router)
