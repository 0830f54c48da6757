"""Template helpers for proposals."""

import re

from django import template

register = template.Library()

# Mainland mobiles, +852/+853 numbers, landlines, e-mail addresses.
_CONTACT = re.compile(
    r"(\+?85[23][\s-]?\d{4}[\s-]?\d{4})|(1[3-9]\d[\s-]?\d{4}[\s-]?\d{4})|(0\d{2,3}[\s-]?\d{7,8})|(\b\d{8}\b)"
    r"|([\w.+-]+@[\w-]+\.[\w.-]+)"
)


@register.filter
def scrub_contacts(text: str) -> str:
    """Replace phone numbers and e-mail addresses by 〔联系方式已隐去〕 (for public pages)."""
    return _CONTACT.sub("〔联系方式已隐去〕", text or "")


STATUS_TAGS = {
    "draft": "",
    "submitted": "info",
    "returned": "warn",
    "withdrawn": "",
    "filed": "info",
    "not_filed": "bad",
    "merged": "",
    "converted": "",
    "handling": "warn",
    "reply_review": "info",
    "replied": "ok",
    "closed": "ok",
}


@register.filter
def status_tag(status: str) -> str:
    return STATUS_TAGS.get(status, "")
