"""Expired identity documents are flagged on the person's page, and reminded before they expire."""

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from members.models import IdentityDocument
from notifications.models import Notification

pytestmark = pytest.mark.django_db


def _document(person, days: int, kind="hrp"):
    return IdentityDocument.objects.create(
        owner_org=person.owner_org,
        person=person,
        kind=kind,
        number="H12345678",
        expiry_date=timezone.localdate() + dt.timedelta(days=days),
    )


def test_an_expired_document_is_flagged_on_the_persons_page(client, users):
    person = users["member"].person
    _document(person, -3)
    _document(person, 20, kind="passport")
    client.force_login(users["staff"])
    html = client.get(reverse("members:detail", args=[person.pk])).content.decode()
    documents = html[html.index('id="documents"') :]
    assert "已过期" in documents and "即将到期" in documents


def test_the_person_and_the_office_are_reminded_once_before_expiry(users):
    person = users["member"].person
    _document(person, 30)
    _document(users["advisor"].person, 400)  # far off: nothing
    call_command("send_reminders", stdout=open("/dev/null", "w"))
    call_command("send_reminders", stdout=open("/dev/null", "w"))
    sent = Notification.objects.filter(title__contains="即将到期")
    assert set(sent.values_list("recipient__username", flat=True)) == {"member", "staff"}
    assert sent.count() == 2
