from django.apps import apps
from django.urls import reverse

from . import permissions


def _model(label: str):
    return apps.get_model(label)


def navigation(request):
    """The menu and the unread badge, computed once per request: context processors run again for every
    fragment a page renders with the request (the home page's sections), and this costs a query each time."""
    cached = getattr(request, "_tongxin_navigation", None)
    if cached is None:
        cached = request._tongxin_navigation = _navigation(request)
    return cached


def _navigation(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"nav_items": [], "unread_count": 0}
    path = request.path
    nav = [{"label": label, "url": url, "active": path.startswith(url)} for label, url in _menu(user)]
    from notifications.selectors import unread_count  # notifications is a foundation app every page uses

    return {"nav_items": nav, "unread_count": unread_count(user)}


_MENUS: dict[str, list[tuple[str, str]]] = {}


def _menu(user) -> list[tuple[str, str]]:
    """(label, url) of the menu items the user's role may open. Whether a role may open a kind of page is the
    permission table's (role × action, `permissions.can` on a model), fixed once the apps are loaded: built once
    per role and process, not on every page."""
    if not user.is_active:
        return []
    menu = _MENUS.get(user.role)
    if menu is None:
        items = []
        for config in apps.get_app_configs():
            for item in getattr(config, "nav_items", ()):
                if permissions.can(user, item.action, _model(item.model)):
                    items.append((item.order, item.label, reverse(item.url_name)))
        menu = _MENUS[user.role] = [(label, url) for _, label, url in sorted(items)]
    return menu
