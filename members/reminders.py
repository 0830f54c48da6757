"""Reminder rules of the members app, run by `manage.py send_reminders` (idempotent: sent-reminder table)."""

import datetime as dt

from django.urls import reverse
from django.utils import timezone

from notifications.reminders import Reminder, register

from .models import EXPIRY_WARNING_DAYS, IdentityDocument


@register("members.document_expiring")
def document_expiring(now):
    """An identity document expiring within 60 days (or expired): the person and the office keeping the
    record are reminded once per document and expiry date, so a renewed document is reminded again later."""
    from accounts.models import User

    today = timezone.localdate(now)
    documents = IdentityDocument.objects.filter(
        expiry_date__isnull=False,
        expiry_date__lte=today + dt.timedelta(days=EXPIRY_WARNING_DAYS),
        expiry_date__gte=today - dt.timedelta(days=EXPIRY_WARNING_DAYS),
        person__anonymised_at__isnull=True,
    ).select_related("person__user", "person__owner_org")
    for doc in documents:
        person = doc.person
        office = User.objects.filter(role="staff", is_active=True, organisation=person.owner_org)
        state = "已过期" if doc.expiry_date < today else "即将到期"
        yield Reminder(
            obj=doc,
            recipients=[person, *office],
            period=f"expiry-{doc.expiry_date:%Y-%m-%d}",
            title=f"{person.name}的{doc.get_kind_display()}{state}（有效期至 {doc.expiry_date:%Y-%m-%d}）",
            body="请及时办理换证，并把新证件的有效期告知委员会办公室。",
            url=reverse("members:detail", args=[person.pk]),
        )
