from django.core.management.base import BaseCommand, CommandError

from accounts.models import ApiToken, User


class Command(BaseCommand):
    help = "为用户生成 API 令牌并打印（令牌只显示这一次）。用法：create_api_token USERNAME [--name 名称]"

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--name", default="命令行")

    def handle(self, *args, username, name, **options):
        try:
            user = User.objects.get(username=username)
        except User.DoesNotExist:
            raise CommandError(f"没有用户名为“{username}”的用户。")
        if not user.is_active:
            raise CommandError(f"用户“{username}”已停用。")
        _, key = ApiToken.issue(user, name=name)
        self.stdout.write(key)
