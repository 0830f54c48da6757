from django.core.management.base import BaseCommand

from core.retention import apply_all


class Command(BaseCommand):
    help = (
        "按保存期限（设置 TONGXIN_RETENTION_DAYS）删除或清除过期的个人数据：敏感信息访问记录、已读通知、"
        "未导入的名册文件、已办结百姓提案的联系方式等。可重复运行；send_reminders 每次也会运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="只统计，不删除")

    def handle(self, *args, dry_run, **options):
        for rule, days, count in apply_all(dry_run=dry_run):
            if days <= 0:
                self.stdout.write(f"{rule.label}：长期保存")
            else:
                verb = "将清理" if dry_run else "已清理"
                self.stdout.write(f"{rule.label}：保存 {days} 天，{verb} {count} 条")
