"""The one notification service every workflow uses."""

import logging
from collections.abc import Iterable

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.core.mail import send_mail
from django.db import transaction
from django.utils import timezone

from accounts.models import NotificationMode
from core.text import to_traditional

from .models import Notification
from .selectors import forget_unread

log = logging.getLogger(__name__)


def _users(recipients: Iterable) -> list:
    """Accept users or persons (anything with a `.user`); drop duplicates, inactive and unlinked ones."""
    seen, out = set(), []
    for r in recipients:
        user = r if hasattr(r, "notification_mode") else getattr(r, "user", None)
        if user is None or not user.is_active or user.pk in seen:
            continue
        seen.add(user.pk)
        out.append(user)
    return out


def notify(
    recipients: Iterable, event: str, obj=None, *, title: str, body: str = "", url: str = ""
) -> list[Notification]:
    """Write an in-app notification for each recipient and email those who want it at once, after commit.

    `recipients` may mix users and persons. Nothing is emailed if the surrounding transaction rolls back.
    Returns the notifications written.
    """
    users = _users(recipients)
    if not users:
        return []
    ct = ContentType.objects.get_for_model(type(obj)) if obj is not None else None
    forget_unread([u.pk for u in users])
    rows = Notification.objects.bulk_create(
        [
            Notification(
                recipient=u,
                event=event,
                title=title[:200],
                body=body,
                url=url,
                content_type=ct,
                object_id=getattr(obj, "pk", None),
            )
            for u in users
        ]
    )
    immediate = [
        n
        for n, u in zip(rows, users, strict=True)
        if u.notification_mode == NotificationMode.IMMEDIATE and u.email
    ]
    if immediate:
        ids = [n.pk for n in immediate]
        transaction.on_commit(lambda: send_immediate(ids))
    return rows


def _localise(user, text: str) -> str:
    return to_traditional(text) if user.script == "hant" else text


def send_immediate(notification_ids: list[int]) -> int:
    """Email notifications not yet emailed (safe to call twice: emailed_at is checked and set)."""
    sent = 0
    qs = Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True).select_related(
        "recipient"
    )
    for n in qs:
        user = n.recipient
        try:
            send_mail(
                _localise(user, f"【同心】{n.title}"),
                _localise(user, _email_body(n)),
                settings.DEFAULT_FROM_EMAIL,
                [user.email],
            )
        except OSError:
            log.exception("sending notification %s failed", n.pk)
            continue
        Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def _email_body(n: Notification) -> str:
    lines = [n.title, "", n.body] if n.body else [n.title]
    if n.url:
        lines += ["", f"查看：{n.url}"]
    return "\n".join(lines)


def send_digest(user, notifications: list[Notification]) -> None:
    """One email listing a day's notifications for a digest user."""
    lines = [f"您有 {len(notifications)} 条新通知：", ""]
    for n in notifications:
        lines.append(f"· {timezone.localtime(n.created_at):%m-%d %H:%M} {n.title}")
    send_mail(
        _localise(user, "【同心】每日通知汇总"),
        _localise(user, "\n".join(lines)),
        settings.DEFAULT_FROM_EMAIL,
        [user.email],
    )
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(emailed_at=timezone.now())


def mark_read(*, user, ids: Iterable[int] | None = None) -> int:
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if ids is not None:
        qs = qs.filter(pk__in=list(ids))
    forget_unread([user.pk])
    return qs.update(read_at=timezone.now())


def notifications_erase(*, user) -> int:
    """Delete every notification of a user whose person was erased (their titles name the person's records)."""
    deleted, _ = Notification.objects.filter(recipient=user).delete()
    forget_unread([user.pk])
    return deleted
