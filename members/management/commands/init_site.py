"""First install without demo data: the committee's own body in the tree, its current term, the first admin."""

import datetime as dt
import getpass
import os

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from accounts.models import User
from accounts.services import user_create
from core.errors import DomainError
from core.roles import Role
from members.services import term_create
from organisations.models import Organisation, OrgKind, OrgLevel
from organisations.services import organisation_create


class Command(BaseCommand):
    help = (
        "首次安装（不含演示数据）：在机构树中建立本政协及本专门委员会、本届届次和第一个系统管理员账号，"
        "之后即可登录并用 import_members 导入名册。密码取自环境变量 TONGXIN_ADMIN_PASSWORD，否则交互输入。"
        "只能在尚无系统管理员时运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--cppcc", required=True, help="本政协全称，如 广州市政协")
        parser.add_argument(
            "--level",
            default=OrgLevel.CITY,
            choices=[c for c in OrgLevel.values if c != OrgLevel.NONE],
            help="本政协层级（默认 city 市级）",
        )
        parser.add_argument(
            "--committee", required=True, help="本专门委员会全称，如 广州市政协港澳台侨外事委员会"
        )
        parser.add_argument("--committee-short", default="", help="委员会简称，如 港澳台侨外事委")
        parser.add_argument("--admin", required=True, help="第一个系统管理员的用户名")
        parser.add_argument("--admin-name", default="", help="管理员姓名")
        parser.add_argument("--admin-email", default="", help="管理员电子邮箱")
        parser.add_argument("--term", type=int, help="本届届次编号，如 14（与 --term-start 一起给出）")
        parser.add_argument("--term-start", help="本届开始日期 YYYY-MM-DD（届期五年）")

    def handle(self, *args, **opts):
        if User.objects.filter(role=Role.ADMIN).exists():
            raise CommandError(
                "本系统已有系统管理员，已初始化过；请用管理员账号登录后在页面上新增机构和用户。"
            )
        if (opts["term"] is None) != (opts["term_start"] is None):
            raise CommandError("--term 与 --term-start 需要一起给出。")
        term_start = None
        if opts["term_start"]:
            try:
                term_start = dt.date.fromisoformat(opts["term_start"])
            except ValueError:
                raise CommandError("--term-start 应为 YYYY-MM-DD 格式的日期，如 2023-01-01。")
        password = self._password()
        try:
            with transaction.atomic():
                cppcc = self._body(opts["cppcc"], OrgKind.CPPCC, opts["level"], None, "")
                committee = self._body(
                    opts["committee"], OrgKind.COMMITTEE, opts["level"], cppcc, opts["committee_short"]
                )
                term = None
                if opts["term"] is not None:
                    term = term_create(
                        actor=None, cppcc=cppcc, number=opts["term"], start_date=term_start, check=False
                    )
                admin = user_create(
                    actor=None,
                    username=opts["admin"],
                    password=password,
                    role=Role.ADMIN,
                    organisation=committee,
                    full_name=opts["admin_name"],
                    email=opts["admin_email"],
                    check=False,
                )
        except DomainError as exc:
            raise CommandError(exc.message)
        self.stdout.write(self.style.SUCCESS(f"已建立：{cppcc.name} → {committee.name}"))
        if term is not None:
            self.stdout.write(f"本届：{term}（{term.start_date} 至 {term.end_date}）")
        self.stdout.write(f"系统管理员：{admin.username}（请登录后为工作人员和领导建立账号）")
        self.stdout.write(
            "导入名册：manage.py import_members 名册.xlsx --dry-run，确认无误后 "
            f"manage.py import_members 名册.xlsx --org {committee.short_name or committee.name}"
            + (f" --term {term.number}" if term else "")
        )

    def _body(self, name, kind, level, parent, short_name) -> Organisation:
        """An existing body of that name is reused (a second try after a typo in the admin's password)."""
        existing = Organisation.objects.filter(name=name.strip()).first()
        if existing is not None:
            return existing
        return organisation_create(
            actor=None, name=name, kind=kind, level=level, parent=parent, short_name=short_name, check=False
        )

    def _password(self) -> str:
        password = os.environ.get("TONGXIN_ADMIN_PASSWORD", "")
        if password:
            return password
        if not self._interactive():
            raise CommandError("请用环境变量 TONGXIN_ADMIN_PASSWORD 提供管理员密码（非交互运行）。")
        password = getpass.getpass("管理员密码：")
        if password != getpass.getpass("再输入一次："):
            raise CommandError("两次输入的密码不一致。")
        return password

    def _interactive(self) -> bool:
        import sys

        return sys.stdin is not None and sys.stdin.isatty()
