from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from core.backup import backup
from core.errors import DomainError


class Command(BaseCommand):
    help = (
        "备份数据库（一致的快照：SQLite 在线备份或 pg_dump）和上传文件，写成一个 .tar.gz 文件。"
        "密钥默认不放进备份（请另行保管 var/field.key 和 var/secret.key）；--include-keys 明确要求时才放入。"
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            default=str(Path(settings.VAR_DIR) / "backups"),
            help="备份文件写到哪个目录（默认 var/backups）",
        )
        parser.add_argument(
            "--include-keys",
            action="store_true",
            help="把 SECRET_KEY 和字段密钥也放进备份（持有备份者即可读取全部证件号码，请慎用）",
        )

    def handle(self, *args, output, include_keys, **options):
        try:
            result = backup(
                output_dir=Path(output), include_keys=include_keys, progress=lambda m: self.stderr.write(m)
            )
        except DomainError as exc:
            raise CommandError(exc.message)
        size = result.size / 1024 / 1024
        self.stdout.write(
            self.style.SUCCESS(
                f"备份完成：{result.path}（{size:.1f} MB，{result.engine}，上传文件 {result.media_files} 个）"
            )
        )
        if include_keys:
            self.stdout.write(
                self.style.WARNING("注意：备份中包含密钥，持有该文件即可读取全部加密数据，请加密保存。")
            )
        else:
            self.stdout.write(
                f"密钥不在备份中：请另行保管字段密钥（指纹 {', '.join(result.key_fingerprints)}）和 SECRET_KEY，恢复时需要。"
            )
