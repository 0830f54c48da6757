"""Template helpers of the registry usable by other apps' list pages."""

from django import template
from django.utils.html import format_html, format_html_join

from members.selectors import SCOPE_FILTERS, person_scope_labels

register = template.Library()


@register.simple_tag(takes_context=True)
def person_scope_note(context):
    """Inside a list page's filter form: when the page was opened with person filters (term, region, sector —
    e.g. from a chart of the leaders' overview), show them as a note with a link that clears them, and keep
    them as hidden fields so the form's other filters can be changed without losing them. Nothing otherwise
    (and no query)."""
    request = context["request"]
    labels = person_scope_labels(request.GET)
    if not labels:
        return ""
    params = request.GET.copy()
    for key in (*SCOPE_FILTERS, "page"):
        params.pop(key, None)
    hidden = format_html_join(
        "", '<input type="hidden" name="{}" value="{}">', ((k, v) for k, v, _ in labels)
    )
    text = "，".join(label for _, _, label in labels)
    return format_html(
        '{}<span class="tag warn scope-note">委员范围：{} <a href="?{}">清除</a></span>',
        hidden,
        text,
        params.urlencode(),
    )
