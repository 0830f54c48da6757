from django.core.management.base import BaseCommand
from django.utils import timezone

from notifications.reminders import registered, run_rule, send_digests


class Command(BaseCommand):
    help = "发送所有到期提醒和每日通知汇总。可重复运行（建议每 5 分钟由 cron 调用），同一提醒不会重复发送。"

    def add_arguments(self, parser):
        parser.add_argument("--rule", help="只运行这一条规则")

    def handle(self, *args, rule=None, **options):
        now = timezone.now()
        total = 0
        for name, fn in sorted(registered().items()):
            if rule and name != rule:
                continue
            sent = run_rule(name, fn, now)
            total += sent
            self.stdout.write(f"{name}: 发送 {sent} 条")
        if not rule:
            digests = send_digests(now)
            self.stdout.write(f"daily_digest: 发送 {digests} 封汇总邮件")
            # Retention periods are applied on the same schedule (idempotent, a few indexed deletes).
            from core.retention import apply_all

            cleaned = sum(count for _rule, _days, count in apply_all(now=now))
            self.stdout.write(f"data_retention: 清理 {cleaned} 条过期数据")
        self.stdout.write(f"共发送 {total} 条提醒。")
