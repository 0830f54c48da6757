import importlib
import importlib.util

from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import transaction
from django.test.utils import override_settings


class Command(BaseCommand):
    help = "载入演示数据（来源文件讲述的港澳台侨外事委员会的一年）。可重复运行，不会重复创建。"

    def handle(self, *args, **options):
        # The story's notifications stay in the app: demo addresses are fictional, so no email is sent.
        with override_settings(EMAIL_BACKEND="django.core.mail.backends.dummy.EmailBackend"):
            self._load()
        self.stdout.write(self.style.SUCCESS("演示数据已就绪。"))

    def _load(self):
        for app in settings.DOMAIN_APPS:
            if importlib.util.find_spec(f"{app}.demo") is None:
                continue
            module = importlib.import_module(f"{app}.demo")
            if not hasattr(module, "load"):
                continue  # core.demo holds shared facts of the story, nothing to load
            with transaction.atomic():
                module.load(self.stdout)
