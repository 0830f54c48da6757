"""Shared pieces of the JSON API: authentication, strict input schemas, Chinese error bodies."""

from typing import Any, ClassVar

from django.db.models import QuerySet
from django.utils import timezone
from ninja import Schema
from ninja.pagination import LimitOffsetPagination
from ninja.security import APIKeyCookie, HttpBearer
from pydantic import ConfigDict, Field, field_validator, model_validator

from .pagination import COUNT_CAP, acapped_count, capped_count, rows_between
from .text import clean_text


class InputSchema(Schema):
    """Base of every request body: unknown fields are refused (with a Chinese message), and every string in
    it (nested ones too) passes `core.text.clean_text`, as form values do in `CleanInputMiddleware`."""

    model_config = ConfigDict(extra="forbid")

    @field_validator("*", mode="before")
    @classmethod
    def _clean_strings(cls, value):
        return _clean_strings(value)

    @field_validator("*", mode="after")
    @classmethod
    def _integers_in_range(cls, value):
        """No integer (an id, an amount, a count — nested ones too) beyond what the database holds (64 bits):
        a 422 here rather than an overflow in the database driver."""
        if _out_of_range(value):
            raise ValueError("数值超出范围。")
        return value


class PatchSchema(InputSchema):
    """Body of a PATCH: a field left out stays as it is; `null` is accepted only for the fields named in
    `nullable` (those that may be emptied). Any other null is a 422 with a Chinese message, never a NULL
    that the database refuses with a 500."""

    nullable: ClassVar[frozenset[str]] = frozenset()

    @model_validator(mode="after")
    def _null_only_where_allowed(self):
        for name in sorted(self.model_fields_set):
            if getattr(self, name) is None and name not in self.nullable:
                raise ValueError(f"{name} 不能为 null（不修改的字段请不要传）。")
        return self


_INT64 = (-(2**63), 2**63 - 1)


def _out_of_range(value) -> bool:
    if isinstance(value, bool):
        return False
    if isinstance(value, int):
        return not _INT64[0] <= value <= _INT64[1]
    if isinstance(value, dict):
        return any(_out_of_range(v) for v in value.values())
    if isinstance(value, list | tuple | set | frozenset):
        return any(_out_of_range(v) for v in value)
    return False


def _clean_strings(value):
    if isinstance(value, str):
        return clean_text(value)
    if isinstance(value, dict):
        return {_clean_strings(k): _clean_strings(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean_strings(v) for v in value)
    return value


class FieldErrorOut(Schema):
    field: str = Field(description="出错的字段（嵌套字段以点分隔；整体错误为空）")
    message: str = Field(description="中文说明")


class ErrorOut(Schema):
    """接口的错误答复（4xx）。"""

    # One body whichever door refused: the API's exception handlers, the request middleware
    # (`core.middleware`) or the error views (`core.views`).

    detail: str = Field(description="中文说明")
    field: str | None = Field(None, description="业务规则拒绝时，出错的字段")
    errors: list[FieldErrorOut] | None = Field(None, description="请求数据不符合接口定义时，逐个字段的错误")


# The error answers every operation can give, declared once for all of them in the OpenAPI document
# (`tongxin.api.TongxinAPI`): the bodies are written by exception handlers and middleware, not by the
# endpoints, so they hold for every operation alike.
ERROR_RESPONSES = {
    400: "请求有误：请求体不是有效的 JSON、查询参数超出范围，或业务规则不允许此操作（见 detail、field）",
    401: "未登录或令牌无效",
    403: "无权执行此操作（或会话认证缺少 CSRF 令牌、尚未完成两步验证）",
    404: "记录不存在，或您无权查看",
    413: "请求体过大",
    422: "请求数据不符合接口定义：缺少字段、类型或取值不正确（见 errors）",
}


class CappedLimitOffsetPagination(LimitOffsetPagination):
    """`limit`/`offset` as django-ninja's, but `count` stops at `cap` as the pages' lists do
    (`core.pagination.capped_count`; counting 300,000 visible proposals took a second), and `count_capped` says
    whether there are more. `offset` may still go beyond the cap: only the count stops there."""

    cap = COUNT_CAP

    def __init__(self, *, ids_first: bool = False, **kwargs):
        # `ids_first`: the page's ids first, then their rows (core.pagination.rows_between): a search matching
        # thousands joins only a page of them.
        self.ids_first = ids_first
        super().__init__(**kwargs)

    class Output(Schema):
        items: list[Any]
        count: int = Field(description="行数（最多计到上限，超过时见 count_capped）")
        count_capped: bool = Field(description="true：实际行数多于 count，请用筛选条件缩小范围")

    def paginate_queryset(self, queryset, pagination, request, **params):
        count, capped = capped_count(queryset, self.cap)
        return {**self._page(queryset, pagination), "count": count, "count_capped": capped}

    async def apaginate_queryset(self, queryset, pagination, request, **params):
        page = self._page(queryset, pagination)
        if isinstance(queryset, QuerySet):
            page[self.items_attribute] = [row async for row in page[self.items_attribute]]
        count, capped = await acapped_count(queryset, self.cap)
        return {**page, "count": count, "count_capped": capped}

    def _page(self, queryset, pagination) -> dict:
        limit = min(pagination.limit, self.max_limit)
        rows = rows_between(queryset, pagination.offset, pagination.offset + limit, ids_first=self.ids_first)
        return {self.items_attribute: rows}


class BearerToken(HttpBearer):
    openapi_scheme = "bearer"

    def __init__(self, precheck=None):
        super().__init__()
        self.precheck = precheck

    def authenticate(self, request, token):
        user = self._user(request, token)
        if user is not None and self.precheck is not None:
            self.precheck(request, user)
        return user

    def _user(self, request, token):
        from accounts.models import ApiToken

        try:
            api_token = ApiToken.objects.select_related("user", "user__organisation").get(
                key_hash=ApiToken.hash(token)
            )
        except ApiToken.DoesNotExist:
            return None
        if not api_token.user.is_active:
            return None
        # Only touch the row when the stamp is stale, so reads stay free of writes.
        now = timezone.now()
        if api_token.last_used_at is None or (now - api_token.last_used_at).total_seconds() > 3600:
            ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=now)
        request.user = api_token.user
        return api_token.user


class SessionAuth(APIKeyCookie):
    """Logged-in browser session; unsafe methods also need the CSRF token (as in the pages)."""

    param_name = "sessionid"

    def __init__(self, precheck=None):
        super().__init__(csrf=True)
        self.precheck = precheck

    def authenticate(self, request, key):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated and user.is_active:
            if self.precheck is not None:
                self.precheck(request, user)
            return user
        return None


def permission_first(check):
    """`auth=` for an operation whose permission is checked before its input is parsed.

    django-ninja validates the path, query and body before calling the endpoint, so a user without the
    right would get 422 for a malformed body instead of 403. This runs `check(request, **path_params)`
    right after authentication (request.auth is set) and before anything else is parsed: it raises Http404
    (invisible) or PermissionRefused (403) and the body is never looked at. Path parameters arrive as the
    URL gave them (strings).
    """

    def run(request, user):
        request.auth = user
        match = getattr(request, "resolver_match", None)
        check(request, **(match.kwargs if match else {}))

    return [BearerToken(precheck=run), SessionAuth(precheck=run)]


def path_id(value) -> int:
    """A path id as an integer the database can compare; anything else (not digits, beyond 64 bits) is simply
    not found: 404, the answer for a record that does not exist."""
    from django.http import Http404

    try:
        pk = int(value)
    except (TypeError, ValueError):
        raise Http404 from None
    if not 0 < pk < 2**63:
        raise Http404
    return pk


def record_first(get, perm=None, *, workflow=None, param: str | None = None):
    """`auth=` for an operation on one record (the path's id, or its parameter `param`), checked before the body
    is parsed, in the order of every action (`core.actions`):

    1. visible: `get(request, pk)` returns the record or raises Http404 (missing and invisible alike);
    2. permission: `perm` — an action name for `permissions.require`, or `perm(request, record)` raising
       PermissionRefused — and/or `workflow`: the user may take at least one of its transitions on this record
       (which one, and whether the state allows it, is the service's answer once the body is read).

    The record is kept as `request.record` for the endpoint, which need not look it up again."""
    from . import permissions

    def check(request, **kwargs):
        if param is None:
            (value,) = kwargs.values()
        else:
            value = kwargs[param]
        record = get(request, path_id(value))
        if callable(perm):
            perm(request, record)
        elif perm is not None:
            permissions.require(request.auth, perm, record)
        if workflow is not None:
            workflow.require_any(record, request.auth)
        request.record = record

    return permission_first(check)


def may(action: str, model):
    """`auth=` for an operation whose whole permission is `action` on `model` (creating one, importing): checked
    before the body is parsed, so a role without the right gets 403 whatever it sent (never 422)."""
    from . import permissions

    def check(request, **_):
        permissions.require(request.auth, action, model)

    return permission_first(check)


_PYDANTIC_ZH = {
    "missing": "缺少必填字段",
    "extra_forbidden": "不允许的字段",
    "string_type": "应为文本",
    "int_type": "应为整数",
    "int_parsing": "应为整数",
    "bool_type": "应为布尔值",
    "bool_parsing": "应为布尔值",
    "float_parsing": "应为数字",
    "date_from_datetime_parsing": "日期格式不正确（应为 YYYY-MM-DD）",
    "date_parsing": "日期格式不正确（应为 YYYY-MM-DD）",
    "datetime_parsing": "时间格式不正确",
    "datetime_from_date_parsing": "时间格式不正确",
    "enum": "取值不在允许范围内",
    "literal_error": "取值不在允许范围内",
    "string_too_long": "文本过长",
    "string_too_short": "文本过短",
    "list_type": "应为列表",
    "dict_type": "应为对象",
    "model_attributes_type": "应为对象",
    "json_invalid": "JSON 格式不正确",
    "value_error": "取值不正确",
    "greater_than_equal": "数值过小",
    "less_than_equal": "数值过大",
}


def translate_errors(errors: list[dict]) -> list[dict]:
    out = []
    for err in errors:
        loc = [str(p) for p in err.get("loc", ()) if p not in ("body", "payload", "query", "path")]
        message = _PYDANTIC_ZH.get(err.get("type", ""), "取值不正确")
        ctx = err.get("ctx") or {}
        if err.get("type") == "value_error" and ctx.get("error"):
            message = str(ctx["error"])
        out.append({"field": ".".join(loc), "message": message})
    return out
