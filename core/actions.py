"""One way to act on a record: a table of actions per app and one dispatcher for all of them.

An `Action` declares what one button on a record's page does: the permission it needs, the states in which
it is offered, the form that parses its input, its confirmation text and the one service it calls. An app
lists its actions in an `ActionTable`; `ActionTable.view()` is the only view code behind those buttons, and
`ActionTable.available()` says which buttons to show.

A page with many actions (a table `on_demand`) shows each folded and loads an action's form only when the
user opens it: a GET on the action's URL answers, after the same checks 1–3, with the form
(`core/_action_form.html`, the partial the page itself uses) to an htmx request, and sends a plain GET (no
JavaScript) to the record's page with `?open=<name>#act-<name>`, where that one form is rendered in place.
Building every form's querysets and widgets up front was most of the proposal page's time (issue 13).

The dispatcher checks, always in this order, so a user without the right never learns more than "no":
1. visible     — the record is fetched through the app's getter: missing and invisible are the same 404;
2. permission  — `permissions.require(user, perm, obj)`: 403 with the rule's Chinese reason;
3. state       — the record's status is one the action is offered in: a Chinese refusal, nothing written;
4. input       — the form is valid: its Chinese errors, nothing written;
5. the service — one call; a `DomainError` is shown like a form error, a `PermissionRefused` stays a 403.

A new action is one row in the app's table (see `proposals/views.py`, `visits/views.py`).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.cache import patch_vary_headers
from django.views.decorators.http import require_http_methods

from . import permissions
from .errors import DomainError
from .http import is_htmx, safe_next

Run = Callable[[HttpRequest, Any, dict], Any]


@dataclass(frozen=True)
class Action:
    """One button on a record: who may press it (`perm`), when (`states`, `offered`), what it asks (`form`)
    and what it does (`run(request, obj, cleaned_data)`, calling one service)."""

    label: str
    perm: str
    run: Run
    form: type | None = None
    # Extra keyword arguments for the form, e.g. the querysets that depend on the user or the record.
    form_kwargs: Callable[[HttpRequest, Any], dict] | None = None
    # Statuses in which the action is offered and accepted; empty: any.
    states: tuple = ()
    # A further condition for *showing* the button (e.g. "has a pending invitation"); the service decides.
    offered: Callable[[HttpRequest, Any], bool] | None = None
    # Permission and state in one, for actions whose permission depends on the input (a workflow target):
    # `guard(request, obj)` raises Http404 / PermissionRefused / DomainError. Replaces `perm` and `states`.
    guard: Callable[[HttpRequest, Any], None] | None = None
    confirm: str = ""
    danger: bool = False
    multipart: bool = False
    # Message after success: text, or `success(request, obj, result) -> str`.
    success: str | Callable[[HttpRequest, Any, Any], str] = ""
    # Message when the form is invalid (pages that flash); default: the form's first error.
    invalid: str = ""
    # Where to go afterwards: `next_url(request, obj, result) -> str` (result None after a refusal);
    # default: the table's `back`.
    next_url: Callable[[HttpRequest, Any, Any], str] | None = None


class ActionTable:
    """The actions of one kind of record and the view that runs them.

    - `get(request, pk)` fetches the record the user may see (Http404 otherwise);
    - `back(request, obj)` is where to go afterwards (a `next` field pointing to this site wins when
      `follow_next`);
    - `failed(request, obj, name, form, message)` renders a refusal; by default the message is flashed and
      the user goes back (pages with inline forms re-render themselves with the failed form and a 400);
    - `state_labels` name the statuses in refusals ("当前状态为“草稿”，不能执行“立案”。");
    - `prefix_forms`: the forms' fields are prefixed with the action's name (a page showing many forms);
    - `on_demand`: the record's page folds the actions and loads a form when it is opened — a GET on an
      action's URL answers with its form (see the module's docstring); the page marks each folded action
      `id="act-<name>"` (`core/_action.html`) and renders the form of `?open=<name>` in place. Otherwise the
      action URLs take POST only.
    """

    form_template = "core/_action_form.html"

    def __init__(
        self,
        actions: dict[str, Action],
        *,
        get: Callable[[HttpRequest, Any], Any],
        back: Callable[[HttpRequest, Any], str],
        failed: Callable[..., HttpResponse] | None = None,
        state_field: str = "status",
        state_labels: dict | None = None,
        follow_next: bool = False,
        prefix_forms: bool = False,
        on_demand: bool = False,
    ):
        self.actions = actions
        self.get = get
        self.back = back
        self.failed = failed
        self.state_field = state_field
        self.state_labels = state_labels or {}
        self.follow_next = follow_next
        self.prefix_forms = prefix_forms  # several forms on one page: field names carry the action's name
        self.on_demand = on_demand

    # ---- what to show

    def make_form(self, name: str, request, obj, data=None, files=None):
        action = self.actions[name]
        if action.form is None:
            return None
        kwargs = action.form_kwargs(request, obj) if action.form_kwargs else {}
        return action.form(data, files, prefix=name if self.prefix_forms else None, **kwargs)

    def is_offered(self, name: str, request, obj) -> bool:
        """The button is shown: allowed now, in this state, to this user (the dispatcher checks again)."""
        action = self.actions[name]
        if action.guard is not None:
            try:
                action.guard(request, obj)
            except (Http404, DomainError):
                return False
        else:
            if action.states and self._state(obj) not in action.states:
                return False
            if not permissions.can(request.user, action.perm, obj):
                return False
        return action.offered is None or bool(action.offered(request, obj))

    def available(self, request, obj, *, opened: str = "") -> list[tuple[str, Action, Any]]:
        """(name, action, form) for every action this user may take on `obj` now, in table order. Only the
        `opened` action's empty form is built; the others' form is None — the page loads it when the user
        opens the action (a GET on the action's URL), or it has no form (`action.form` is None)."""
        return [
            (name, action, self.make_form(name, request, obj) if name == opened else None)
            for name, action in self.actions.items()
            if self.is_offered(name, request, obj)
        ]

    def opened_url(self, request, obj, name: str) -> str:
        """The record's page with the action's form rendered in place (the no-JavaScript way to open it)."""
        back = self.back(request, obj)
        return f"{back}{'&' if '?' in back else '?'}open={name}#act-{name}"

    # ---- the checks, in order

    def _state(self, obj):
        return getattr(obj, self.state_field)

    def check(self, request, obj, action: Action) -> None:
        """Permission (403), then state (DomainError); visibility was settled by `get`."""
        if action.guard is not None:
            action.guard(request, obj)
            return
        permissions.require(request.user, action.perm, obj)
        if action.states and self._state(obj) not in action.states:
            current = self._state(obj)
            raise DomainError(
                f"当前状态为“{self.state_labels.get(current, current)}”，不能执行“{action.label}”。",
                code="illegal_transition",
            )

    def _action(self, name: str) -> Action:
        action = self.actions.get(name)
        if action is None:
            raise Http404("未找到该操作。")
        return action

    def show(self, request, pk, name: str) -> HttpResponse:
        """A GET on the action's URL: its empty form, after the same checks as a POST (404, 403, then the
        state: a Chinese refusal, no form). To htmx the form alone (the page's partial); a plain GET goes to
        the record's page with the form open there."""
        action = self._action(name)
        obj = self.get(request, pk)  # 1. visible (404)
        try:
            self.check(request, obj, action)  # 2. permission (403), 3. state
        except DomainError as exc:
            if exc.status_code == 403:
                raise
            # The page was stale: back to it, as it is now, with the reason (htmx follows HX-Redirect).
            messages.error(request, exc.message)
            back = self.back(request, obj)
            if not is_htmx(request):
                return redirect(back)
            response = HttpResponse(exc.message, status=409, content_type="text/plain; charset=utf-8")
            response["HX-Redirect"] = back
        else:
            if not is_htmx(request):
                return redirect(self.opened_url(request, obj, name))
            context = {
                "name": name,
                "action": action,
                "form": self.make_form(name, request, obj),
                "url": request.path,
            }
            response = render(request, self.form_template, context)
        patch_vary_headers(response, ["HX-Request"])  # the fragment and the redirect share a URL
        return response

    def dispatch(self, request, pk, name: str) -> HttpResponse:
        action = self._action(name)
        obj = self.get(request, pk)  # 1. visible (404)
        form = None
        try:
            self.check(request, obj, action)  # 2. permission (403), 3. state
            form = self.make_form(name, request, obj, request.POST, request.FILES)
            if form is not None and not form.is_valid():  # 4. input
                return self._failed(request, obj, name, form, action.invalid or _first_error(form))
            data = form.cleaned_data if form is not None else {}
            result = action.run(request, obj, data)  # 5. the service
        except DomainError as exc:
            if exc.status_code == 403:
                raise
            if form is not None:
                form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self._failed(request, obj, name, form, exc.message)
        success = action.success(request, obj, result) if callable(action.success) else action.success
        messages.success(request, success or f"已完成：{action.label}。")
        return redirect(self._after(request, obj, action, result))

    def _after(self, request, obj, action: Action, result=None) -> str:
        if action.next_url is not None:
            return action.next_url(request, obj, result)
        default = self.back(request, obj)
        return safe_next(request, default) if self.follow_next else default

    def _failed(self, request, obj, name, form, message) -> HttpResponse:
        if self.failed is not None:
            return self.failed(request, obj, name, form, message)
        messages.error(request, message)
        return redirect(self._after(request, obj, self.actions[name]))

    def view(self, name: str | None = None):
        """The action's view — POST runs it (`dispatch`), GET shows its form (`show`, tables `on_demand`
        only): `view()` takes the action name from the URL (`<str:name>`), `view("cancel")` is fixed."""

        def answer(request, pk, name):
            return (
                self.dispatch(request, pk, name) if request.method == "POST" else self.show(request, pk, name)
            )

        if name is None:
            act = answer
        else:

            def act(request, pk):
                return answer(request, pk, name)

            act.__name__ = f"act_{name}"
        return login_required(require_http_methods(["GET", "POST"] if self.on_demand else ["POST"])(act))


def _first_error(form) -> str:
    for field, errors in form.errors.items():
        if errors:
            label = form.fields[field].label if field in form.fields else ""
            return f"{label}：{errors[0]}" if label else errors[0]
    return "提交的数据有误，请检查后重试。"


def run_and_tell(request: HttpRequest, call: Callable[[], Any], success: str | Callable[[Any], str]) -> bool:
    """A plain POST button outside an `ActionTable`: run one service call and flash how it went — `success`
    (text, or made from the call's result) or the service's Chinese refusal. A refusal of permission (403)
    still raises, so a forbidden user gets the 403 page, not a message. True when the call went through."""
    try:
        result = call()
    except DomainError as exc:
        if exc.status_code == 403:
            raise
        messages.error(request, exc.message)
        return False
    messages.success(request, success(result) if callable(success) else success)
    return True
