from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.backup import check_restored_counts, read_manifest, restore
from core.checks import field_key_problem
from core.errors import DomainError


class Command(BaseCommand):
    help = (
        "用 backup 生成的备份文件替换当前数据库和上传文件。请先停止应用服务器。"
        "恢复前先核对字段密钥：当前密钥不是备份时的密钥则拒绝恢复，数据不变。"
    )
    # Must run even when the current database cannot be read with the current key (that is why one restores).
    requires_system_checks = []

    def add_arguments(self, parser):
        parser.add_argument("archive", help="备份文件（tongxin-backup-….tar.gz）")
        parser.add_argument("--yes", action="store_true", help="不再询问，直接替换当前数据")
        parser.add_argument(
            "--force-keys",
            action="store_true",
            help="即使当前字段密钥与备份时不同也恢复（加密数据将无法读取）",
        )

    def handle(self, *args, archive, yes, force_keys, **options):
        path = Path(archive)
        if not path.is_file():
            raise CommandError(f"找不到备份文件：{archive}")
        try:
            manifest = read_manifest(path)
        except DomainError as exc:
            raise CommandError(exc.message)
        self.stdout.write(f"备份时间：{manifest['created_at']}，数据库：{manifest['engine']}")
        if not yes:
            answer = input("恢复将替换当前全部数据和上传文件，输入 yes 继续：")
            if answer.strip().lower() != "yes":
                raise CommandError("已取消，数据未改变。")
        try:
            restore(archive=path, force_keys=force_keys, progress=lambda m: self.stderr.write(m))
        except DomainError as exc:
            raise CommandError(exc.message)
        differences = check_restored_counts(manifest)
        if differences:
            raise CommandError("恢复后行数与备份不一致：" + "；".join(differences))
        problem = field_key_problem()
        if problem:
            self.stdout.write(self.style.WARNING(problem))
        self.stdout.write(self.style.SUCCESS("恢复完成，数据与备份时一致。请重新启动应用服务器。"))
