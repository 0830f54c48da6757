from django import template
from django.utils.html import format_html

register = template.Library()


@register.simple_tag(takes_context=True)
def sort_header(context, key: str, label: str):
    """A table header link that sorts by `key`, toggling direction, keeping the other query parameters."""
    request = context["request"]
    current = context.get("sort", "")
    params = request.GET.copy()
    params.pop("page", None)
    if current == key:
        params["sort"] = "-" + key
        arrow = " ▲"
    elif current == "-" + key:
        params["sort"] = key
        arrow = " ▼"
    else:
        params["sort"] = key
        arrow = ""
    return format_html('<a href="?{}" class="sort">{}{}</a>', params.urlencode(), label, arrow)
