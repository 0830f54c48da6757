"""Revealing protected values: always through here, so every reveal is logged (PIPL)."""

from django.contrib.contenttypes.models import ContentType

from .models import SensitiveAccessLog


def log_reveal(*, user, obj, field: str, ip: str | None = None) -> SensitiveAccessLog:
    """Record that `user` saw the clear value of `field` on `obj`. Call before showing the value."""
    return SensitiveAccessLog.objects.create(
        user=user,
        content_type=ContentType.objects.get_for_model(type(obj)),
        object_id=obj.pk,
        field=field,
        subject_label=str(obj)[:200],
        ip_address=ip,
    )


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")
