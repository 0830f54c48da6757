from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from core.crypto import EncryptedTextField


class Command(BaseCommand):
    help = (
        "用新密钥重新加密所有加密字段。步骤：把新密钥放在 TONGXIN_FIELD_KEY 的最前面（新,旧），运行本命令，"
        "确认无误后再去掉旧密钥。可重复运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--batch", type=int, default=500)

    def handle(self, *args, batch, **options):
        total = 0
        for model in apps.get_models():
            fields = [f.name for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
            if not fields:
                continue
            count = 0
            pks = list(model._default_manager.values_list("pk", flat=True).order_by("pk"))
            for start in range(0, len(pks), batch):
                with transaction.atomic():
                    for obj in model._default_manager.filter(
                        pk__in=pks[start : start + batch]
                    ).select_for_update():
                        # Reading decrypts with any key; saving encrypts with the first (new) one.
                        if hasattr(obj, "refresh_blind_indexes"):
                            obj.refresh_blind_indexes()
                        model._default_manager.filter(pk=obj.pk).update(
                            **{f: getattr(obj, f) for f in fields}, **_index_values(obj)
                        )
                        count += 1
            self.stdout.write(f"{model._meta.verbose_name}：重新加密 {count} 条")
            total += count
        self.stdout.write(self.style.SUCCESS(f"完成，共 {total} 条。"))


def _index_values(obj) -> dict:
    names = getattr(obj, "blind_index_fields", ())
    return {name: getattr(obj, name) for name in names}
