from django.core.management.base import BaseCommand, CommandError

from archives.closing import closing_run_execute, closing_run_open, run_persons
from archives.models import RuleSet
from core.errors import DomainError
from core.scale import Progress


class Command(BaseCommand):
    help = (
        "年度归档：为该年度每位委员、顾问保存履职档案（积分明细快照和 PDF），并打包成 ZIP。"
        "与归档页面的后台任务同一代码；中断后再次运行会从中断处继续，不会重复。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度，如 2025")
        parser.add_argument("--term", type=int, help="届次编号，如 14：只归档该届的委员、顾问")
        parser.add_argument(
            "--org",
            help="机构全称或简称：只归档该机构积分规则下的人员（默认：该年度每一套积分规则各归档一次）",
        )

    def handle(self, *args, year, term, org, **options):
        term_obj = self._term(term)
        if org:
            from organisations.selectors import organisation_by_name

            body = organisation_by_name(org)
            if body is None:
                raise CommandError(f"找不到机构：{org}")
            bodies = [body]
        else:
            bodies = [rs.owner_org for rs in RuleSet.objects.filter(year=year).select_related("owner_org")]
            if not bodies:
                raise CommandError(f"{year} 年度尚未设置履职积分规则，无法归档。")
        for body in bodies:
            try:
                run, continued = closing_run_open(year=year, term=term_obj, org=body)
            except DomainError as exc:
                raise CommandError(exc.message)
            persons = run_persons(run).count()
            verb = "继续" if continued else "开始"
            self.stdout.write(f"{verb}归档：{run.owner_org.name} {year} 年度（批次 {run.pk}，{persons} 人）")
            bar = None

            def progress(done, total):
                nonlocal bar
                if bar is None:
                    bar = Progress(self.stdout, "生成档案", total)
                bar.advance(done - bar.done)

            run = closing_run_execute(run_id=run.pk, progress=progress)
            if bar is not None:
                bar.close()
            self.stdout.write(self.style.SUCCESS(f"{run.message} 压缩包：{run.zip_file.name}"))

    def _term(self, number):
        if not number:
            return None
        from members.models import Term

        term = Term.objects.filter(number=number).order_by("-is_current").first()
        if term is None:
            raise CommandError(f"没有第 {number} 届。")
        return term
