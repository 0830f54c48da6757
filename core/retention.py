"""Data retention (PIPL: keep personal data no longer than needed). Each app registers what it keeps for a limited
time; `manage.py apply_retention` (also run by every `send_reminders`) applies the periods of the setting
`TONGXIN_RETENTION_DAYS` (name → days; 0 keeps forever). Rules are idempotent deletes or blankings of rows older
than the cut-off, so running them every few minutes costs a few indexed queries.
"""

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass

from django.conf import settings
from django.utils import timezone


@dataclass(frozen=True)
class Rule:
    name: str
    label: str
    default_days: int
    apply: Callable  # apply(cutoff: datetime, dry_run: bool) -> int


_RULES: dict[str, Rule] = {}


def register(name: str, *, label: str, default_days: int):
    """Decorator: `fn(cutoff, dry_run) -> count` removes (or, with dry_run, counts) what is older than cutoff."""

    def wrap(fn):
        _RULES[name] = Rule(name, label, default_days, fn)
        return fn

    return wrap


def rules() -> list[Rule]:
    return sorted(_RULES.values(), key=lambda r: r.name)


def days_for(rule: Rule) -> int:
    return int(getattr(settings, "TONGXIN_RETENTION_DAYS", {}).get(rule.name, rule.default_days) or 0)


def apply_all(*, now=None, dry_run: bool = False) -> list[tuple[Rule, int, int]]:
    """Apply every rule; returns (rule, days, rows affected) for each (days 0: kept forever, nothing done)."""
    now = now or timezone.now()
    done = []
    for rule in rules():
        days = days_for(rule)
        count = rule.apply(now - dt.timedelta(days=days), dry_run) if days > 0 else 0
        done.append((rule, days, count))
    return done


@register("access_log", label="敏感信息访问记录", default_days=3 * 365)
def _access_log(cutoff, dry_run):
    from .models import SensitiveAccessLog

    old = SensitiveAccessLog.objects.filter(created_at__lt=cutoff)
    return old.count() if dry_run else old.delete()[0]


@register("export_files", label="后台导出的文件", default_days=7)
def _export_files(cutoff, dry_run):
    from .models import ExportJob

    old = ExportJob.objects.filter(created_at__lt=cutoff)
    if dry_run:
        return old.count()
    for job in old.exclude(file=""):
        job.file.delete(save=False)
    return old.delete()[0]
