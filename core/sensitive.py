"""Revealing or exporting protected values: always through here, so every reveal and export is logged (PIPL)."""

from django.contrib.contenttypes.models import ContentType

from .models import AccessKind, SensitiveAccessLog


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


def log_export(*, user, objs, fields: str, detail: str, ip: str | None = None) -> int:
    """Record that `user` exported the clear `fields` of each of `objs` in a file (`detail`: its name and what
    it held). One row per data subject, so "who took my data" is answerable per person. Returns the count."""
    objs = list(objs)
    if not objs:
        return 0
    ct = ContentType.objects.get_for_model(type(objs[0]))
    SensitiveAccessLog.objects.bulk_create(
        SensitiveAccessLog(
            user=user,
            kind=AccessKind.EXPORT,
            content_type=ct,
            object_id=obj.pk,
            field=fields[:60],
            detail=detail[:200],
            subject_label=str(obj)[:200],
            ip_address=ip,
        )
        for obj in objs
    )
    return len(objs)


def client_ip(request) -> str | None:
    return request.META.get("REMOTE_ADDR")
