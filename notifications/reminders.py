"""Reminder rules. Each app registers small functions; `manage.py send_reminders` runs them all.

A rule is `fn(now) -> iterable of Reminder`. The (rule, object, recipient, period) key makes sending
idempotent: running the command every few minutes never sends the same reminder twice.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.contrib.contenttypes.models import ContentType
from django.db import IntegrityError, transaction
from django.utils import timezone

from core import crash, retention

from .models import Notification, SentReminder

_RULES: dict[str, Callable] = {}


@dataclass
class Reminder:
    obj: object
    recipients: Iterable  # users or persons
    period: str  # e.g. "2026-11-27" or "before-deadline"
    title: str
    body: str = ""
    url: str = ""


def register(name: str):
    """Decorator: register a reminder rule under a unique name."""

    def wrap(fn):
        _RULES[name] = fn
        return fn

    return wrap


def registered() -> dict[str, Callable]:
    return dict(_RULES)


def run_rule(name: str, fn, now) -> int:
    """Run one rule; returns how many reminders were sent now (already-sent ones are skipped)."""
    from .services import _users, notify

    sent = 0
    for reminder in fn(now):
        ct = ContentType.objects.get_for_model(type(reminder.obj)) if reminder.obj is not None else None
        oid = getattr(reminder.obj, "pk", None)
        for user in _users(reminder.recipients):
            try:
                with transaction.atomic():
                    SentReminder.objects.create(
                        rule=name, content_type=ct, object_id=oid, recipient=user, period=reminder.period
                    )
                    notify(
                        [user],
                        f"reminder:{name}",
                        reminder.obj,
                        title=reminder.title,
                        body=reminder.body,
                        url=reminder.url,
                    )
                    # The sent-mark and the notification commit together: a crash leaves both or neither.
                    crash.point("notifications.reminder.writing")
            except IntegrityError:
                continue  # already sent for this period
            sent += 1
            crash.point("notifications.reminder.sent")
    return sent


def send_digests(now=None) -> int:
    """One digest email per digest user per day, idempotent through SentReminder."""
    from accounts.models import NotificationMode, User

    from .services import send_digest

    now = now or timezone.now()
    period = timezone.localdate(now).isoformat()
    sent = 0
    users = User.objects.filter(is_active=True, notification_mode=NotificationMode.DIGEST).exclude(email="")
    for user in users:
        pending = list(
            Notification.objects.filter(recipient=user, emailed_at__isnull=True).order_by("created_at")
        )
        if not pending:
            continue
        try:
            with transaction.atomic():
                SentReminder.objects.create(rule="daily_digest", recipient=user, period=period)
                send_digest(user, pending)
        except IntegrityError:
            continue
        sent += 1
    return sent


@retention.register("notifications", label="已读通知", default_days=365)
def _old_read_notifications(cutoff, dry_run):
    old = Notification.objects.filter(created_at__lt=cutoff, read_at__isnull=False)
    return old.count() if dry_run else old.delete()[0]


@retention.register("sent_reminders", label="提醒发送记录", default_days=400)
def _old_sent_marks(cutoff, dry_run):
    # Kept longer than any reminder period (a week, a due date), so no reminder is sent twice.
    old = SentReminder.objects.filter(sent_at__lt=cutoff)
    return old.count() if dry_run else old.delete()[0]
