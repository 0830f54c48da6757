import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.errors import DomainError
from members import services
from members.importer import FATE_LABELS
from members.models import ImportSource, Person, Term
from organisations.models import Organisation


class Command(BaseCommand):
    help = (
        "从 Excel 导入委员名册（与导入页面、API 同一引擎）。先用 --dry-run 查看每一行的结果；"
        "有错误的行会列出行号、列名和原因，并以非零状态退出，数据库不变。"
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="名册文件（.xlsx）")
        parser.add_argument("--dry-run", action="store_true", help="只预览，不写入")
        parser.add_argument("--term", type=int, help="届次编号（默认本届），如 14")
        parser.add_argument("--org", help="名册所属机构的全称或简称（默认：现有人员所属的唯一机构）")
        parser.add_argument("--skip-errors", action="store_true", help="跳过有错误或无法确定的行，导入其余行")
        parser.add_argument(
            "--map",
            action="append",
            default=[],
            metavar="列号=字段",
            help="改正列的对应，如 --map 3=phone（列号从 0 起）；可重复",
        )

    def handle(self, *args, file, dry_run, term, org, skip_errors, map, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        term_obj = self._term(term)
        owner = None if dry_run else self._org(org)
        mapping = {}
        for item in map:
            index, _, field = item.partition("=")
            if not index.isdigit():
                raise CommandError(f"--map 应写作 列号=字段：{item}")
            mapping[int(index)] = field
        try:
            analysis, counts = services.roster_import(
                actor=None,
                data=path.read_bytes(),
                filename=path.name,
                owner_org=owner,
                term=term_obj,
                mapping=mapping or None,
                dry_run=True,
                progress=self._progress,
            )
        except DomainError as exc:
            raise CommandError(exc.message)
        summary = "，".join(f"{FATE_LABELS[k]} {v}" for k, v in analysis.counts.items())
        self.stdout.write(
            f"\n{path.name}：表头在第 {analysis.header_row} 行，共 {len(analysis.rows)} 行：{summary}"
        )
        for col in analysis.columns:
            self.stdout.write(f"  列 {col.index}「{col.header}」→ {col.field_label}")
        for row in analysis.blocking:
            who = f"（{row.name}）" if row.name else ""
            for column, reason in row.errors:
                self.stdout.write(self.style.ERROR(f"  第 {row.row} 行{who}「{column}」：{reason}"))
        if dry_run:
            if analysis.blocking:
                raise CommandError(f"有 {len(analysis.blocking)} 行有错误或无法确定（试运行，未写入）。")
            self.stdout.write(self.style.SUCCESS("试运行完成，未写入。"))
            return
        if analysis.blocking and not skip_errors:
            raise CommandError(
                f"有 {len(analysis.blocking)} 行有错误或无法确定，未导入任何数据（可用 --skip-errors 跳过）。"
            )
        try:
            counts = services.roster_import_commit(
                actor=None,
                analysis=analysis,
                owner_org=owner,
                skip_errors=skip_errors,
                progress=self._progress,
                source=ImportSource.COMMAND,
            )
        except DomainError as exc:
            raise CommandError(exc.message)
        self.stdout.write(
            self.style.SUCCESS(
                f"\n导入完成：新增 {counts['created']}，更新 {counts['updated']}，无变化 {counts['unchanged']}，跳过 {counts['skipped']}。"
            )
        )

    def _progress(self, done: int, total: int, message: str) -> None:
        width = 30
        filled = int(width * done / total) if total else width
        sys.stderr.write(f"\r{message} [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stderr.flush()

    def _term(self, number):
        qs = Term.objects.order_by("-is_current", "-number")
        term = qs.filter(number=number).first() if number else qs.filter(is_current=True).first()
        if number and term is None:
            raise CommandError(f"没有第 {number} 届。")
        return term

    def _org(self, name):
        if name:
            from organisations.selectors import organisation_by_name

            org = organisation_by_name(name)
            if org is None:
                raise CommandError(f"找不到机构：{name}")
            return org
        owners = list(Person.objects.order_by().values_list("owner_org", flat=True).distinct()[:2])
        if len(owners) != 1:
            raise CommandError("请用 --org 指定名册所属机构。")
        return Organisation.objects.get(pk=owners[0])
